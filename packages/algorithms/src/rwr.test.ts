import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { GaussianPolicy, Rng, discountedReturns, sampleEpisodes } from '@policy-arena/core';
import type { IterationContext, TrajectoryBatch } from '@policy-arena/core';
import { CartPoleEnv } from '@policy-arena/envs';
import { featureCount, stateTimeFeatures } from './features.js';
import { linearBaselineResiduals } from './linear-baseline.js';
import { rwr, rwrSchema, shiftedWeights } from './rwr.js';
import type { RwrConfig } from './rwr.js';
import { weightedLeastSquares } from './weighted-fit.js';

const defaults = Value.Default(rwrSchema, {}) as RwrConfig;
const env = new CartPoleEnv();

function batchFrom(seed: number): TrajectoryBatch {
  const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
  policy.setParams(Float64Array.from([0.2, 0.1, 1.0, 0.2, 0, -0.5]));
  return sampleEpisodes(env, policy, Rng.fromSeed(seed), { minSteps: 1000 });
}

describe('rwr weights', () => {
  it('shiftedWeights standardizes, then shifts the smallest to 1e-8 (rllab ERWR) — by hand for [1, 2, 3]', () => {
    const w = shiftedWeights(Float64Array.from([1, 2, 3]));
    const u = 1 / (Math.sqrt(2 / 3) + 1e-8);
    expect(w[0]).toBeCloseTo(1e-8, 15);
    expect(w[1]).toBeCloseTo(u + 1e-8, 12);
    expect(w[2]).toBeCloseTo(2 * u + 1e-8, 12);
    expect(Array.from(shiftedWeights(Float64Array.from([5, 5])))).toEqual([1e-8, 1e-8]);
  });

  it('the linear baseline leaves residuals orthogonal to every feature and to the constant', () => {
    const batch = batchFrom(1);
    const q = discountedReturns(batch, 0.99);
    const residual = linearBaselineResiduals(batch, q, 100);
    const F = featureCount(4, false);
    const phi = stateTimeFeatures(batch, 100, false);
    const scale = Math.max(...q.map(Math.abs)) * batch.numSteps;
    expect(Math.abs(residual.reduce((a, b) => a + b, 0)) / scale).toBeLessThan(1e-10);
    for (let f = 0; f < F; f++) {
      let s = 0;
      residual.forEach((r, t) => (s += r * phi[t * F + f]!));
      expect(Math.abs(s) / scale).toBeLessThan(1e-10);
    }
    // a least-squares fit with an intercept can only reduce the spread
    const variance = (x: Float64Array) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      return x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length;
    };
    expect(variance(residual)).toBeLessThan(variance(q));
  });
});

describe('rwr plugin', () => {
  for (const baseline of ['none', 'linear'] as const) {
    it(`one iteration = weighted LS refit of the sampled actions with the ERWR weights (baseline ${baseline})`, async () => {
      const batch = batchFrom(2);
      const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
      policy.setParams(Float64Array.from([0.2, 0.1, 1.0, 0.2, 0, -0.5]));
      const optimizer = rwr.create(
        { ...defaults, baseline },
        { envSpec: env.spec, policy, rng: Rng.fromSeed(1) },
      );
      const ctx: IterationContext = {
        iteration: 0,
        envSpec: env.spec,
        policy,
        rng: Rng.fromSeed(1),
        stepsPerIteration: 1000,
        sampleTrajectories: async () => batch,
        recordSteps: () => {},
        rolloutBranches: () => Promise.reject(new Error('not used')),
        makeEnv: () => Promise.reject(new Error('not used')),
        evaluateParams: () => Promise.reject(new Error('not used')),
      };
      const extras = await optimizer.iterate(ctx);
      const q = discountedReturns(batch, 0.99);
      const w = shiftedWeights(baseline === 'linear' ? linearBaselineResiduals(batch, q, 100) : q);
      const beta = weightedLeastSquares(batch.observations, 4, batch.actions, 1, w);
      const params = policy.getParams();
      for (let j = 0; j < 5; j++) expect(params[j]).toBeCloseTo(beta[j]!, 10);
      expect(extras['meanKl']).toBeGreaterThan(0);
      expect(extras['meanStd']).toBeCloseTo(Math.exp(params[5]!), 14);
    });
  }
});
