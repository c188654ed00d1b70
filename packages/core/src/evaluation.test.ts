import { describe, expect, it } from 'vitest';
import type { Env } from './env.js';
import { evaluatePolicy } from './evaluation.js';
import { GaussianPolicy } from './policy.js';
import { box } from './spaces.js';

/** x' = x + a, reward −x'², 20 steps, x₀ = seed / 1000: a closed form for the linear policy a = −x/2. */
function pointMass(starts: number[] = []): Env {
  let x = 0;
  let t = 0;
  return {
    spec: {
      id: 'point-mass-v0',
      observationSpace: box(-Infinity, Infinity, 1),
      actionSpace: box(-Infinity, Infinity, 1),
      maxEpisodeSteps: 20,
    },
    reset(seed) {
      x = (seed ?? 0) / 2 ** 31;
      t = 0;
      starts.push(x);
      return Float64Array.of(x);
    },
    step(a) {
      x += a[0]!;
      t++;
      return { observation: Float64Array.of(x), reward: -x * x, terminated: false, truncated: t === 20 };
    },
    close() {},
  };
}

// a = −x/2 exactly: weight −0.5, bias 0, log-std r.
const policy = (logStd: number) =>
  new GaussianPolicy({ obsDim: 1, actDim: 1 }, Float64Array.of(-0.5, 0, logStd));

describe('evaluatePolicy', () => {
  it('deterministic: the mean action, matching the closed form Σₜ (x₀/2ᵗ)² per episode', () => {
    const starts: number[] = [];
    const result = evaluatePolicy(pointMass(starts), policy(0), {
      episodes: 3,
      seed: 7,
      deterministic: true,
    });
    const geometric = Array.from({ length: 20 }, (_, t) => 0.25 ** (t + 1)).reduce((a, b) => a + b, 0);
    expect(starts).toHaveLength(3);
    expect(new Set(starts).size).toBe(3); // each episode its own reset seed
    result.returns.forEach((ret, k) => expect(ret).toBeCloseTo(-(starts[k]! ** 2) * geometric, 12));
    expect(result.lengths).toEqual([20, 20, 20]);
    expect(result.perStepReward).toBeCloseTo(result.meanReturn / 20, 15);
    expect(result.meanEpisodeLength).toBe(20);
    // σ does not matter when acting deterministically; it does when sampling.
    const wide = evaluatePolicy(pointMass(), policy(1), { episodes: 3, seed: 7, deterministic: true });
    expect(wide.returns).toEqual(result.returns);
    const sampled = evaluatePolicy(pointMass(), policy(1), { episodes: 3, seed: 7, deterministic: false });
    expect(sampled.returns).not.toEqual(result.returns);
  });

  it('is reproducible from its seed, and episodes differ across seeds', () => {
    const a = evaluatePolicy(pointMass(), policy(-1), { episodes: 4, seed: 3, deterministic: false });
    const b = evaluatePolicy(pointMass(), policy(-1), { episodes: 4, seed: 3, deterministic: false });
    const c = evaluatePolicy(pointMass(), policy(-1), { episodes: 4, seed: 4, deterministic: false });
    expect(b.returns).toEqual(a.returns);
    expect(c.returns).not.toEqual(a.returns);
    expect(a.stdReturn).toBeCloseTo(
      Math.sqrt(a.returns.reduce((s, r) => s + (r - a.meanReturn) ** 2, 0) / 4),
      12,
    );
  });

  it('refuses a non-positive episode count', () => {
    expect(() =>
      evaluatePolicy(pointMass(), policy(0), { episodes: 0, seed: 1, deterministic: true }),
    ).toThrow(/episodes must be a positive integer, got 0/);
  });
});
