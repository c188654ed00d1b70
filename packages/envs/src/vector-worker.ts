/**
 * Worker-thread entry of VectorEnv: owns one block of sub-envs and answers the main thread's
 * requests, one at a time. Data goes through the shared buffers; messages only carry commands,
 * snapshots and errors.
 */
import { parentPort } from 'node:worker_threads';
import type { EnvState } from '@policy-arena/core';
import { serializeError } from './errors.js';
import { EnvBlock, viewMemory } from './vector-block.js';
import type { WorkerReply, WorkerRequest } from './vector-protocol.js';

const port = parentPort;
if (!port) throw new Error('vector-worker must run in a worker thread');

let block: EnvBlock | undefined;

function needBlock(): EnvBlock {
  if (!block) throw new Error('the worker has no envs yet');
  return block;
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.type) {
    case 'init': {
      block = await EnvBlock.create(req.envId, req.envOptions, req.start, req.count);
      return { type: 'ok', spec: block.spec };
    }
    case 'attach':
      needBlock().attach(viewMemory(req.memory, req.numEnvs, req.obsDim, req.actDim, req.terms));
      return { type: 'ok' };
    case 'reset':
      needBlock().reset(req.seed);
      return { type: 'ok' };
    case 'step':
      needBlock().step();
      return { type: 'ok' };
    case 'snapshot':
      return { type: 'snapshot', states: needBlock().snapshot() };
    case 'restore':
      needBlock().restore(req.states as (EnvState | null)[]);
      return { type: 'ok' };
    case 'close':
      block?.close();
      block = undefined;
      return { type: 'ok' };
  }
}

port.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (reply) => {
      port.postMessage(reply);
      if (req.type === 'close') port.close();
    },
    (e: unknown) => {
      port.postMessage({ type: 'error', ...serializeError(e) });
    },
  );
});
