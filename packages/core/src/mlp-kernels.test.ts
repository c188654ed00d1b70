/**
 * The float32 WebAssembly kernels against two references:
 * - an independent float64 one: the dense Jacobian J = ∂μ/∂θ built column by column by central
 *   differences of the float64 forward pass (`GaussianMlp.means`), and closed forms on top of it —
 *   tolerance 1e-6 relative, norm-wise (the kernels round θ and the states to float32, ≈ 6e-8);
 * - the tfjs path (policy.ts), itself float32 — tolerance 1e-5 relative, norm-wise: the two float32
 *   computations round differently and tfjs accumulates its sums in float32.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { gaussianKl64, gaussianLogProb, gaussianLogProb64 } from './distributions.js';
import { GaussianMlpKernels } from './mlp-kernels.js';
import { GaussianSurrogateKernels } from './surrogate-kernels.js';
import type { RatioSurrogate } from './surrogate-kernels.js';
import {
  GaussianPolicy,
  empiricalFisherVectorProduct,
  gaussianFisherVectorProduct,
  perStateFisherQuadratic,
} from './policy.js';
import { Rng } from './rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function relErr(expected: ArrayLike<number>, got: ArrayLike<number>): number {
  expect(got.length).toBe(expected.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (expected[i]! - got[i]!) ** 2;
    den += expected[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** J[c] = ∂μ/∂θ_c for every state (n·actDim values), by central differences in float64. */
function denseJacobian(policy: GaussianPolicy, obs: Float64Array): Float64Array[] {
  const p0 = policy.getParams();
  const h = 1e-6;
  return Array.from({ length: policy.numParams }, (_, c) => {
    const a = Float64Array.from(p0);
    const b = Float64Array.from(p0);
    a[c]! += h;
    b[c]! -= h;
    const ma = policy.means(obs, a);
    const mb = policy.means(obs, b);
    return ma.map((x, i) => (x - mb[i]!) / (2 * h));
  });
}

const times = (J: Float64Array[], v: Float64Array, size: number) => {
  const out = new Float64Array(size);
  J.forEach((col, c) => col.forEach((x, i) => (out[i]! += x * v[c]!)));
  return out;
};
const timesT = (J: Float64Array[], u: Float64Array) =>
  Float64Array.from(J, (col) => col.reduce((s, x, i) => s + x * u[i]!, 0));

const CASES = [
  ['linear (5 → 3)', []],
  ['1 hidden layer (5 → 7 → 3)', [7]],
  ['2 hidden layers (5 → 6 → 9 → 3)', [6, 9]],
] as const;

