import { describe, expect, it } from 'vitest';
import { GaussianPolicy, Rng, sampleEpisodes } from '@policy-arena/core';
import { CartPoleEnv } from '@policy-arena/envs';
import { featureCount, stateTimeFeatures } from './features.js';
import { featureDifferences, repsDual, solveEta } from './reps.js';

function cartPoleBatch(seed: number, minSteps = 800) {
  const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
  policy.setParams(Float64Array.from([0.2, 0.1, 1.0, 0.2, 0, -0.5]));
  return sampleEpisodes(new CartPoleEnv(), policy, Rng.fromSeed(seed), { minSteps });
}

const F = featureCount(4);

describe('REPS features', () => {
  it('φ(s, t) = [clip s, clip s², τ, τ², τ³, 1] with t restarting per episode', () => {
    const batch = cartPoleBatch(1);
    const phi = stateTimeFeatures(batch, 100);
    const ep = batch.episodes[1]!;
    const t = ep.start + 3;
    const row = Array.from(phi.subarray(t * F, (t + 1) * F));
    const s = Array.from(batch.observations.subarray(t * 4, t * 4 + 4));
    expect(row).toEqual([...s, ...s.map((x) => x * x), 0.03, 0.03 * 0.03, 0.03 * 0.03 * 0.03, 1]);
  });

  it('Δφ telescopes to −φ(s₀) over each episode (φ = 0 after the last step)', () => {
    const batch = cartPoleBatch(2);
    const diff = featureDifferences(batch, 100);
    const phi = stateTimeFeatures(batch, 100);
    for (const ep of batch.episodes) {
      for (let f = 0; f < F; f++) {
        let sum = 0;
        for (let t = ep.start; t < ep.start + ep.length; t++) sum += diff[t * F + f]!;
        expect(sum).toBeCloseTo(-phi[ep.start * F + f]!, 9);
      }
      const last = ep.start + ep.length - 1;
      expect(diff[last * F + F - 1]).toBe(-1);
    }
  });
});

describe('repsDual', () => {
  const batch = cartPoleBatch(3);
  const featDiff = featureDifferences(batch, 100);
  const rng = Rng.fromSeed(4);
  const v = Float64Array.from({ length: F }, () => 0.5 * rng.normal());
  const eps = 0.5;

  it('its gradient in η and v matches central finite differences', () => {
    for (const eta of [0.7, 3, 20]) {
      const d = repsDual(eta, v, batch.rewards, featDiff, eps);
      const g = (e: number, w: Float64Array) => repsDual(e, w, batch.rewards, featDiff, eps).value;
      const h = 1e-5;
      const fdEta = (g(eta + h * eta, v) - g(eta - h * eta, v)) / (2 * h * eta);
      expect(d.dEta).toBeCloseTo(fdEta, 5);
      for (let f = 0; f < F; f++) {
        const vp = Float64Array.from(v);
        const vm = Float64Array.from(v);
        vp[f]! += h;
        vm[f]! -= h;
        expect(d.dV[f]!).toBeCloseTo((g(eta, vp) - g(eta, vm)) / (2 * h), 5);
      }
    }
  });

  it('equals the formula written out directly (no max shift) where exp does not overflow', () => {
    const eta = 5;
    const N = batch.numSteps;
    let sumExp = 0;
    let startTerm = 0;
    for (let i = 0; i < N; i++) {
      let flow = 0;
      for (let f = 0; f < F; f++) flow += v[f]! * featDiff[i * F + f]!;
      sumExp += Math.exp((batch.rewards[i]! + flow) / eta);
      startTerm -= flow / N;
    }
    const direct = eta * eps + eta * Math.log(sumExp / N) + startTerm;
    expect(repsDual(eta, v, batch.rewards, featDiff, eps).value).toBeCloseTo(direct, 8);
  });

  it('is bounded below by ηε + mean r (Jensen), where the dual without the start-state term is not', () => {
    const N = batch.numSteps;
    const meanR = batch.rewards.reduce((a, b) => a + b, 0) / N;
    // V(s, t) = c·(2 − τ): every Bellman error rᵢ + V(sᵢ₊₁) − V(sᵢ) goes to −∞ as c grows
    // (−c/100 per step inside an episode, −V(s_T) < −c at its end).
    const dir = new Float64Array(F);
    dir[F - 1] = 2; // constant feature
    dir[2 * 4] = -1; // τ
    const eta = 1;
    let previousRllab = Infinity;
    for (const c of [10, 1e3, 1e5, 1e6]) {
      const vc = Float64Array.from(dir, (x) => c * x);
      const d = repsDual(eta, vc, batch.rewards, featDiff, eps);
      expect(d.value).toBeGreaterThanOrEqual(eta * eps + meanR - 1e-9);
      let startTerm = 0;
      for (let i = 0; i < N; i++)
        for (let f = 0; f < F; f++) startTerm -= (vc[f]! * featDiff[i * F + f]!) / N;
      const rllab = d.value - startTerm;
      expect(rllab).toBeLessThan(previousRllab);
      previousRllab = rllab;
    }
    expect(previousRllab).toBeLessThan(-1e3);
  });
});

describe('solveEta (Monte-Carlo form: the dual in η alone)', () => {
  const rng = Rng.fromSeed(8);
  const advantages = Float64Array.from({ length: 500 }, () => 3 * rng.normal() + rng.uniform() ** 4 * 20);
  const none = new Float64Array(0);

  for (const eps of [0.05, 0.5, 2]) {
    it(`puts KL(p ‖ uniform) at ε = ${eps} and minimizes g(η) there`, () => {
      const eta = solveEta(advantages, eps);
      const at = (e: number) => repsDual(e, none, advantages, none, eps);
      expect(at(eta).kl).toBeCloseTo(eps, 8);
      expect(Math.abs(at(eta).dEta)).toBeLessThan(1e-8);
      expect(at(eta * 1.01).value).toBeGreaterThan(at(eta).value);
      expect(at(eta * 0.99).value).toBeGreaterThan(at(eta).value);
    });
  }

  it('returns a tiny η when even one-hot weights satisfy the bound, and 1 for equal advantages', () => {
    const few = Float64Array.from([0, 1]);
    expect(solveEta(few, 5)).toBeLessThan(1e-15); // log 2 < 5: the bound is inactive
    expect(solveEta(Float64Array.from([4, 4, 4]), 0.5)).toBe(1);
  });

  it('keeps its precision at tiny η: KL is log N for one-hot weights', () => {
    const d = repsDual(1e-14, none, Float64Array.from([0, 1, 2, 3]), none, 0.5);
    expect(d.kl).toBeCloseTo(Math.log(4), 12);
  });
});
