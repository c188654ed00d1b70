import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadCpuSeconds } from './cpu-time.js';

const spin = (ms: number) => {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
};

describe('threadCpuSeconds', () => {
  it.runIf(process.platform === 'linux')(
    'counts this thread busy, and not another thread that spins',
    async () => {
      const t0 = threadCpuSeconds()!;
      // Another thread burns ~400 ms of CPU while this one waits on a promise (no CPU here).
      await new Promise<void>((resolve, reject) => {
        const w = new Worker(
          'const end = performance.now() + 400; let x = 0; while (performance.now() < end) x += Math.sqrt(x + 1);',
          { eval: true },
        );
        w.on('exit', () => resolve());
        w.on('error', reject);
      });
      const waited = threadCpuSeconds()! - t0;
      spin(300);
      const busy = threadCpuSeconds()! - t0 - waited;
      expect(waited).toBeLessThan(0.2); // thread start-up and event-loop work only
      // 300 ms of wall spinning, minus what the scheduler gave others on a busy machine.
      expect(busy).toBeGreaterThan(0.05);
      expect(busy).toBeLessThan(0.45);
    },
  );

  it.runIf(process.platform !== 'linux')('is undefined where /proc/thread-self does not exist', () => {
    expect(threadCpuSeconds()).toBeUndefined();
  });
});
