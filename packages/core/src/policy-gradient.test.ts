import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { gaussianLogProb64 } from './distributions.js';
import { GaussianPolicy } from './policy.js';
import { policyLogProbGradient, surrogateGradient } from './policy-gradient.js';
import { Rng } from './rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Σₙ wₙ log π_θ(aₙ|sₙ) in float64, from the float64 forward pass. */
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

function problem(hidden: number[], seed: number) {
  const rng = Rng.fromSeed(seed);
  const policy = GaussianPolicy.create({ obsDim: 3, actDim: 2, hidden, initLogStd: -0.3 }, rng.split('init'));
  const n = 25;
  const observations = Float64Array.from({ length: n * 3 }, () => rng.normal());
  const actions = Float64Array.from({ length: n * 2 }, () => rng.normal());
  const weights = Float64Array.from({ length: n }, () => rng.normal());
  return { policy, samples: { observations, actions }, weights };
}

describe('policyLogProbGradient', () => {
  it.each([
    ['linear', [] as number[]],
    ['MLP', [5, 4]],
  ])('%s policy: equals central finite differences of Σ wₙ log π in float64', (_name, hidden) => {
    const { policy, samples, weights } = problem(hidden, 1);
    const g = policyLogProbGradient(policy, samples, weights);
    expect(g).toBeInstanceOf(Float64Array);
    expect(g).toHaveLength(policy.numParams);
    const theta = policy.getParams();
    const h = 1e-5;
    let scale = 0;
    for (const v of g) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < policy.numParams; i++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[i]! += h;
      minus[i]! -= h;
      const fd =
        (weightedLogLik(policy, plus, samples.observations, samples.actions, weights) -
          weightedLogLik(policy, minus, samples.observations, samples.actions, weights)) /
        (2 * h);
      // float32 network against a float64 difference quotient: agreement to ~1e-5 of the largest entry
      expect(Math.abs(g[i]! - fd)).toBeLessThan(2e-5 * scale + 1e-6);
    }
  });

  it('evaluates at another θ when given, and leaves no tensor behind', () => {
    const { policy, samples, weights } = problem([4], 2);
    const other = policy.getParams().map((v) => v + 0.1);
    const before = tf.memory().numTensors;
    const atOther = policyLogProbGradient(policy, samples, weights, other);
    const moved = policy.withParams(other);
    expect(Array.from(atOther)).toEqual(Array.from(policyLogProbGradient(moved, samples, weights)));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => policyLogProbGradient(policy, samples, weights.subarray(1))).toThrow(
      /24 weights, but 25 observations/,
    );
  });
});

describe('surrogateGradient', () => {
  it('is (1/N) Σ Âₙ ∇log π — the gradient of Eq. (14) at θ_old, by finite differences of the ratio surrogate', () => {
    const { policy, samples, weights: advantages } = problem([], 3);
    const g = surrogateGradient(policy, samples, advantages);
    const theta = policy.getParams();
    const n = advantages.length;
    const logpOld = gaussianLogProb64(
      policy.means(samples.observations, theta),
      theta.slice(policy.logStdOffset),
      samples.actions,
    );
    const L = (th: Float64Array) => {
      const lp = gaussianLogProb64(
        policy.means(samples.observations, th),
        th.slice(policy.logStdOffset),
        samples.actions,
      );
      return lp.reduce((s, l, i) => s + Math.exp(l - logpOld[i]!) * advantages[i]!, 0) / n;
    };
    const h = 1e-5;
    for (let i = 0; i < policy.numParams; i++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[i]! += h;
      minus[i]! -= h;
      expect(g[i]).toBeCloseTo((L(plus) - L(minus)) / (2 * h), 4);
    }
  });
});
