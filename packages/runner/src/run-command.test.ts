/**
 * `arena run` as a one-trial sweep, before anything runs: the in-memory config is a sweep config
 * `arena sweep` would accept, and its trial is the one such a config expands to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { RUN_CONFIG_FILE, RunReporter, formatProgress, prepareRun } from './run-command.js';
import type { RawRunOptions } from './run-command.js';
import { composeSweepSchema } from './sweep-schema.js';
import { compileSchema } from './validation.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-run-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const raw = (out: string, extra: Partial<RawRunOptions> = {}): RawRunOptions => ({
  algo: 'trpo-single-path',
  env: 'cartpole-v1',
  seed: '3',
  preset: 'smoke',
  backend: 'wasm',
  iterations: '2',
  batchSize: '200',
  workers: '1',
  set: ['stepSize=0.02'],
  out,
  ...extra,
});

describe('arena run as a one-trial sweep', () => {
  it('builds a sweep config that arena sweep accepts, with one trial and the flags as its spec', async () => {
    const out = path.join(tmp, 'a');
    const run = await prepareRun(raw(out));
    const validate = compileSchema(composeSweepSchema(builtinPlugins, defaultEnvRegistry.ids()));
    expect(validate(run.sweep.loaded.config), JSON.stringify(validate.errors)).toBe(true);
    expect(run.sweep.loaded.file).toBe(RUN_CONFIG_FILE);
    expect(run.spec).toMatchObject({
      id: 'trpo-single-path__cartpole-v1__seed3',
      algorithm: 'trpo-single-path',
      task: 'cartpole-v1',
      seed: 3,
      preset: 'smoke',
      iterations: 2,
      stepsPerIteration: 200,
      config: { stepSize: 0.02 },
      plugin: { package: '@policy-arena/algorithms' },
    });
    // --workers is the trial's sampling threads; the pool runs the one trial.
    expect(run.sweep).toMatchObject({ workers: 1, samplerWorkers: 1, outDir: out });
    expect(run.sweep.restart.size).toBe(0);
    expect(fs.existsSync(out)).toBe(false); // preparing writes nothing
  });

  it('marks the trial to start over with --force', async () => {
    const run = await prepareRun(raw(path.join(tmp, 'b'), { force: true }));
    expect([...run.sweep.restart]).toEqual([run.spec.id]);
  });

  it('prints the progress line it printed when it ran in-thread, with the ETA of this run only', () => {
    const spec = { algorithm: 'trpo-single-path', task: 'cartpole-v1', seed: 3, iterations: 10 };
    const update = {
      iteration: 5,
      perStepReward: 1.234,
      meanReturn: 123.4,
      meanKl: 0.00912,
      envSteps: 6000,
      seconds: 0.1,
    };
    expect(formatProgress(spec as never, update, 3, 0)).toBe(
      '[trpo-single-path cartpole-v1 seed 3] iter  6/10  score/step 1.23  return 123.4  KL 0.0091  steps 6000  3.0s  ETA 2s\n',
    );
    // Resumed at iteration 5: one iteration in 3 s here, four to go.
    expect(formatProgress(spec as never, update, 3, 5)).toMatch(/ETA 12s\n$/);
    const lines: string[] = [];
    let now = 0;
    const reporter = new RunReporter((t) => lines.push(t), { now: () => now, isoDate: () => '' });
    reporter.start({ total: 1, alreadyDone: 0, toRun: [], workers: 1 });
    now = 5000; // the worker thread's start-up: not counted
    reporter.trialStarted(spec as never, 5);
    now = 8000;
    reporter.iteration(spec as never, update);
    expect(lines).toEqual([
      '[trpo-single-path cartpole-v1 seed 3] resuming at iteration 6 of 10\n',
      formatProgress(spec as never, update, 3, 5),
    ]);
  });
});
