// Development-only entry of VectorEnv worker threads when @policy-arena/envs runs from its TypeScript
// sources (vitest resolves workspace packages to src/ through the "source" export condition, but a
// worker thread is plain Node and cannot import .ts). Registers ts-hooks.mjs, then imports the real
// worker entry (src/vector-worker.ts). The built package starts dist/vector-worker.js directly, so
// this file is not published.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

register('./ts-hooks.mjs', import.meta.url);
await import(workerData.entry);
