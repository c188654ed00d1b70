import { describe, expect, it } from 'vitest';
import { generalizedAdvantages, rewardToGo, standardize } from './advantages.js';
import { TrajectoryBuilder, discountedReturns } from './trajectory.js';

/**
 * Two episodes of one-dimensional observations: a fall after 3 steps (terminated), then a cut
 * after 2 (truncated) whose final observation is [7].
 */
function tinyBatch() {
  const b = new TrajectoryBuilder(1, 1);
  [1, 2, 3].forEach((r, t) => b.push([t], [0], r));
  b.endEpisode(true, false, Float64Array.of(99));
  [10, 20].forEach((r, t) => b.push([t], [0], r));
  b.endEpisode(false, true, Float64Array.of(7));
  return b.build();
}

const V = Float64Array.of(0.5, 1, 1.5, 2, 4); // V(sₜ) per step
const FINAL = Float64Array.of(123, 6); // V(s_T): ignored after the termination, bootstrapped after the cut

describe('rewardToGo (§5.1)', () => {
  it('by hand: zero tail after the termination, γ·V(s_T) after the truncation', () => {
    const g = 0.5;
    // Episode 1: Q₂ = 3, Q₁ = 2 + 0.5·3 = 3.5, Q₀ = 1 + 0.5·3.5 = 2.75.
    // Episode 2 with V(s_T) = 6: Q₁ = 20 + 0.5·6 = 23, Q₀ = 10 + 0.5·23 = 21.5.
    expect(Array.from(rewardToGo(tinyBatch(), g, FINAL))).toEqual([2.75, 3.5, 3, 21.5, 23]);
    // Without final values the cut episode's tail is 0, exactly discountedReturns.
    expect(Array.from(rewardToGo(tinyBatch(), g))).toEqual([2.75, 3.5, 3, 20, 20]);
    expect(rewardToGo(tinyBatch(), 0.9)).toEqual(discountedReturns(tinyBatch(), 0.9));
  });

  it('refuses a γ outside [0, 1] and final values that do not match the episodes', () => {
    expect(() => rewardToGo(tinyBatch(), 1.5)).toThrow(/gamma must be in \[0, 1\]/);
    expect(() => rewardToGo(tinyBatch(), 0.9, Float64Array.of(1))).toThrow(/1 final values for 2 episodes/);
  });
});

describe('generalizedAdvantages (GAE, Eq. 16)', () => {
  const batch = tinyBatch();
  const estimates = { values: V, finalValues: FINAL };

  it('by hand for γ = 0.5, λ = 0.5', () => {
    // δ: episode 1 (V(s₃) = 0): 1 + 0.5·1 − 0.5 = 1, 2 + 0.5·1.5 − 1 = 1.75, 3 + 0 − 1.5 = 1.5;
    //    episode 2 (V(s_T) = 6): 10 + 0.5·4 − 2 = 10, 20 + 0.5·6 − 4 = 19.
    // Â = δ + 0.25·Â_next: 1.5; 1.75 + 0.375 = 2.125; 1 + 0.53125 = 1.53125 | 19; 10 + 4.75 = 14.75.
    expect(Array.from(generalizedAdvantages(batch, estimates, 0.5, 0.5))).toEqual([
      1.53125, 2.125, 1.5, 14.75, 19,
    ]);
  });

  it('λ = 0 is the TD residual δₜ = rₜ + γV(sₜ₊₁) − V(sₜ)', () => {
    const gamma = 0.9;
    const next = [1, 1.5, 0, 4, 6]; // V(sₜ₊₁), with 0 after the fall and V(s_T) = 6 after the cut
    const expected = Array.from(batch.rewards, (r, t) => r + gamma * next[t]! - V[t]!);
    const got = generalizedAdvantages(batch, estimates, gamma, 0);
    expected.forEach((e, t) => expect(got[t]).toBeCloseTo(e, 12));
  });

  it('λ = 1 is the bootstrapped reward-to-go minus V(sₜ)', () => {
    for (const gamma of [0.5, 0.99, 1]) {
      const q = rewardToGo(batch, gamma, FINAL);
      const got = generalizedAdvantages(batch, estimates, gamma, 1);
      q.forEach((qt, t) => expect(got[t]).toBeCloseTo(qt - V[t]!, 12));
    }
  });

  it('with V = 0 and γλ = γ it is the plain reward-to-go; γ = 0 leaves rₜ − V(sₜ)', () => {
    const zero = { values: new Float64Array(5), finalValues: new Float64Array(2) };
    expect(generalizedAdvantages(batch, zero, 0.7, 1)).toEqual(discountedReturns(batch, 0.7));
    const got = generalizedAdvantages(batch, estimates, 0, 0.95);
    expect(Array.from(got)).toEqual(Array.from(batch.rewards, (r, t) => r - V[t]!));
  });

  it('refuses λ outside [0, 1] and estimates of the wrong length', () => {
    expect(() => generalizedAdvantages(batch, estimates, 0.9, -0.1)).toThrow(/lambda must be in \[0, 1\]/);
    expect(() => generalizedAdvantages(batch, { values: V.subarray(1), finalValues: FINAL }, 0.9, 1)).toThrow(
      /4 values for 5 steps/,
    );
  });
});

describe('standardize', () => {
  it('(x − mean)/(std + ε) with the population std, by hand for [1, 2, 3]', () => {
    const s = 1 / (Math.sqrt(2 / 3) + 1e-8);
    const got = standardize(Float64Array.of(1, 2, 3));
    [-s, 0, s].forEach((e, i) => expect(got[i]).toBeCloseTo(e, 14));
    expect(Array.from(standardize(Float64Array.of(4, 4)))).toEqual([0, 0]);
    expect(standardize(new Float64Array(0))).toHaveLength(0);
  });
});
