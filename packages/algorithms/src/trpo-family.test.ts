/**
 * The TRPO-family strategies of the shared trust-region core: empirical Fisher products, the vine
 * estimator (Eq. 17) and its common random numbers, the natural-gradient step, the max-KL bound.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GaussianPolicy,
  Rng,
  branchRollout,
  discountedReturns,
  empiricalFisherVectorProduct,
  gaussianKl64,
  gaussianLogProb,
  gaussianLogProb64,
  initBackend,
  sampleEpisodes,
} from '@policy-arena/core';
import type { Env, EnvState } from '@policy-arena/core';
import { CartPoleEnv } from '@policy-arena/envs';
import { maxKlConstraint } from './max-kl.js';
import { importanceSampledSurrogate, surrogateWeights } from './single-path.js';
import { selfNormalizedSurrogate } from './trpo-vine.js';
import { meanKlConstraint, trustRegionStep } from './trust-region.js';
import type { KlConstraint, TrustRegionRule, TrustRegionSettings } from './trust-region.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const settings: TrustRegionSettings = { cgIterations: 10, fisherSubsample: 1, cgDamping: 1e-3 };
const lineSearch = (constraint: KlConstraint = meanKlConstraint): TrustRegionRule => ({
  kind: 'line-search',
  constraint,
  stepSize: 0.01,
  backtrackRatio: 0.8,
  maxBacktracks: 15,
  acceptRatio: 0,
});

function cartpoleBatch(seed: number, steps: number, policy = new GaussianPolicy({ obsDim: 4, actDim: 1 })) {
  const batch = sampleEpisodes(new CartPoleEnv(), policy, Rng.fromSeed(seed), { minSteps: steps });
  return { policy, batch, weights: surrogateWeights(discountedReturns(batch, 0.99), 'normalize') };
}

describe('empirical Fisher-vector product (§6)', () => {
  it('equals (1/N) Σ g gᵀ v from explicitly computed per-sample score vectors', () => {
    const rng = Rng.fromSeed(3);
    const policy = GaussianPolicy.create({ obsDim: 3, actDim: 2, hidden: [4], initLogStd: -0.2 }, rng);
    const N = 12;
    const obs = Float64Array.from({ length: N * 3 }, () => rng.normal());
    const acts = policy.actBatch(obs, rng);
    const theta = policy.paramsTensor();
    const obsT = tf.tensor2d(Float32Array.from(obs), [N, 3]);
    const actT = tf.tensor2d(Float32Array.from(acts), [N, 2]);
    // Per-sample gradients, one tf.grad per sample: the dense G this product must never build.
    const G = Array.from({ length: N }, (_, n) => {
      const g = tf.grad((th) => {
        const t = th as tf.Tensor1D;
        const o = tf.slice(obsT, [n, 0], [1, 3]) as tf.Tensor2D;
        const a = tf.slice(actT, [n, 0], [1, 2]) as tf.Tensor2D;
        return tf.sum(gaussianLogProb(policy.meanTensor(o, t), policy.logStdTensor(t), a));
      })(theta);
      const out = Float64Array.from(g.dataSync());
      g.dispose();
      return out;
    });
    for (let trial = 0; trial < 3; trial++) {
      const v = Float64Array.from({ length: policy.numParams }, () => rng.normal());
      const expected = new Float64Array(policy.numParams);
      for (const g of G) {
        const gv = g.reduce((s, x, i) => s + x * v[i]!, 0);
        g.forEach((x, i) => (expected[i]! += (x * gv) / N));
      }
      const got = empiricalFisherVectorProduct(policy, obsT, actT, theta, v);
      let num = 0,
        den = 0;
      expected.forEach((x, i) => {
        num += (x - got[i]!) ** 2;
        den += x * x;
      });
      expect(Math.sqrt(num / den)).toBeLessThan(1e-5);
    }
    tf.dispose([theta, obsT, actT]);
  });

  it('drives a trust-region step whose mean KL stays within δ', () => {
    const { policy, batch, weights } = cartpoleBatch(1, 2000);
    const before = policy.getParams();
    const stats = trustRegionStep(
      {
        policy,
        observations: batch.observations,
        actions: batch.actions,
        surrogate: importanceSampledSurrogate(weights),
        fisher: 'empirical',
      },
      settings,
      lineSearch(),
      Rng.fromSeed(1),
    );
    expect(stats.accepted).toBe(1);
    const after = policy.getParams();
    const kl = gaussianKl64(
      policy.means(batch.observations, before),
      before.slice(policy.logStdOffset),
      policy.means(batch.observations, after),
      after.slice(policy.logStdOffset),
    );
    expect(kl.reduce((a, b) => a + b, 0) / kl.length).toBeLessThanOrEqual(0.01 * 1.01);
  });
});

describe('vine surrogate (Eq. 17)', () => {
  it('equals the self-normalized estimator computed by hand, before and after the step', () => {
    const rng = Rng.fromSeed(5);
    const policy = new GaussianPolicy(
      { obsDim: 4, actDim: 1 },
      Float64Array.of(0.1, -0.2, 0.3, 0.05, 0, -0.1),
    );
    const S = 6;
    const K = 3;
    const states = Float64Array.from({ length: S * 4 }, () => 0.1 * rng.normal());
    const observations = new Float64Array(S * K * 4);
    for (let s = 0; s < S; s++)
      for (let k = 0; k < K; k++) observations.set(states.subarray(s * 4, s * 4 + 4), (s * K + k) * 4);
    const actions = policy.actBatch(observations, rng);
    const q = Float64Array.from({ length: S * K }, () => 5 + rng.normal());
    const old = policy.getParams();
    const handL = (theta: Float64Array) => {
      const lp0 = gaussianLogProb64(policy.means(observations, old), old.slice(5), actions);
      const lp1 = gaussianLogProb64(policy.means(observations, theta), theta.slice(5), actions);
      let total = 0;
      for (let s = 0; s < S; s++) {
        let num = 0,
          den = 0;
        for (let k = 0; k < K; k++) {
          const w = Math.exp(lp1[s * K + k]! - lp0[s * K + k]!);
          num += w * q[s * K + k]!;
          den += w;
        }
        total += num / den;
      }
      return total / S;
    };
    const stats = trustRegionStep(
      { policy, observations, actions, surrogate: selfNormalizedSurrogate(q, K) },
      settings,
      lineSearch(),
      rng,
    );
    expect(stats.accepted).toBe(1);
    const expected = handL(policy.getParams()) - handL(old);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(stats.surrogateImprovement - expected)).toBeLessThan(1e-5 * Math.abs(handL(old)));
  });

  it('refuses samples that do not split into whole groups', () => {
    expect(() => selfNormalizedSurrogate(new Float64Array(5), 2)).toThrow(
      /5 samples do not split into groups of 2/,
    );
  });
});

/** Wraps an env to record the exact state right after every restore. */
function spyEnv(inner: Env) {
  const restoredStates: EnvState[] = [];
  const env: Env = {
    spec: inner.spec,
    reset: (seed) => inner.reset(seed),
    step: (a) => inner.step(a),
    snapshot: () => inner.snapshot!(),
    restore: (s) => {
      inner.restore!(s);
      restoredStates.push(inner.snapshot!());
    },
    close: () => inner.close(),
  };
  return { env, restoredStates };
}

