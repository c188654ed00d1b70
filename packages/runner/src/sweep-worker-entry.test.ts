import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { workerFile } from './sweep.js';

// Node 20.20 aborts the process when a worker is terminated while require() instantiates an ES
// module graph synchronously; the sweep pool's entry must leave that to import(). Checked in a
// plain node process: this test process resolves workspace packages to their TypeScript sources.
describe('the sweep pool entry', () => {
  it('is CommonJS whose require() returns the handler as a promise, loaded by import()', () => {
    const file = workerFile();
    expect(file).toMatch(/\.cjs$/);
    const check = `
      const { pathToFileURL } = require('node:url');
      const required = require(process.argv[1]);
      const isPromise = required instanceof Promise;
      Promise.all([required, import(pathToFileURL(process.argv[2]).href)]).then(([handler, worker]) =>
        console.log(JSON.stringify({ isPromise, type: typeof handler, same: handler === worker.default })));`;
    const r = spawnSync(
      process.execPath,
      ['-e', check, file, file.replace(/sweep-worker-entry\.cjs$/, 'sweep-worker.js')],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ isPromise: true, type: 'function', same: true });
  });
});
