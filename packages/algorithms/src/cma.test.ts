import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { CmaEs } from '@policy-arena/cma-es';
import { GaussianPolicy, Rng } from '@policy-arena/core';
import type { IterationContext, Json } from '@policy-arena/core';
import { CartPoleEnv } from '@policy-arena/envs';
import { LOG_STD_RANGE } from './parameter-search.js';
import { budgetEpisodes, cma, cmaSchema, covarianceFor } from './cma.js';
import type { CmaConfig } from './cma.js';

const defaults = Value.Default(cmaSchema, {}) as CmaConfig;
const spec = new CartPoleEnv().spec;
const target = Float64Array.from([0.5, -0.3, 1.2, 0.7, 0.1, -2]);
const sphere = (c: ArrayLike<number>) => Array.from(c).reduce((s, x, i) => s + (x - target[i]!) ** 2, 0);

/** A context whose "return" of θ is −‖θ − target‖²; records the episodes asked for. */
function fakeContext(policy: GaussianPolicy, iteration: number, episodes: number[] = []): IterationContext {
  return {
    iteration,
    envSpec: spec,
    policy,
    rng: Rng.fromSeed(iteration),
    stepsPerIteration: 4000,
    sampleTrajectories: () => Promise.reject(new Error('not used')),
    recordSteps: () => {},
    rolloutBranches: () => Promise.reject(new Error('not used')),
    makeEnv: () => Promise.reject(new Error('not used')),
    async evaluateParams(candidates, options) {
      episodes.push(options.episodes);
      return Float64Array.from(candidates, (c) => -sphere(c));
    },
  };
}

describe('cma settings', () => {
  it("'auto' is full up to diagonalAbove parameters, separable above", () => {
    expect(covarianceFor(defaults, 6)).toBe('full');
    expect(covarianceFor(defaults, 394)).toBe('full'); // swimmer's policy here
    expect(covarianceFor(defaults, 806)).toBe('diagonal'); // hopper's: a full model's checkpoint is 10 MB
    expect(covarianceFor(defaults, 1262)).toBe('diagonal'); // walker's
    expect(covarianceFor(defaults, 4806)).toBe('diagonal'); // the paper's hopper
    expect(covarianceFor({ ...defaults, covariance: 'diagonal' }, 6)).toBe('diagonal');
    expect(covarianceFor({ ...defaults, covariance: 'full' }, 4806)).toBe('full');
  });

  it('matches the episodes per candidate to the budget', () => {
    expect(budgetEpisodes(4000, 9, 100)).toBe(4); // cart-pole quick: 9 × 4 × ≤ 100 = ≤ 3600 steps
    expect(budgetEpisodes(300, 9, 100)).toBe(1);
  });
});

describe('cma plugin', () => {
  it('is CmaEs ask/tell on −return: the policy follows a directly driven CmaEs bit for bit', async () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const episodes: number[] = [];
    const optimizer = cma.create(defaults, { envSpec: spec, policy, rng: Rng.fromSeed(7) });
    const es = new CmaEs({
      x0: new Float64Array(6),
      sigma0: 1,
      seed: Rng.fromSeed(7).seed31(),
      maxEvals: Infinity,
    });
    for (let k = 0; k < 60; k++) {
      const extras = await optimizer.iterate(fakeContext(policy, k, episodes));
      const xs = es.ask();
      es.tell(xs, xs.map(sphere));
      expect(Array.from(policy.getParams())).toEqual(Array.from(es.mean));
      expect(extras['sigma']).toBe(es.sigma);
      expect(extras['popsize']).toBe(9); // 4 + ⌊3 ln 6⌋
    }
    expect(episodes.every((e) => e === 4)).toBe(true);
    expect(sphere(policy.getParams())).toBeLessThan(1e-4);
  });

  it('resumes exactly: state() holds the CmaEs state, JSON round trip included', async () => {
    const make = () => {
      const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
      return { policy, optimizer: cma.create(defaults, { envSpec: spec, policy, rng: Rng.fromSeed(2) }) };
    };
    const a = make();
    let saved: Json = null;
    let savedParams: Float64Array = new Float64Array(0);
    for (let k = 0; k < 12; k++) {
      if (k === 5) {
        saved = JSON.parse(JSON.stringify(a.optimizer.state())) as Json;
        savedParams = a.policy.getParams();
      }
      await a.optimizer.iterate(fakeContext(a.policy, k));
    }
    expect((saved as { cma: { format: string } }).cma.format).toBe('policy-arena/cma-es');
    const b = make();
    b.policy.setParams(savedParams);
    b.optimizer.load(saved);
    for (let k = 5; k < 12; k++) await b.optimizer.iterate(fakeContext(b.policy, k));
    expect(Array.from(b.policy.getParams())).toEqual(Array.from(a.policy.getParams()));
    expect(b.optimizer.state()).toEqual(a.optimizer.state());
  });

  it('rejects a state of another dimension or shape', () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const optimizer = cma.create(defaults, { envSpec: spec, policy, rng: Rng.fromSeed(2) });
    const other = new CmaEs({ x0: [0, 0], sigma0: 1, seed: 1 });
    expect(() => optimizer.load({ cma: other.state() as unknown as Json })).toThrow(/dimension 2/);
    expect(() => optimizer.load({ cma: null })).toThrow(/CmaEs state/);
  });

  it('uses the separable model above diagonalAbove and keeps evaluated log-stds in range', async () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const optimizer = cma.create(
      { ...defaults, diagonalAbove: 5, sigma0: 1000 },
      { envSpec: spec, policy, rng: Rng.fromSeed(2) },
    );
    expect((optimizer.state() as { cma: { covariance: string } }).cma.covariance).toBe('diagonal');
    const seen: number[] = [];
    const ctx = fakeContext(policy, 0);
    await optimizer.iterate({
      ...ctx,
      evaluateParams: async (candidates, options) => {
        seen.push(...candidates.map((c) => c[5]!));
        return ctx.evaluateParams(candidates, options);
      },
    });
    expect(Math.max(...seen)).toBe(LOG_STD_RANGE[1]);
    expect(Math.min(...seen)).toBe(LOG_STD_RANGE[0]);
  });
});
