import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinPlugins, trpoSinglePath } from '@policy-arena/algorithms';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { defaultEnvRegistry } from '@policy-arena/envs';
import { boundPlugins, createRootContainer, createTrialContainer } from './container.js';
import type { TrialRunner } from './container.js';
import { TYPES } from './services.js';
import type { Reporter, TrialServices } from './services.js';
import { ResultsStore } from './store.js';
import { applyDefaults } from './sweep-schema.js';
import type { TrialSpec } from './trials.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-container-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function spec(seed: number): TrialSpec {
  return {
    id: `trpo-single-path__cartpole-v1__seed${seed}`,
    algorithm: 'trpo-single-path',
    label: 'trpo-single-path',
    variant: 'trpo-single-path',
    task: 'cartpole-v1',
    seed,
    grid: {},
    config: applyDefaults(trpoSinglePath.configSchema, {}) as TrialSpec['config'],
    preset: 'smoke',
    iterations: 3,
    stepsPerIteration: 300,
    plugin: { package: '@policy-arena/algorithms', version: '0.0.0-test', schemaHash: 'test' },
    backend: 'wasm',
  };
}

describe('the inversify container', () => {
  it('multi-binds the plugins: getAll lists them, a name picks one', () => {
    const root = createRootContainer({ plugins: builtinPlugins });
    expect(boundPlugins(root).map((p) => p.name)).toEqual(builtinPlugins.map((p) => p.name));
    for (const plugin of builtinPlugins) {
      expect(root.get<AlgorithmPlugin>(TYPES.AlgorithmPlugin, { name: plugin.name })).toBe(plugin);
    }
    expect(() => root.get(TYPES.AlgorithmPlugin, { name: 'nope' })).toThrow();
  });

  it('binds what every trial runs with once, as TrialServices, from the root services', () => {
    const defaults = createRootContainer({ plugins: builtinPlugins }).get<TrialServices>(TYPES.TrialServices);
    expect(defaults).toMatchObject({
      envRegistry: defaultEnvRegistry,
      backend: 'wasm',
      samplerWorkers: 0,
      checkpointEvery: 1,
    });
    const root = createRootContainer({
      plugins: builtinPlugins,
      backend: 'cpu',
      samplerWorkers: 2,
      checkpointEvery: 5,
      clock: { now: () => 42, isoDate: () => 'then' },
    });
    const services = root.get<TrialServices>(TYPES.TrialServices);
    expect(services).toMatchObject({ backend: 'cpu', samplerWorkers: 2, checkpointEvery: 5 });
    expect(services.now()).toBe(42);
    // Trial containers share the root's: one binding, not one per trial.
    expect(createTrialContainer(root, spec(1)).get(TYPES.TrialServices)).toBe(services);
  });

  it('runs a trial in a child container with injected store, reporter and clock', async () => {
    const store = new ResultsStore(path.join(tmp, 'a'));
    const events: string[] = [];
    const reporter: Reporter = {
      trialStarted: (t, from) => events.push(`start ${t.id} ${from}`),
      iteration: (_t, r) => events.push(`iteration ${r.iteration}`),
      trialFinished: () => {},
    };
    let ticks = 0;
    const root = createRootContainer({
      plugins: builtinPlugins,
      store,
      reporter,
      clock: { now: () => 1000 * ticks++, isoDate: () => 'then' },
    });
    const trial = createTrialContainer(root, spec(1));
    const outcome = await trial.get<TrialRunner>(TYPES.TrialRunner).run();
    expect(outcome).toMatchObject({ fromIteration: 0, iterationsDone: 3 });
    expect(events).toEqual([`start ${spec(1).id} 0`, 'iteration 0', 'iteration 1', 'iteration 2']);
    const records = store.readRecords(spec(1).id);
    expect(records.map((r) => r.seconds)).toEqual([1, 1, 1]); // the injected clock
    expect(store.readCheckpoint(spec(1).id)?.iteration).toBe(3);
    // A second trial container resolves a fresh runner; the root's services are shared.
    const other = createTrialContainer(root, spec(2));
    expect(other.get(TYPES.TrialRunner)).not.toBe(trial.get(TYPES.TrialRunner));
    expect(other.get(TYPES.ResultsStore)).toBe(store);
  });
});