describe.each(CASES)('GaussianMlpKernels: %s', (_name, hidden) => {
  const obsDim = 5;
  const actDim = 3;
  // 301 states: several 128-row blocks, a tail, and a tail of the 4-row register tile.
  const n = 301;
  const rng = Rng.fromSeed(11);
  const policy = GaussianPolicy.create({ obsDim, actDim, hidden: [...hidden], initLogStd: -0.4 }, rng);
  const theta = policy.getParams();
  // A non-trivial log-std vector.
  for (let d = 0; d < actDim; d++) theta[policy.logStdOffset + d] = -0.6 + 0.3 * d;
  for (const l of policy.layers) for (let j = 0; j < l.outputs; j++) theta[l.b + j] = 0.1 * rng.normal();
  policy.setParams(theta);
  const obs = Float64Array.from({ length: n * obsDim }, () => rng.normal());
  const actions = policy.actBatch(obs, rng);
  const J = denseJacobian(policy, obs);
  const invVar = Array.from(policy.logStd(), (r) => Math.exp(-2 * r));
  const kernels = new GaussianMlpKernels(policy, obs);
  const v = Float64Array.from({ length: policy.numParams }, () => rng.normal());

  it('forward: μ equals the float64 forward pass', () => {
    expect(relErr(policy.means(obs), kernels.forward())).toBeLessThan(1e-6);
  });

  it('jvp: J v equals the dense Jacobian times v', () => {
    kernels.forward();
    expect(relErr(times(J, v, n * actDim), kernels.jvp(v))).toBeLessThan(1e-6);
  });

  it('vjp: Jᵀ u equals the dense Jacobian transposed times u', () => {
    const u = Float64Array.from({ length: n * actDim }, () => rng.normal());
    const expected = timesT(J, u); // log-std entries: ∂μ/∂r = 0
    expect(relErr(expected, kernels.vjp(u))).toBeLessThan(1e-6);
  });

  it('analytic Fisher-vector product (App. C.1): float64 JᵀMJ v and the tfjs product', () => {
    const Jv = times(J, v, n * actDim);
    const expected = timesT(
      J,
      Jv.map((x, i) => (x * invVar[i % actDim]!) / n),
    );
    for (let d = 0; d < actDim; d++) expected[policy.logStdOffset + d]! += 2 * v[policy.logStdOffset + d]!;
    const got = kernels.fisherVectorProduct(v);
    expect(relErr(expected, got)).toBeLessThan(1e-6);
    const thetaT = policy.paramsTensor();
    const obsT = tf.tensor2d(Float32Array.from(obs), [n, obsDim]);
    expect(relErr(gaussianFisherVectorProduct(policy, obsT, thetaT, v), got)).toBeLessThan(1e-5);
    tf.dispose([thetaT, obsT]);
  });

  it('empirical Fisher-vector product (§6): float64 (1/N) Σ g gᵀ v and the tfjs product', () => {
    const mu = policy.means(obs);
    const scores = Array.from({ length: n }, (_, i) => {
      const g = new Float64Array(policy.numParams);
      for (let d = 0; d < actDim; d++) {
        const diff = actions[i * actDim + d]! - mu[i * actDim + d]!;
        J.forEach((col, c) => (g[c]! += col[i * actDim + d]! * diff * invVar[d]!));
        g[policy.logStdOffset + d] = diff * diff * invVar[d]! - 1;
      }
      return g;
    });
    const expected = new Float64Array(policy.numParams);
    for (const g of scores) {
      const gv = g.reduce((s, x, c) => s + x * v[c]!, 0);
      g.forEach((x, c) => (expected[c]! += (x * gv) / n));
    }
    const got = kernels.empiricalFisherVectorProduct(v, actions);
    expect(relErr(expected, got)).toBeLessThan(1e-6);
    const thetaT = policy.paramsTensor();
    const obsT = tf.tensor2d(Float32Array.from(obs), [n, obsDim]);
    const actT = tf.tensor2d(Float32Array.from(actions), [n, actDim]);
    expect(relErr(empiricalFisherVectorProduct(policy, obsT, actT, thetaT, v), got)).toBeLessThan(1e-5);
    tf.dispose([thetaT, obsT, actT]);
  });

  it('perStateFisherQuadratic: Σ_d (J s)²/σ² + 2‖s_r‖² per state, float64 and tfjs', () => {
    kernels.forward();
    const Jv = times(J, v, n * actDim);
    let sr = 0;
    for (let d = 0; d < actDim; d++) sr += v[policy.logStdOffset + d]! ** 2;
    const expected = Float64Array.from({ length: n }, (_, i) => {
      let q = 2 * sr;
      for (let d = 0; d < actDim; d++) q += Jv[i * actDim + d]! ** 2 * invVar[d]!;
      return q;
    });
    const got = kernels.perStateFisherQuadratic(v);
    expect(relErr(expected, got)).toBeLessThan(1e-6);
    const thetaT = policy.paramsTensor();
    const obsT = tf.tensor2d(Float32Array.from(obs), [n, obsDim]);
    expect(relErr(perStateFisherQuadratic(policy, obsT, thetaT, v), got)).toBeLessThan(1e-5);
    tf.dispose([thetaT, obsT]);
  });

  for (const K of [1, 7]) {
    const label = K === 1 ? 'Eq. (14)' : 'Eq. (17), groups of 7';
    // 301 = 43 × 7
    it(`surrogate ${label}: value, gradient, mean and max KL against float64 and tfjs`, () => {
      const weights = Float64Array.from({ length: n }, () => rng.normal());
      const r0 = theta.slice(policy.logStdOffset);
      const logpOld = gaussianLogProb64(policy.means(obs, theta), r0, actions);
      const surrogate64 = (th: Float64Array) => {
        const logp = gaussianLogProb64(policy.means(obs, th), th.slice(policy.logStdOffset), actions);
        const ratio = logp.map((x, i) => Math.exp(x - logpOld[i]!));
        let total = 0;
        for (let s = 0; s < n / K; s++) {
          let num = 0;
          let den = 0;
          for (let j = s * K; j < (s + 1) * K; j++) {
            num += ratio[j]! * weights[j]!;
            den += ratio[j]!;
          }
          total += K === 1 ? num : num / den;
        }
        return total / (n / K);
      };
      // The estimator as a RatioSurrogate: L(ρ) and ∂L/∂ log πₙ, written out independently of the
      // float64 reference above (which recomputes L from log-probabilities).
      const estimator: RatioSurrogate = {
        samples: n,
        value(ratio, dLogProb) {
          let total = 0;
          for (let s = 0; s < n / K; s++) {
            let num = 0;
            let den = 0;
            for (let j = s * K; j < (s + 1) * K; j++) {
              num += ratio[j]! * weights[j]!;
              den += ratio[j]!;
            }
            const L = K === 1 ? num : num / den;
            total += L;
            for (let j = s * K; dLogProb && j < (s + 1) * K; j++) {
              dLogProb[j] =
                K === 1 ? (ratio[j]! * weights[j]!) / n : (ratio[j]! * (weights[j]! - L)) / ((den * n) / K);
            }
          }
          return total / (n / K);
        },
      };
      const surrogate = new GaussianSurrogateKernels(
        new GaussianMlpKernels(policy, obs),
        actions,
        estimator,
        theta,
      );
      const { value, gradient } = surrogate.gradient();
      expect(Math.abs(value - surrogate64(theta))).toBeLessThan(1e-12);
      const h = 1e-5;
      const fd = Float64Array.from(theta, (_, c) => {
        const a = Float64Array.from(theta);
        const b = Float64Array.from(theta);
        a[c]! += h;
        b[c]! -= h;
        return (surrogate64(a) - surrogate64(b)) / (2 * h);
      });
      expect(relErr(fd, gradient)).toBeLessThan(1e-6);

      // tfjs: tf.grad of the same surrogate
      const thetaT = policy.paramsTensor();
      const obsT = tf.tensor2d(Float32Array.from(obs), [n, obsDim]);
      const actT = tf.tensor2d(Float32Array.from(actions), [n, actDim]);
      const wT = tf.tensor1d(Float32Array.from(weights));
      const oldLogProb = gaussianLogProb(policy.meanTensor(obsT, thetaT), policy.logStdTensor(thetaT), actT);
      const gT = tf.grad((th) => {
        const t = th as tf.Tensor1D;
        const ratio = tf.exp(
          tf.sub(gaussianLogProb(policy.meanTensor(obsT, t), policy.logStdTensor(t), actT), oldLogProb),
        );
        if (K === 1) return tf.mean(tf.mul(ratio, wT));
        const rr = tf.reshape(ratio, [n / K, K]);
        const q = tf.reshape(wT, [n / K, K]);
        return tf.mean(tf.div(tf.sum(tf.mul(rr, q), 1), tf.sum(rr, 1)));
      })(thetaT);
      expect(relErr(gT.dataSync(), gradient)).toBeLessThan(1e-5);
      tf.dispose([thetaT, obsT, actT, wT, oldLogProb, gT]);

      // At another θ: L, mean and max KL in float64.
      const next = Float64Array.from(theta, (x) => x + 0.05 * rng.normal());
      const e = surrogate.evaluate(next);
      const kl = gaussianKl64(
        policy.means(obs, theta),
        r0,
        policy.means(obs, next),
        next.slice(policy.logStdOffset),
      );
      const meanKl = kl.reduce((a, b) => a + b, 0) / n;
      const maxKl = kl.reduce((a, b) => Math.max(a, b), -Infinity);
      expect(Math.abs(e.surrogate - surrogate64(next)) / Math.abs(surrogate64(next))).toBeLessThan(1e-6);
      expect(Math.abs(e.meanKl - meanKl) / meanKl).toBeLessThan(1e-5);
      expect(Math.abs(e.maxKl - maxKl) / maxKl).toBeLessThan(1e-5);
      const same = surrogate.evaluate(theta);
      expect(same.meanKl).toBe(0);
      expect(same.surrogate).toBe(value);
    });
  }
});