describe('vine branches (§5.2)', () => {
  it('start from bitwise-identical states and replay identical noise (common random numbers)', () => {
    const policy = new GaussianPolicy({ obsDim: 4, actDim: 1 }, Float64Array.of(0.5, 0.5, 3, 0.5, 0, -0.5));
    const trunkEnv = new CartPoleEnv();
    trunkEnv.reset(4);
    trunkEnv.step(Float64Array.of(0.1));
    const snapshot = trunkEnv.snapshot();
    const { env, restoredStates } = spyEnv(new CartPoleEnv());
    env.reset(99); // a different episode: restore must overwrite everything
    const noiseState = Rng.fromSeed(8).split('branch-noise').state();
    const sigma = Math.exp(-0.5);
    const noises: number[][] = [];
    const firstActions = [-0.8, 0.1, 0.9, 0.1];
    const traces = firstActions.map((a0) => {
      const noise: number[] = [];
      const trace = branchRollout(
        env,
        policy,
        { snapshot, firstAction: Float64Array.of(a0), noise: noiseState },
        20,
        0.99,
        (t, action, obs) => {
          if (obs) noise.push((action[0]! - policy.means(obs)[0]!) / sigma);
        },
      );
      noises.push(noise);
      return trace;
    });
    for (const s of restoredStates) expect(Array.from(s.data)).toEqual(Array.from(snapshot.data));
    // The same noise sequence in every branch, step by step (as long as both branches run).
    for (let k = 1; k < noises.length; k++) {
      const len = Math.min(noises[0]!.length, noises[k]!.length);
      expect(len).toBeGreaterThan(3);
      for (let t = 0; t < len; t++) expect(noises[k]![t]).toBeCloseTo(noises[0]![t]!, 9);
    }
    // Identical first actions ⇒ bitwise-identical branches; different ones ⇒ different Q̂.
    expect(traces[3]).toEqual(traces[1]);
    expect(traces[0]!.q).not.toBe(traces[2]!.q);
  });
});

