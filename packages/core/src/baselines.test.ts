import { describe, expect, it } from 'vitest';
import { LinearFeatureBaseline, TimeBaseline, linearBaselineResiduals } from './baselines.js';
import { stateTimeFeatureCount, stateTimeFeatures } from './features.js';
import { weightedLeastSquares } from './least-squares.js';
import { Rng } from './rng.js';
import { TrajectoryBuilder } from './trajectory.js';
import type { TrajectoryBatch } from './trajectory.js';

/** Random episodes of 3-dimensional observations (some beyond the ±10 clip), every third one cut. */
function randomBatch(seed: number, episodes = 12): TrajectoryBatch {
  const rng = Rng.fromSeed(seed);
  const b = new TrajectoryBuilder(3, 1);
  for (let e = 0; e < episodes; e++) {
    const length = 2 + rng.int(15);
    for (let t = 0; t < length; t++)
      b.push([4 * rng.normal(), rng.normal(), 12 * rng.normal()], [0], rng.normal());
    const cut = e % 3 === 2;
    b.endEpisode(!cut, cut, Float64Array.of(rng.normal(), rng.normal(), rng.normal()));
  }
  return b.build();
}

/** Dense solve of M x = b by Gaussian elimination with partial pivoting (independent of Cholesky). */
function gaussSolve(M: number[][], b: number[]): number[] {
  const n = b.length;
  const A = M.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= n; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = A[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= A[r]![k]! * x[k]!;
    x[r] = s / A[r]![r]!;
  }
  return x;
}

/** φ(s, t) written out from its definition, for one row. */
function phiByHand(s: number[], t: number, horizon: number): number[] {
  const c = s.map((x) => Math.min(10, Math.max(-10, x)));
  const tau = t / horizon;
  return [...c, ...c.map((x) => x * x), tau, tau ** 2, tau ** 3];
}

describe('stateTimeFeatures', () => {
  it('φ(s, t) = [clip s, clip s², τ, τ², τ³, 1] with t restarting per episode', () => {
    const batch = randomBatch(1);
    const F = stateTimeFeatureCount(3);
    expect(F).toBe(10);
    const phi = stateTimeFeatures(batch, 50);
    const ep = batch.episodes[2]!;
    const t = ep.start + 1;
    const s = Array.from(batch.observations.subarray(3 * t, 3 * t + 3));
    expect(Array.from(phi.subarray(t * F, (t + 1) * F))).toEqual([...phiByHand(s, 1, 50), 1]);
    expect(stateTimeFeatures(batch, 50, false)).toHaveLength(batch.numSteps * 9);
  });
});

describe('weightedLeastSquares', () => {
  it('equals the closed form (XᵀWX + λI_x)⁻¹XᵀWy, solved independently, with and without the ridge', () => {
    const rng = Rng.fromSeed(2);
    const n = 40;
    const x = Float64Array.from({ length: 2 * n }, () => rng.normal());
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const w = Float64Array.from({ length: n }, () => rng.uniform() + 0.5);
    for (const ridge of [0, 3]) {
      const M = [0, 1, 2].map(() => [0, 0, 0]);
      const b = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const row = [x[2 * i]!, x[2 * i + 1]!, 1];
        for (let j = 0; j < 3; j++) {
          for (let k = 0; k < 3; k++) M[j]![k]! += w[i]! * row[j]! * row[k]!;
          b[j]! += w[i]! * row[j]! * y[i]!;
        }
      }
      M[0]![0]! += ridge;
      M[1]![1]! += ridge; // the intercept is not penalized
      const expected = gaussSolve(M, b);
      const beta = weightedLeastSquares(x, 2, y, 1, w, { ridge });
      expected.forEach((e, j) => expect(beta[j]).toBeCloseTo(e, 12));
    }
  });

  it('by hand: the line through (0, 1) and (1, 3), and a refused negative ridge', () => {
    const beta = weightedLeastSquares(
      Float64Array.of(0, 1),
      1,
      Float64Array.of(1, 3),
      1,
      Float64Array.of(1, 1),
    );
    expect(beta[0]).toBeCloseTo(2, 12);
    expect(beta[1]).toBeCloseTo(1, 12);
    expect(() =>
      weightedLeastSquares(Float64Array.of(0), 1, Float64Array.of(1), 1, Float64Array.of(1), { ridge: -1 }),
    ).toThrow(/ridge must be a finite number ≥ 0/);
  });
});

