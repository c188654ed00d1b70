/**
 * Learning checks for the TRPO family at small budgets (the full 5-seed curves are in
 * EXPERIMENTS.md): cart-pole for all five, swimmer for single path and vine.
 */
import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '@policy-arena/algorithms';
import { GaussianPolicy, Rng, sampleEpisodes } from '@policy-arena/core';
import { makeEnv } from '@policy-arena/envs';
import {
  POLICY_ARCHITECTURES,
  assertPluginContract,
  resolvePluginConfig,
  runTrial,
} from '@policy-arena/runner';
import { trpoClipped } from './fixtures/variants/trpo-clipped.js';

const plugin = (name: string) => {
  const p = builtinPlugins.find((x) => x.name === name);
  if (!p) throw new Error(`no plugin ${name}`);
  return p;
};

describe.each(['trpo-single-path', 'trpo-vine', 'natural-gradient', 'empirical-fim', 'max-kl'])(
  '%s on cartpole-v1 (quick budget: 50 iterations × 4000 steps)',
  (name) => {
    it.each([1, 2])('reaches perStepReward ≥ 9 of 10 within 50 iterations (seed %i)', async (seed) => {
      const p = plugin(name);
      const { records } = await runTrial({
        plugin: p,
        config: resolvePluginConfig(p, 'quick', 'cartpole-v1', {}),
        envId: 'cartpole-v1',
        seed,
        iterations: 50,
        stepsPerIteration: 4000,
      });
      expect(records[0]!.perStepReward).toBeLessThan(2);
      expect(Math.max(...records.map((r) => r.perStepReward))).toBeGreaterThanOrEqual(9);
    });
  },
);

/** Mean return of `params` over the same 4 episodes (same reset seeds and noise) for a fair comparison. */
async function evaluate(params: Float64Array): Promise<number> {
  const env = await makeEnv('swimmer-v1');
  const policy = new GaussianPolicy(
    { obsDim: 10, actDim: 2, hidden: POLICY_ARCHITECTURES['swimmer-v1']!.hidden },
    params,
  );
  const batch = sampleEpisodes(env, policy, Rng.fromSeed(1234, 'evaluation'), { episodes: 4 });
  env.close();
  return batch.episodes.reduce((s, e) => s + e.return, 0) / batch.episodes.length;
}

describe('the TRPO family on swimmer-v1 (small budget)', () => {
  const cases: [string, number, number, Record<string, unknown>][] = [
    ['trpo-single-path', 15, 5000, {}],
    ['trpo-vine', 12, 2000, { trunkSteps: 2000, rolloutSetSize: 50, branchLength: 50 }],
  ];
  for (const [name, iterations, stepsPerIteration, settings] of cases) {
    it.each([1, 2])(`${name} improves clearly over the initial random policy (seed %i)`, async (seed) => {
      const p = plugin(name);
      const initial = GaussianPolicy.create(
        { obsDim: 10, actDim: 2, ...POLICY_ARCHITECTURES['swimmer-v1']! },
        Rng.fromSeed(seed).split('policy-init'),
      ).getParams();
      const { finalParams } = await runTrial({
        plugin: p,
        config: resolvePluginConfig(p, 'quick', 'swimmer-v1', settings),
        envId: 'swimmer-v1',
        seed,
        iterations,
        stepsPerIteration,
      });
      const before = await evaluate(initial);
      const after = await evaluate(finalParams);
      expect(after - before, `return ${before.toFixed(1)} → ${after.toFixed(1)}`).toBeGreaterThan(10);
    });
  }
});

describe('a new trust-region variant in one file (test/fixtures/variants/trpo-clipped.ts)', () => {
  it('passes the plugin contract and learns cartpole-v1 like the built-ins (seed 1)', async () => {
    await assertPluginContract(trpoClipped);
    const { records } = await runTrial({
      plugin: trpoClipped,
      config: resolvePluginConfig(trpoClipped, 'quick', 'cartpole-v1', {}),
      envId: 'cartpole-v1',
      seed: 1,
      iterations: 50,
      stepsPerIteration: 4000,
    });
    expect(records[0]!.perStepReward).toBeLessThan(2);
    expect(Math.max(...records.map((r) => r.perStepReward))).toBeGreaterThanOrEqual(9);
  });
});
