/**
 * Worker-thread entry of RolloutPool: one env and one float64 policy network; runs the items of a
 * round it claims from the shared counter and sends back what it ran.
 */
import { parentPort } from 'node:worker_threads';
import { GaussianMlp, threadCpuSeconds } from '@policy-arena/core/env';
import type { Env } from '@policy-arena/core';
import { defaultEnvRegistry } from './registry.js';
import { atomicClaims, runBranchClaims, runEpisodeClaims } from './rollout-pool.js';
import type { RolloutReply, RolloutRequest } from './rollout-pool.js';

const port = parentPort;
if (!port) throw new Error('rollout-worker must run in a worker thread');

let env: Env | undefined;
let policy: GaussianMlp | undefined;

function ready(): { env: Env; policy: GaussianMlp } {
  if (!env || !policy) throw new Error('the worker has no env yet');
  return { env, policy };
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
      const { claim, done } = atomicClaims(
        new Int32Array(req.counter),
        round.minSteps > 0 ? 0x7fffffff : round.episodes,
        round.minSteps,
      );
      const part = runEpisodeClaims(w.env, w.policy, round, claim, done);
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
      const { claim } = atomicClaims(new Int32Array(req.counter), req.round.jobs.length, 0);
      const part = runBranchClaims(w.env, w.policy, req.round, claim);
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
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', message: err.message, name: err.name, stack: err.stack ?? '' });
    },
  );
});
