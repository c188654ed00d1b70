import { Value } from '@sinclair/typebox/value';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GaussianPolicy,
  Rng,
  discountedReturns,
  gaussianKl64,
  gaussianLogProb64,
  initBackend,
  sampleEpisodes,
} from '@policy-arena/core';
import { CartPoleEnv } from '@policy-arena/envs';
import { importanceSampledSurrogate, surrogateWeights } from './single-path.js';
import { trpoSinglePath } from './trpo-single-path.js';
import type { TrpoSinglePathConfig } from './trpo-single-path.js';
import { lineSearchRule } from './trust-region-config.js';
import { meanKlConstraint, trustRegionStep } from './trust-region.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const defaults = Value.Default(trpoSinglePath.configSchema, {}) as TrpoSinglePathConfig;
const rule = lineSearchRule(defaults, meanKlConstraint);

/** L(θ) − L(θ_old) and mean KL(π_old ‖ π_θ), computed independently in float64. */
function float64Check(
  policy: GaussianPolicy,
  oldParams: Float64Array,
  newParams: Float64Array,
  batch: ReturnType<typeof sampleEpisodes>,
  weights: Float64Array,
) {
  const r0 = oldParams.slice(policy.logStdOffset);
  const r1 = newParams.slice(policy.logStdOffset);
  const m0 = policy.means(batch.observations, oldParams);
  const m1 = policy.means(batch.observations, newParams);
  const lp0 = gaussianLogProb64(m0, r0, batch.actions);
  const lp1 = gaussianLogProb64(m1, r1, batch.actions);
  let improvement = 0;
  lp0.forEach((l0, i) => (improvement += (Math.exp(lp1[i]! - l0) - 1) * weights[i]!));
  const kl = gaussianKl64(m0, r0, m1, r1);
  return { improvement: improvement / weights.length, meanKl: kl.reduce((a, b) => a + b, 0) / kl.length };
}

describe('trustRegionStep on cart-pole batches', () => {
  it('every accepted step improves the surrogate and has mean KL ≤ δ·1.01 (checked in float64)', () => {
    const env = new CartPoleEnv();
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const rng = Rng.fromSeed(7);
    let accepted = 0;
    for (let it = 0; it < 15; it++) {
      const batch = sampleEpisodes(env, policy, rng.splitIndex('sample', it), { minSteps: 2000 });
      const weights = surrogateWeights(discountedReturns(batch, 0.99), 'normalize');
      const before = policy.getParams();
      const stats = trustRegionStep(
        {
          policy,
          observations: batch.observations,
          actions: batch.actions,
          surrogate: importanceSampledSurrogate(weights),
        },
        defaults,
        rule,
        rng.splitIndex('tr', it),
      );
      const after = policy.getParams();
      const check = float64Check(policy, before, after, batch, weights);
      if (stats.accepted) {
        accepted++;
        expect(check.meanKl).toBeLessThanOrEqual(0.01 * 1.01);
        expect(check.meanKl).toBeGreaterThan(0);
        expect(check.improvement).toBeGreaterThan(0);
        expect(Math.abs(check.meanKl - stats.meanKl)).toBeLessThan(1e-4 * 0.01 + 1e-7);
      } else {
        expect(Array.from(after)).toEqual(Array.from(before));
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(12);
  });

  it('takes no step when nothing improves the surrogate', () => {
    const env = new CartPoleEnv();
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const batch = sampleEpisodes(env, policy, Rng.fromSeed(1), { minSteps: 500 });
    const before = policy.getParams();
    const stats = trustRegionStep(
      {
        policy,
        observations: batch.observations,
        actions: batch.actions,
        surrogate: importanceSampledSurrogate(new Float64Array(batch.numSteps)),
      },
      defaults,
      rule,
      Rng.fromSeed(2),
    );
    expect(stats.accepted).toBe(0);
    expect(Array.from(policy.getParams())).toEqual(Array.from(before));
  });
});

describe('trpo-single-path plugin', () => {
  it('documents every setting and marks paper vs reconstructed values', () => {
    for (const [key, prop] of Object.entries(trpoSinglePath.configSchema.properties)) {
      const p = prop as { description?: string; default?: unknown };
      expect(p.default, key).toBeDefined();
      expect(p.description, key).toMatch(/\[(paper|reconstructed)/);
    }
    expect(defaults.stepSize).toBe(0.01);
    expect(defaults.discount).toBe(0.99);
  });
});
