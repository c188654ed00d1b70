/**
 * The plugin contract, run over every registered plugin: the built-ins and the example external
 * one. A plugin that passes here runs in `arena run` and in sweeps.
 */
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import { pluginProblems } from '@policy-arena/core';
import type { AlgorithmPlugin } from '@policy-arena/core';
import {
  PRESETS,
  pluginConfigIssues,
  pluginContractProblems,
  resolvePluginConfig,
  runTrial,
  withoutTiming,
} from '@policy-arena/runner';

async function externalPlugins(): Promise<AlgorithmPlugin[]> {
  try {
    const mod = (await import('@policy-arena/example-custom-plugin')) as { default?: AlgorithmPlugin };
    return mod.default ? [mod.default] : [];
  } catch {
    return []; // the example package is optional in a checkout that does not have it yet
  }
}

const plugins = [...builtinPlugins, ...(await externalPlugins())];
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

  it('round-trips its optimizer state through JSON', async () => {
    const { GaussianPolicy, Rng } = await import('@policy-arena/core');
    const { CartPoleEnv } = await import('@policy-arena/envs');
    const env = new CartPoleEnv();
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const config = resolvePluginConfig(plugin, 'smoke', 'cartpole-v1', {});
    const optimizer = plugin.create(config as never, { envSpec: env.spec, policy, rng: Rng.fromSeed(1) });
    const state = JSON.parse(JSON.stringify(optimizer.state()));
    expect(() => optimizer.load(state)).not.toThrow();
    optimizer.dispose?.();
  });
});
