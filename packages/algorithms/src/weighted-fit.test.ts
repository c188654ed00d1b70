import { beforeAll, describe, expect, it } from 'vitest';
import { GaussianPolicy, Rng, gaussianLogProb64, initBackend, sampleEpisodes } from '@policy-arena/core';
import { CartPoleEnv } from '@policy-arena/envs';
import { normalizeWeights, weightedGaussianFit, weightedLeastSquares } from './weighted-fit.js';

beforeAll(async () => {
  await initBackend('wasm');
});

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

/** A cart-pole batch from a random linear policy, and positive weights that depend on the data. */
function cartPoleProblem(seed: number) {
  const rng = Rng.fromSeed(seed);
  const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
  policy.setParams(Float64Array.from([0.3, -0.2, 1.5, 0.4, 0.1, -0.3]));
  const batch = sampleEpisodes(new CartPoleEnv(), policy, rng.split('sample'), { minSteps: 600 });
  const w = rng.split('weights');
  const weights = Float64Array.from({ length: batch.numSteps }, () => Math.exp(2 * w.normal()));
  return { policy, batch, weights };
}

/** Σ wᵢ log π_θ(aᵢ|sᵢ) in float64. */
function weightedLogLik(
  policy: GaussianPolicy,
  theta: Float64Array,
  obs: Float64Array,
  act: Float64Array,
  w: Float64Array,
) {
  const lp = gaussianLogProb64(policy.means(obs, theta), theta.slice(policy.logStdOffset), act);
  return lp.reduce((s, l, i) => s + w[i]! * l, 0);
}

describe('weightedLeastSquares', () => {
  it('equals a dense float64 solve of the weighted normal equations', () => {
    const { batch, weights } = cartPoleProblem(3);
    const beta = weightedLeastSquares(batch.observations, 4, batch.actions, 1, weights);
    // Independent: XᵀWX and XᵀWy assembled row by row, solved by Gaussian elimination.
    const M = Array.from({ length: 5 }, () => new Array<number>(5).fill(0));
    const b = new Array<number>(5).fill(0);
    for (let i = 0; i < batch.numSteps; i++) {
      const x = [...batch.observations.subarray(4 * i, 4 * i + 4), 1];
      for (let j = 0; j < 5; j++) {
        for (let k = 0; k < 5; k++) M[j]![k]! += weights[i]! * x[j]! * x[k]!;
        b[j]! += weights[i]! * x[j]! * batch.actions[i]!;
      }
    }
    const expected = gaussSolve(M, b);
    expected.forEach((e, j) => expect(beta[j]!).toBeCloseTo(e, 9));
  });

  it('fits several outputs at once, each as its own problem', () => {
    const rng = Rng.fromSeed(1);
    const n = 50;
    const x = Float64Array.from({ length: n * 2 }, () => rng.normal());
    const y = new Float64Array(n * 3);
    const w = Float64Array.from({ length: n }, () => rng.uniform() + 0.1);
    for (let i = 0; i < n; i++) {
      y[3 * i] = 2 * x[2 * i]! - x[2 * i + 1]! + 0.5; // exact linear targets are recovered exactly
      y[3 * i + 1] = rng.normal();
      y[3 * i + 2] = -3;
    }
    const beta = weightedLeastSquares(x, 2, y, 3, w);
    expect(beta[0]).toBeCloseTo(2, 12);
    expect(beta[3]).toBeCloseTo(-1, 12);
    expect(beta[6]).toBeCloseTo(0.5, 12);
    expect(beta[8]).toBeCloseTo(-3, 12);
    const single = weightedLeastSquares(
      x,
      2,
      Float64Array.from({ length: n }, (_, i) => y[3 * i + 1]!),
      1,
      w,
    );
    [0, 1, 2].forEach((j) => expect(beta[3 * j + 1]).toBeCloseTo(single[j]!, 12));
  });

  it('stays finite when the weights sit on too few points (regularized)', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const beta = weightedLeastSquares(x, 2, Float64Array.from([1, 2, 3]), 1, Float64Array.from([1, 0, 0]));
    expect(Array.from(beta).every(Number.isFinite)).toBe(true);
    expect(beta[0]! * 1 + beta[1]! * 2 + beta[2]!).toBeCloseTo(1, 6); // still interpolates the one point
  });
});