describe('natural gradient step (fixed penalty)', () => {
  it('has a length that scales exactly with its coefficient', () => {
    const lengths = [0.5, 1, 3].map((alpha) => {
      const { policy, batch, weights } = cartpoleBatch(2, 1500);
      const before = policy.getParams();
      const stats = trustRegionStep(
        {
          policy,
          observations: batch.observations,
          actions: batch.actions,
          surrogate: importanceSampledSurrogate(weights),
        },
        settings,
        { kind: 'fixed-penalty', coefficient: alpha },
        Rng.fromSeed(4),
      );
      const after = policy.getParams();
      const norm = Math.sqrt(after.reduce((s, x, i) => s + (x - before[i]!) ** 2, 0));
      expect(stats.stepNorm).toBeCloseTo(norm, 12);
      return norm / alpha;
    });
    expect(lengths[1]! / lengths[0]!).toBeCloseTo(1, 12);
    expect(lengths[2]! / lengths[0]!).toBeCloseTo(1, 12);
  });
});

describe('max-KL constraint (Eq. 12)', () => {
  it('accepts only steps with max over states of KL ≤ δ·1.01, checked in float64', () => {
    let policy = new GaussianPolicy({ obsDim: 4, actDim: 1 });
    let accepted = 0;
    for (let it = 0; it < 10; it++) {
      const sample = cartpoleBatch(10 + it, 1500, policy);
      policy = sample.policy;
      const before = policy.getParams();
      const stats = trustRegionStep(
        {
          policy,
          observations: sample.batch.observations,
          actions: sample.batch.actions,
          surrogate: importanceSampledSurrogate(sample.weights),
        },
        settings,
        lineSearch(maxKlConstraint),
        Rng.fromSeed(it),
      );
      const after = policy.getParams();
      const kl = gaussianKl64(
        policy.means(sample.batch.observations, before),
        before.slice(policy.logStdOffset),
        policy.means(sample.batch.observations, after),
        after.slice(policy.logStdOffset),
      );
      const maxKl = Math.max(...kl);
      if (stats.accepted) {
        accepted++;
        expect(maxKl).toBeLessThanOrEqual(0.01 * 1.01);
        expect(maxKl).toBeGreaterThan(0.001); // the per-state quadratic start lands near the bound
      } else {
        expect(maxKl).toBe(0);
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(8);
  });
});
