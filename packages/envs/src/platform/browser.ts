/**
 * What envs does differently in a browser: no sampler threads. A trial in a page or a Web Worker
 * samples in its own thread (`samplerWorkers: 0`, the default), which gives the same results.
 */
export class Worker {
  constructor() {
    throw new Error(
      'sampler worker threads (samplerWorkers > 0, VectorEnv workers) need Node.js worker_threads; in a browser use samplerWorkers: 0',
    );
  }
}