describe('weightedGaussianFit', () => {
  it('linear policy: closed form = weighted LS mean and weighted residual std, a stationary point', () => {
    const { policy, batch, weights } = cartPoleProblem(5);
    const fit = weightedGaussianFit(policy, batch.observations, batch.actions, weights, {
      fitIterations: 20,
      minStd: 1e-6,
    });
    expect(fit.method).toBe('closed-form');
    const beta = weightedLeastSquares(batch.observations, 4, batch.actions, 1, weights);
    for (let j = 0; j < 5; j++) expect(fit.params[j]).toBeCloseTo(beta[j]!, 12);
    const mu = policy.means(batch.observations, fit.params);
    let num = 0;
    let den = 0;
    weights.forEach((w, i) => {
      num += w * (batch.actions[i]! - mu[i]!) ** 2;
      den += w;
    });
    expect(Math.exp(fit.params[5]!)).toBeCloseTo(Math.sqrt(num / den), 12);
    // A maximum of the weighted log-likelihood: every coordinate perturbation lowers it.
    const best = weightedLogLik(policy, fit.params, batch.observations, batch.actions, weights);
    for (let j = 0; j < 6; j++) {
      for (const h of [1e-3, -1e-3]) {
        const t = Float64Array.from(fit.params);
        t[j]! += h;
        expect(weightedLogLik(policy, t, batch.observations, batch.actions, weights)).toBeLessThan(best);
      }
    }
  });

  it('the iterative (MLP) path reaches the closed form on the linear policy', () => {
    const { policy, batch, weights } = cartPoleProblem(6);
    const options = { fitIterations: 200, minStd: 1e-6 };
    const exact = weightedGaussianFit(policy, batch.observations, batch.actions, weights, options);
    const iterative = weightedGaussianFit(policy, batch.observations, batch.actions, weights, {
      ...options,
      forceIterative: true,
    });
    expect(iterative.method).toBe('lbfgs');
    expect(iterative.iterations).toBeGreaterThan(0);
    for (let j = 0; j < 6; j++) expect(iterative.params[j]!).toBeCloseTo(exact.params[j]!, 3);
  });

  it('MLP policy: raises the weighted log-likelihood and sets σ to the weighted residual std', () => {
    const rng = Rng.fromSeed(9);
    const policy = GaussianPolicy.create({ obsDim: 4, actDim: 2, hidden: [8] }, rng.split('init'));
    const n = 300;
    const obs = Float64Array.from({ length: n * 4 }, () => rng.normal());
    const act = Float64Array.from(
      { length: n * 2 },
      (_, k) => Math.sin(obs[(k >> 1) * 4]!) + 0.1 * rng.normal(),
    );
    const w = Float64Array.from({ length: n }, () => rng.uniform());
    const before = weightedLogLik(policy, policy.getParams(), obs, act, w);
    const fit = weightedGaussianFit(policy, obs, act, w, { fitIterations: 30, minStd: 1e-6 });
    expect(fit.method).toBe('lbfgs');
    expect(weightedLogLik(policy, fit.params, obs, act, w)).toBeGreaterThan(before + 100);
    const mu = policy.means(obs, fit.params);
    const p = normalizeWeights(w);
    for (let d = 0; d < 2; d++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += p[i]! * (act[2 * i + d]! - mu[2 * i + d]!) ** 2;
      expect(fit.params[policy.logStdOffset + d]).toBeCloseTo(0.5 * Math.log(v), 10);
    }
  });

  it('floors σ at minStd and rejects unusable weights', () => {
    const policy = new GaussianPolicy({ obsDim: 1, actDim: 1 });
    const obs = Float64Array.from([0, 1, 2]);
    const act = Float64Array.from([1, 3, 5]); // exactly linear: zero residual
    const fit = weightedGaussianFit(policy, obs, act, Float64Array.from([1, 1, 1]), {
      fitIterations: 5,
      minStd: 1e-3,
    });
    expect(fit.params[2]).toBeCloseTo(Math.log(1e-3), 12);
    expect(() => normalizeWeights(Float64Array.from([0, 0]))).toThrow(/sum to 0/);
    expect(() => normalizeWeights(Float64Array.from([1, -1]))).toThrow(/≥ 0/);
    expect(() => normalizeWeights(Float64Array.from([1, NaN]))).toThrow(/finite/);
  });
});
