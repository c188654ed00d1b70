import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { gaussianKl64, gaussianLogProb, gaussianLogProb64 } from './distributions.js';
import { GaussianPolicy, gaussianFisherVectorProduct } from './policy.js';
import { Rng } from './rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function randomObs(n: number, dim: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n * dim }, () => rng.normal());
}

/** Mean KL(π_old ‖ π_θ) over the states, entirely in float64 through the float64 forward pass. */
function meanKl64(
  policy: GaussianPolicy,
  obs: Float64Array,
  oldParams: Float64Array,
  params: Float64Array,
): number {
  const r0 = oldParams.slice(policy.logStdOffset);
  const r1 = params.slice(policy.logStdOffset);
  const kl = gaussianKl64(policy.means(obs, oldParams), r0, policy.means(obs, params), r1);
  return kl.reduce((a, b) => a + b, 0) / kl.length;
}

/** Dense Hessian of the mean KL at θ = θ_old by central second differences in float64. */
function denseKlHessian(policy: GaussianPolicy, obs: Float64Array): Float64Array[] {
  const p0 = policy.getParams();
  const P = policy.numParams;
  const h = 1e-4;
  const f = (di: number, si: number, dj: number, sj: number) => {
    const p = Float64Array.from(p0);
    p[di]! += si * h;
    p[dj]! += sj * h;
    return meanKl64(policy, obs, p0, p);
  };
  const H = Array.from({ length: P }, () => new Float64Array(P));
  for (let i = 0; i < P; i++) {
    for (let j = i; j < P; j++) {
      const v = (f(i, 1, j, 1) - f(i, 1, j, -1) - f(i, -1, j, 1) + f(i, -1, j, -1)) / (4 * h * h);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

describe('GaussianPolicy', () => {
  it('has the paper sizes: 6 parameters for the cart-pole linear policy', () => {
    expect(new GaussianPolicy({ obsDim: 4, actDim: 1 }).numParams).toBe(6);
    // 10→30→2 with biases plus 2 log-stds (Table 2 reports 364; see docs/tasks.md).
    expect(new GaussianPolicy({ obsDim: 10, actDim: 2, hidden: [30] }).numParams).toBe(394);
  });

  it('computes the same means in float64 and in tfjs', () => {
    const rng = Rng.fromSeed(1);
    for (const hidden of [[], [8], [16, 8]]) {
      const policy = GaussianPolicy.create({ obsDim: 5, actDim: 3, hidden }, rng);
      const obs = randomObs(64, 5, rng);
      const m64 = policy.means(obs);
      const theta = policy.paramsTensor();
      const obsT = tf.tensor2d(Float32Array.from(obs), [64, 5]);
      const m32 = policy.meanTensor(obsT, theta).dataSync();
      m64.forEach((v, i) => expect(Math.abs(v - m32[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
      tf.dispose([theta, obsT]);
    }
  });

  it('log-probabilities in tfjs match the float64 closed form', () => {
    const rng = Rng.fromSeed(2);
    const policy = GaussianPolicy.create({ obsDim: 3, actDim: 2, hidden: [4], initLogStd: -0.5 }, rng);
    const obs = randomObs(20, 3, rng);
    const actions = policy.actBatch(obs, rng);
    const ref = gaussianLogProb64(policy.means(obs), policy.logStd(), actions);
    const theta = policy.paramsTensor();
    const obsT = tf.tensor2d(Float32Array.from(obs), [20, 3]);
    const actT = tf.tensor2d(Float32Array.from(actions), [20, 2]);
    const got = gaussianLogProb(policy.meanTensor(obsT, theta), policy.logStdTensor(theta), actT).dataSync();
    ref.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    tf.dispose([theta, obsT, actT]);
  });

  it('samples actions with mean μ(s) and std exp(r)', () => {
    const rng = Rng.fromSeed(3);
    const policy = GaussianPolicy.create({ obsDim: 2, actDim: 1, initLogStd: Math.log(0.5) }, rng);
    const obs = Float64Array.of(0.3, -0.2);
    const mu = policy.means(obs)[0]!;
    let s = 0,
      s2 = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const a = policy.act(obs, rng)[0]! - mu;
      s += a;
      s2 += a * a;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(s2 / n) - 0.5)).toBeLessThan(0.01);
  });

  it('rejects wrong parameter vectors', () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    expect(() => policy.setParams(new Float64Array(5))).toThrow(/got 5 parameters, expected 6/);
    expect(() => policy.setParams(Float64Array.of(0, 0, NaN, 0, 0, 0))).toThrow(/parameter 2 is NaN/);
    expect(() => new GaussianPolicy({ obsDim: 0, actDim: 1 })).toThrow(/obsDim/);
  });
});

describe('gaussianFisherVectorProduct (Appendix C.1, A = JᵀMJ)', () => {
  for (const [name, hidden, obsDim, actDim] of [
    ['linear (cart-pole, 6 parameters)', [], 4, 1],
    ['MLP 3→6→2 tanh', [6], 3, 2],
  ] as const) {
    it(`equals the dense float64 finite-difference KL Hessian times v to 1e-5 relative: ${name}`, () => {
      const rng = Rng.fromSeed(4);
      const policy = GaussianPolicy.create({ obsDim, actDim, hidden: [...hidden], initLogStd: -0.3 }, rng);
      const obs = randomObs(40, obsDim, rng);
      const H = denseKlHessian(policy, obs);
      const theta = policy.paramsTensor();
      const obsT = tf.tensor2d(Float32Array.from(obs), [40, obsDim]);
      for (let trial = 0; trial < 3; trial++) {
        const v = Float64Array.from({ length: policy.numParams }, () => rng.normal());
        const Av = gaussianFisherVectorProduct(policy, obsT, theta, v);
        const Hv = H.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
        let num = 0,
          den = 0;
        Hv.forEach((x, i) => {
          num += (x - Av[i]!) ** 2;
          den += x * x;
        });
        expect(Math.sqrt(num / den)).toBeLessThan(1e-5);
      }
      tf.dispose([theta, obsT]);
    });
  }
});