describe('TimeBaseline', () => {
  it('predicts the mean target at each step index, and V(s_T) from the step after the last', () => {
    const b = new TrajectoryBuilder(1, 1);
    [1, 1, 1].forEach((r) => b.push([0], [0], r));
    b.endEpisode(true, false);
    [1, 1].forEach((r) => b.push([0], [0], r));
    b.endEpisode(false, true);
    const batch = b.build();
    const baseline = new TimeBaseline();
    expect(Array.from(baseline.predict(batch).values)).toEqual([0, 0, 0, 0, 0]); // before any fit
    baseline.fit(batch, Float64Array.of(3, 2, 1, 5, 4));
    const { values, finalValues } = baseline.predict(batch);
    // t = 0: (3 + 5)/2, t = 1: (2 + 4)/2, t = 2: 1 (only the first episode got there).
    expect(Array.from(values)).toEqual([4, 3, 1, 4, 3]);
    // The fall's V(s_T) is 0; the cut episode's is b(2) = 1 (no s_T needed: b depends on t only).
    expect(Array.from(finalValues)).toEqual([0, 1]);
    const copy = new TimeBaseline();
    copy.load(JSON.parse(JSON.stringify(baseline.state())));
    expect(copy.predict(batch)).toEqual(baseline.predict(batch));
  });
});

describe('LinearFeatureBaseline (rllab)', () => {
  it('predicts βᵀφ(s, t) + β₀ with β from the ridge least squares, and V(s_T) at t = length', () => {
    const batch = randomBatch(3);
    const targets = Float64Array.from(
      { length: batch.numSteps },
      (_, t) => Math.sin(t) + batch.observations[3 * t]!,
    );
    const horizon = 20;
    const baseline = new LinearFeatureBaseline({ horizon, ridge: 1e-3 });
    baseline.fit(batch, targets);
    // Independent: the normal equations of the 9 features and a constant, from φ written by hand.
    const rows = batch.episodes.flatMap((ep) =>
      Array.from({ length: ep.length }, (_, k) => {
        const t = ep.start + k;
        return [...phiByHand(Array.from(batch.observations.subarray(3 * t, 3 * t + 3)), k, horizon), 1];
      }),
    );
    const M = rows[0]!.map((_, j) => rows[0]!.map((__, k) => rows.reduce((s, r) => s + r[j]! * r[k]!, 0)));
    rows[0]!.forEach((_, j) => {
      if (j < 9) M[j]![j]! += 1e-3;
    });
    const rhs = rows[0]!.map((_, j) => rows.reduce((s, r, i) => s + r[j]! * targets[i]!, 0));
    const beta = gaussSolve(M, rhs);
    const { values, finalValues } = baseline.predict(batch);
    rows.forEach((r, t) =>
      expect(values[t]).toBeCloseTo(
        r.reduce((s, v, j) => s + v * beta[j]!, 0),
        8,
      ),
    );
    batch.episodes.forEach((ep, e) => {
      const expected = ep.truncated
        ? [...phiByHand(Array.from(ep.finalObservation!), ep.length, horizon), 1].reduce(
            (s, v, j) => s + v * beta[j]!,
            0,
          )
        : 0;
      expect(finalValues[e]).toBeCloseTo(expected, 8);
    });
    const copy = new LinearFeatureBaseline({ horizon });
    expect(Array.from(copy.predict(batch).values).every((v) => v === 0)).toBe(true);
    copy.load(JSON.parse(JSON.stringify(baseline.state())));
    expect(copy.predict(batch)).toEqual(baseline.predict(batch));
  });

  it('linearBaselineResiduals: residuals orthogonal to every feature and to the constant', () => {
    const batch = randomBatch(4);
    const q = Float64Array.from({ length: batch.numSteps }, (_, t) => 10 + Math.cos(t));
    const residual = linearBaselineResiduals(batch, q, 20);
    const F = stateTimeFeatureCount(3);
    const phi = stateTimeFeatures(batch, 20);
    for (let f = 0; f < F; f++) {
      let s = 0;
      let scale = 0;
      for (let t = 0; t < batch.numSteps; t++) {
        s += residual[t]! * phi[t * F + f]!;
        scale += Math.abs(q[t]! * phi[t * F + f]!);
      }
      expect(Math.abs(s) / scale).toBeLessThan(1e-9);
    }
  });
});
