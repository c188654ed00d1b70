import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { GaussianPolicy, Rng } from '@policy-arena/core';
import type { IterationContext, Json } from '@policy-arena/core';
import { CartPoleEnv } from '@policy-arena/envs';
import { budgetPopulation, cem, cemSchema, cemUpdate, eliteCount } from './cem.js';
import { LOG_STD_RANGE } from './parameter-search.js';
import type { CemConfig } from './cem.js';

const defaults = Value.Default(cemSchema, {}) as CemConfig;
const spec = new CartPoleEnv().spec;

/** A context whose "return" of θ is −‖θ − target‖², recording every candidate it is asked about. */
function fakeContext(
  policy: GaussianPolicy,
  iteration: number,
  target: Float64Array,
  asked: Float64Array[][] = [],
) {
  const ctx: IterationContext = {
    iteration,
    envSpec: spec,
    policy,
    rng: Rng.fromSeed(100 + iteration),
    stepsPerIteration: 4000,
    sampleTrajectories: () => Promise.reject(new Error('not used')),
    recordSteps: () => {},
    rolloutBranches: () => Promise.reject(new Error('not used')),
    makeEnv: () => Promise.reject(new Error('not used')),
    async evaluateParams(candidates) {
      asked.push(candidates.map((c) => Float64Array.from(c)));
      return Float64Array.from(candidates, (c) => -c.reduce((s, x, i) => s + (x - target[i]!) ** 2, 0));
    },
  };
  return ctx;
}

describe('cemUpdate', () => {
  it('keeps the best candidates and fits their mean and (1/n) std — a hand computation', () => {
    const candidates = [
      [0, 0],
      [1, 4],
      [3, -2],
      [5, 2],
      [9, 9],
    ].map((c) => Float64Array.from(c));
    const fitness = [1, 7, 3, 7, -4]; // the tie between 1 and 3 goes to the earlier candidate
    const { mean, std, elite } = cemUpdate(candidates, fitness, 3);
    expect(elite).toEqual([1, 3, 2]);
    // Elite {(1,4), (5,2), (3,−2)}: mean (3, 4/3); deviations (−2, 2, 0) and (8/3, 2/3, −10/3).
    expect(Array.from(mean)).toEqual([3, 4 / 3].map((x) => expect.closeTo(x, 14)));
    expect(std[0]).toBeCloseTo(Math.sqrt(8 / 3), 14);
    expect(std[1]).toBeCloseTo(Math.sqrt((64 / 9 + 4 / 9 + 100 / 9) / 3), 14);
  });

  it('rejects inconsistent input', () => {
    expect(() => cemUpdate([new Float64Array(2)], [1, 2], 1)).toThrow(RangeError);
    expect(() => cemUpdate([new Float64Array(2)], [1], 2)).toThrow(RangeError);
  });
});

describe('cem sizes', () => {
  it('matches the population to the budget and keeps at least 2 elites', () => {
    expect(budgetPopulation(4000, 1, 100)).toBe(40); // cart-pole quick: 40 candidates × ≤ 100 steps
    expect(budgetPopulation(300, 1, 100)).toBe(10);
    expect(budgetPopulation(50_000, 1, 1000)).toBe(50);
    expect(eliteCount(40, 0.2)).toBe(8);
    expect(eliteCount(10, 0.05)).toBe(2);
    expect(eliteCount(1, 0.5)).toBe(1);
  });
});

describe('cem plugin', () => {
  it('samples N(m, s² + z²(1 − k/T)), then sets the policy to the elite mean of what it evaluated', async () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const optimizer = cem.create(
      { ...defaults, populationSize: 2000, extraStd: 0.5 },
      {
        envSpec: spec,
        policy,
        rng: Rng.fromSeed(1),
      },
    );
    const target = Float64Array.from([1, -1, 0.5, 0, 0, -1]);
    const asked: Float64Array[][] = [];
    const extras = await optimizer.iterate(fakeContext(policy, 5, target, asked));
    const expectedStd = Math.sqrt(1 + 0.25 * (1 - 5 / 25));
    expect(extras['sampleStd']).toBeCloseTo(expectedStd, 14);
    const population = asked[0]!;
    expect(population).toHaveLength(2000);
    for (let i = 0; i < 5; i++) {
      const xs = population.map((c) => c[i]!);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
      expect(Math.abs(m)).toBeLessThan(0.1);
      expect(sd).toBeCloseTo(expectedStd, 1);
    }
    // Independently: the 400 closest to the target, averaged.
    const score = (c: Float64Array) => c.reduce((s, x, i) => s + (x - target[i]!) ** 2, 0);
    const best = [...population].sort((a, b) => score(a) - score(b)).slice(0, 400);
    const params = policy.getParams();
    for (let i = 0; i < 6; i++) {
      expect(params[i]).toBeCloseTo(best.reduce((s, c) => s + c[i]!, 0) / 400, 12);
    }
  });

  it('decays the extra noise to zero after T iterations', async () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const optimizer = cem.create(
      { ...defaults, extraStd: 0.5, extraDecayIterations: 10 },
      {
        envSpec: spec,
        policy,
        rng: Rng.fromSeed(1),
      },
    );
    const extras = await optimizer.iterate(fakeContext(policy, 12, new Float64Array(6)));
    expect(extras['sampleStd']).toBe(1);
  });

  it('converges on a quadratic and resumes exactly from its JSON state', async () => {
    const target = Float64Array.from([0.5, -0.3, 1.2, 0.7, 0.1, -2]);
    const make = () => {
      const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
      return { policy, optimizer: cem.create(defaults, { envSpec: spec, policy, rng: Rng.fromSeed(3) }) };
    };
    const a = make();
    let saved: Json = null;
    let savedParams: Float64Array = new Float64Array(0);
    for (let k = 0; k < 40; k++) {
      if (k === 20) {
        saved = JSON.parse(JSON.stringify(a.optimizer.state())) as Json;
        savedParams = a.policy.getParams();
      }
      await a.optimizer.iterate(fakeContext(a.policy, k, target));
    }
    a.policy.getParams().forEach((x, i) => expect(x).toBeCloseTo(target[i]!, 2));
    const b = make();
    b.policy.setParams(savedParams);
    b.optimizer.load(saved);
    for (let k = 20; k < 40; k++) await b.optimizer.iterate(fakeContext(b.policy, k, target));
    expect(Array.from(b.policy.getParams())).toEqual(Array.from(a.policy.getParams()));
    expect(b.optimizer.state()).toEqual(a.optimizer.state());
    expect(() => b.optimizer.load({ mean: [1], std: [1] })).toThrow(/6 finite numbers/);
  });

  it('clamps candidate log-stds into the evaluable range', async () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    const optimizer = cem.create(
      { ...defaults, initialStd: 1000 },
      { envSpec: spec, policy, rng: Rng.fromSeed(1) },
    );
    const asked: Float64Array[][] = [];
    await optimizer.iterate(fakeContext(policy, 0, new Float64Array(6), asked));
    for (const c of asked[0]!) {
      expect(c[5]).toBeGreaterThanOrEqual(LOG_STD_RANGE[0]);
      expect(c[5]).toBeLessThanOrEqual(LOG_STD_RANGE[1]);
    }
  });
});