describe('GaussianMlpKernels input checks', () => {
  it('rejects observations that are not n × obsDim and parameter vectors of the wrong length', () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    expect(() => new GaussianMlpKernels(policy, new Float64Array(7))).toThrow(/not n × obsDim 4/);
    const k = new GaussianMlpKernels(policy, new Float64Array(8));
    expect(() => k.fisherVectorProduct(new Float64Array(5))).toThrow(/got 5 values, expected 6/);
  });

  it('reuses disposed memory without leaking stale values into padding', () => {
    const rng = Rng.fromSeed(12);
    // Leave infinities in a pooled memory whose layout puts data where the next one has padding.
    const a = GaussianPolicy.create({ obsDim: 8, actDim: 4, hidden: [16] }, rng);
    const big = new GaussianMlpKernels(a, new Float64Array(500 * 8).fill(Infinity));
    big.forward();
    big.fisherVectorProduct(Float64Array.from({ length: a.numParams }, () => 1e30));
    big.dispose();
    const b = GaussianPolicy.create({ obsDim: 5, actDim: 3, hidden: [7] }, rng);
    const obs = Float64Array.from({ length: 50 * 5 }, () => rng.normal());
    const k = new GaussianMlpKernels(b, obs);
    expect(relErr(b.means(obs), k.forward())).toBeLessThan(1e-6);
    expect(
      Array.from(k.fisherVectorProduct(new Float64Array(b.numParams).fill(1))).every(Number.isFinite),
    ).toBe(true);
    k.dispose();
  });
});
