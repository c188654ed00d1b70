/**
 * The plugin contract, run over every registered plugin: the built-ins and the example external
 * one. A plugin that passes here runs in `arena run` and in sweeps.
 */
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import { Rng, pluginProblems } from '@policy-arena/core';
import type { AlgorithmPlugin, Json } from '@policy-arena/core';
import { CartPoleEnv } from '@policy-arena/envs';
// A static import, so a broken example fails this suite instead of dropping out of it unnoticed.
import randomSearch from '@policy-arena/example-custom-plugin';
import {
  PRESETS,
  architectureFor,
  defaultPolicy,
  pluginConfigIssues,
  pluginContractProblems,
  resolvePluginConfig,
  runTrial,
  withoutTiming,
} from '@policy-arena/runner';

const plugins: readonly AlgorithmPlugin[] = [...builtinPlugins, randomSearch];
/**
 * The plugins whose optimizer carries state from one iteration to the next. Listed, not inferred,
 * so that a plugin whose state() stops changing (or starts to) is a visible change here.
 */
const STATEFUL = new Set(['cem', 'cma', 'reps']);
const TASKS = ['cartpole-v1', 'swimmer-v1', 'hopper-v1', 'walker-v1'];

describe('plugin registry', () => {
  it('has unique names', () => {
    const names = plugins.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe.each(plugins.map((p) => [p.name, p] as const))('plugin contract: %s', (_name, plugin) => {
  it('is a well-formed plugin object', () => {
    expect(pluginProblems(plugin)).toEqual([]);
  });

  it("passes the runner's full contract check (what plugin authors run: resume, JSON state, metric names)", async () => {
    expect(await pluginContractProblems(plugin)).toEqual([]);
  });

  it('documents every setting, with a default that validates', () => {
    for (const [key, prop] of Object.entries(plugin.configSchema.properties)) {
      const p = prop as { description?: string; default?: unknown };
      expect(p.description, `${plugin.name}.${key} description`).toBeTruthy();
      expect(p.default, `${plugin.name}.${key} default`).toBeDefined();
    }
    const defaults = Object.fromEntries(
      Object.entries(plugin.configSchema.properties).map(([k, p]) => [
        k,
        (p as { default?: unknown }).default,
      ]),
    );
    expect(pluginConfigIssues(plugin, defaults)).toEqual([]);
  });

  it('gives a valid config for every preset and task', () => {
    for (const preset of PRESETS) {
      for (const task of TASKS) {
        expect(() => resolvePluginConfig(plugin, preset, task, {})).not.toThrow();
      }
    }
  });

  it('runs under the runner, reports finite numbers, and is reproducible', async () => {
    const config = resolvePluginConfig(plugin, 'smoke', 'cartpole-v1', {});
    const run = () =>
      runTrial({ plugin, config, envId: 'cartpole-v1', seed: 11, iterations: 2, stepsPerIteration: 300 });
    const a = await run();
    expect(a.records).toHaveLength(2);
    for (const r of a.records) {
      expect(r.envSteps).toBeGreaterThan(0);
      expect(r.episodes).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(r))
        expect(Number.isFinite(v), `${plugin.name} ${k} = ${v}`).toBe(true);
    }
    expect(a.finalParams.every(Number.isFinite)).toBe(true);
    const b = await run();
    const strip = (rs: typeof a.records) => rs.map(withoutTiming);
    expect(strip(b.records)).toEqual(strip(a.records));
    expect(Array.from(b.finalParams)).toEqual(Array.from(a.finalParams));
  });

  it('keeps its state in state() exactly when it is stateful, and load() restores it', async () => {
    const config = resolvePluginConfig(plugin, 'smoke', 'cartpole-v1', {});
    const throughJson = (state: Json): Json => JSON.parse(JSON.stringify(state)) as Json;
    const states: Json[] = [];
    await runTrial({
      plugin,
      config,
      envId: 'cartpole-v1',
      seed: 11,
      iterations: 2,
      stepsPerIteration: 300,
      onCheckpoint: (c) => void states.push(throughJson(c.optimizerState)),
    });
    const spec = new CartPoleEnv().spec;
    const fresh = () =>
      plugin.create(config, {
        envSpec: spec,
        policy: defaultPolicy(spec, architectureFor('cartpole-v1'), Rng.fromSeed(1)),
        rng: Rng.fromSeed(2),
      });
    const initial = throughJson(fresh().state());
    const changes = states.some((s) => JSON.stringify(s) !== JSON.stringify(initial));
    expect(changes, `${plugin.name}: state() changes across iterations`).toBe(STATEFUL.has(plugin.name));
    if (!changes) return; // nothing to restore: the contract's resume check covers hidden state
    // A load() that ignored its argument would leave the fresh optimizer's own, different state.
    const restored = fresh();
    restored.load(states.at(-1)!);
    expect(throughJson(restored.state())).toEqual(states.at(-1));
    restored.dispose?.();
  });
});
