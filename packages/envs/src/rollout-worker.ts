/**
 * Worker-thread entry of RolloutPool: one env and one float64 policy network; runs the items of a
 * round it claims from the shared counter and sends back what it ran.
 */
import { parentPort } from 'node:worker_threads';
import { GaussianMlp, threadCpuSeconds } from '@policy-arena/core/env';
import type { Env } from '@policy-arena/core';
import { serializeError } from './errors.js';
import { defaultEnvRegistry } from './registry.js';
import { atomicClaims, runBranchClaims, runEpisodeClaims } from './rollout-rounds.js';
import type { ItemFailure, RolloutReply, RolloutRequest } from './rollout-rounds.js';

const port = parentPort;
if (!port) throw new Error('rollout-worker must run in a worker thread');

let env: Env | undefined;
let policy: GaussianMlp | undefined;

function ready(): { env: Env; policy: GaussianMlp } {
  if (!env || !policy) throw new Error('the worker has no env yet');
  return { env, policy };
}

/** A part with its item error as plain data (an Error's class and own fields do not survive postMessage). */
function sendable<Part extends { failure?: ItemFailure }>(part: Part): Part {
  const { failure } = part;
  return failure
    ? { ...part, failure: { index: failure.index, error: serializeError(failure.error) } }
    : part;
}

async function handle(req: RolloutRequest): Promise<{ reply: RolloutReply; transfer?: ArrayBuffer[] }> {
  switch (req.type) {
    case 'init':
      env = await defaultEnvRegistry.make(req.envId, req.envOptions);
      policy = new GaussianMlp(req.policy);
      return { reply: { type: 'ready', spec: env.spec } };
    case 'episodes': {
      const w = ready();
      const cpu0 = threadCpuSeconds() ?? NaN;
      const { round } = req;
      const claims = atomicClaims(
        new Int32Array(req.counter),
        round.minSteps > 0 ? 0x7fffffff : round.episodes,
        round.minSteps,
      );
      const part = sendable(runEpisodeClaims(w.env, w.policy, round, claims));
      const b = part.batch;
      return {
        reply: { type: 'episodes', part, cpuSeconds: (threadCpuSeconds() ?? NaN) - cpu0 },
        transfer: [
          b.observations.buffer,
          b.actions.buffer,
          b.rewards.buffer,
          part.indices.buffer,
        ] as ArrayBuffer[],
      };
    }
    case 'branches': {
      const w = ready();
      const cpu0 = threadCpuSeconds() ?? NaN;
      const claims = atomicClaims(new Int32Array(req.counter), req.round.jobs.length, 0);
      const part = sendable(runBranchClaims(w.env, w.policy, req.round, claims));
      return { reply: { type: 'branches', part, cpuSeconds: (threadCpuSeconds() ?? NaN) - cpu0 } };
    }
    case 'close':
      env?.close();
      env = undefined;
      return { reply: { type: 'ok' } };
  }
}

port.on('message', (req: RolloutRequest) => {
  handle(req).then(
    ({ reply, transfer }) => {
      port.postMessage(reply, transfer);
      if (req.type === 'close') port.close();
    },
    (e: unknown) => {
      port.postMessage({ type: 'error', ...serializeError(e) });
    },
  );
});
