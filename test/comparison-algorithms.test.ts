/**
 * The paper's comparison algorithms CEM, CMA, RWR and REPS (issue #6) under the runner, on
 * cartpole-v1 with the linear policy at the quick budget (50 iterations × 4000 steps, horizon 100).
 * The initial policy (zero weights, σ = 1) scores ≈ 0.8 of 10 per step.
 */
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import type { Json } from '@policy-arena/core';
import { resolvePluginConfig, runTrial, withoutTiming } from '@policy-arena/runner';
import type { TrialOptions } from '@policy-arena/runner';

type TrialCheckpoint = NonNullable<TrialOptions['resumeFrom']>;

const NAMES = ['cem', 'cma', 'rwr', 'reps'];
const pluginNamed = (name: string) => {
  const plugin = builtinPlugins.find((p) => p.name === name);
  if (!plugin) throw new Error(`${name} is not a built-in plugin`);
  return plugin;
};

describe.each(NAMES)('%s on cartpole-v1 (quick budget)', (name) => {
  const plugin = pluginNamed(name);
  const config = resolvePluginConfig(plugin, 'quick', 'cartpole-v1', {});
  // reps in rllab's form keeps η and the value-function weights v between iterations
  const resumeCases: { label: string; resumeConfig: Record<string, unknown> }[] = [
    { label: 'defaults', resumeConfig: config },
    ...(name === 'reps'
      ? [
          {
            label: 'advantage bellman',
            resumeConfig: resolvePluginConfig(plugin, 'quick', 'cartpole-v1', { advantage: 'bellman' }),
          },
        ]
      : []),
  ];

  for (const seed of [1, 2]) {
    it(`improves clearly over the initial policy: best score ≥ 5 of 10, last 5 iterations ≥ 5 (seed ${seed})`, async () => {
      const { records } = await runTrial({
        plugin,
        config,
        envId: 'cartpole-v1',
        seed,
        iterations: 50,
        stepsPerIteration: 4000,
      });
      expect(records).toHaveLength(50);
      expect(records[0]!.perStepReward).toBeLessThan(2);
      expect(Math.max(...records.map((r) => r.perStepReward))).toBeGreaterThanOrEqual(5);
      const tail = records.slice(-5).reduce((s, r) => s + r.perStepReward, 0) / 5;
      expect(tail).toBeGreaterThanOrEqual(5);
      // a generation never exceeds the budget, a batch overshoots it by less than one episode
      for (const r of records) expect(r.envSteps).toBeLessThanOrEqual((4000 + 100) * (r.iteration + 1));
    });
  }

  it.each(resumeCases)(
    'resumes from a JSON checkpoint with identical results ($label)',
    async ({ resumeConfig }) => {
      const options = {
        plugin,
        config: resumeConfig,
        envId: 'cartpole-v1',
        seed: 5,
        iterations: 8,
        stepsPerIteration: 1000,
      };
      let checkpoint: TrialCheckpoint | null = null;
      const full = await runTrial({
        ...options,
        checkpointEvery: 4,
        onCheckpoint: (c) => {
          if (c.iteration === 4) {
            const json = JSON.parse(JSON.stringify({ ...c, params: Array.from(c.params) })) as Omit<
              TrialCheckpoint,
              'params'
            > & { params: number[]; optimizerState: Json };
            checkpoint = { ...json, params: Float64Array.from(json.params) };
          }
        },
      });
      expect(checkpoint).not.toBeNull();
      const resumed = await runTrial({ ...options, resumeFrom: checkpoint! });
      const strip = (rs: typeof full.records) => rs.map(withoutTiming);
      expect(strip(resumed.records)).toEqual(strip(full.records.slice(4)));
      expect(Array.from(resumed.finalParams)).toEqual(Array.from(full.finalParams));
    },
  );
});
