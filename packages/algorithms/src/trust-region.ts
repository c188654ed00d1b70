/**
 * The trust-region core shared by the TRPO family (§6, Appendix C).
 *
 * Given samples (sₙ, aₙ) from π_old with weights Q̂ₙ (or advantages), maximize the surrogate
 *     L(θ) = (1/N) Σₙ π_θ(aₙ|sₙ) / π_old(aₙ|sₙ) · Q̂ₙ                              (Eq. 14, q = π_old)
 * subject to the trust region
 *     D̄_KL(θ_old, θ) = (1/N) Σₙ KL(π_old(·|sₙ) ‖ π_θ(·|sₙ)) ≤ δ                    (Eq. 12 / 13)
 * by the approximate solution of Appendix C:
 *   1. g = ∇_θ L at θ_old;
 *   2. s ≈ A⁻¹g by k conjugate-gradient iterations on Fisher-vector products A v, computed on a
 *      subsample of the states (Appendix C: 10 iterations, 10 %);
 *   3. the maximal step β = sqrt(2δ / sᵀAs), so the quadratic KL model equals δ;
 *   4. a backtracking line search from β·s, shrinking exponentially until the surrogate improves
 *      and the KL constraint, evaluated exactly on all states, holds.
 * If no candidate is accepted the policy stays at θ_old.
 */
import * as tf from '@tensorflow/tfjs';
import {
  backtrackingLineSearch,
  conjugateGradient,
  dot,
  gaussianFisherVectorProduct,
  gaussianKl,
  gaussianLogProb,
} from '@policy-arena/core';
import type { GaussianPolicy, Rng } from '@policy-arena/core';

export interface TrustRegionSettings {
  /** δ: the KL bound. */
  readonly stepSize: number;
  readonly cgIterations: number;
  /** Fraction of states used for Fisher-vector products. */
  readonly fisherSubsample: number;
  /** λ added to the Fisher matrix (A + λI) inside conjugate gradient. */
  readonly cgDamping: number;
  readonly backtrackRatio: number;
  readonly maxBacktracks: number;
  /** Minimum ratio of actual to linearly predicted surrogate improvement; 0 accepts any improvement. */
  readonly acceptRatio: number;
}

export interface SurrogateProblem {
  readonly policy: GaussianPolicy;
  /** N × obsDim, row-major. */
  readonly observations: Float64Array;
  /** N × actDim: the actions taken. */
  readonly actions: Float64Array;
  /** Q̂ₙ or an advantage estimate per sample. */
  readonly weights: Float64Array;
}

export interface TrustRegionStats {
  readonly [key: string]: number;
  readonly meanKl: number;
  readonly maxKl: number;
  readonly surrogateImprovement: number;
  readonly expectedImprovement: number;
  readonly stepFraction: number;
  readonly backtracks: number;
  readonly accepted: number;
  readonly gradientNorm: number;
  readonly cgResidual: number;
}

interface Evaluation {
  readonly surrogate: number;
  readonly meanKl: number;
  readonly maxKl: number;
}

export function trustRegionStep(
  problem: SurrogateProblem,
  settings: TrustRegionSettings,
  rng: Rng,
): TrustRegionStats {
  const { policy, observations, actions, weights } = problem;
  const n = weights.length;
  if (n === 0) throw new RangeError('trustRegionStep: no samples');
  const thetaOld = policy.getParams();

  const obsT = tf.tensor2d(Float32Array.from(observations), [n, policy.obsDim]);
  const actT = tf.tensor2d(Float32Array.from(actions), [n, policy.actDim]);
  const wT = tf.tensor1d(Float32Array.from(weights));
  const thetaOldT = policy.paramsTensor(thetaOld);
  const oldMean = tf.keep(policy.meanTensor(obsT, thetaOldT));
  const oldLogStd = tf.keep(policy.logStdTensor(thetaOldT));
  const oldLogProb = tf.keep(gaussianLogProb(oldMean, oldLogStd, actT));

  // Fisher-vector products on a random subsample of the states (Appendix C: 10 %).
  const m = Math.max(1, Math.min(n, Math.ceil(settings.fisherSubsample * n)));
  const subset = rng.permutation(n).subarray(0, m);
  const subObs = tf.tidy(() => tf.gather(obsT, tf.tensor1d(subset, 'int32')) as tf.Tensor2D);

  try {
    // L(θ) − the ratio π_θ/π_old in log space, Eq. (14).
    const surrogate = (theta: tf.Tensor1D): tf.Scalar => {
      const logProb = gaussianLogProb(policy.meanTensor(obsT, theta), policy.logStdTensor(theta), actT);
      return tf.mean(tf.mul(tf.exp(tf.sub(logProb, oldLogProb)), wT));
    };

    // 1. g = ∇L(θ_old).
    const gT = tf.tidy(() => tf.grad((th) => surrogate(th as tf.Tensor1D))(thetaOldT));
    const g = Float64Array.from(gT.dataSync());
    gT.dispose();

    // 2. s ≈ (A + λI)⁻¹ g.
    const fvp = (v: Float64Array): Float64Array => {
      const Av = gaussianFisherVectorProduct(policy, subObs, thetaOldT, v);
      for (let i = 0; i < Av.length; i++) Av[i]! += settings.cgDamping * v[i]!;
      return Av;
    };
    const cg = conjugateGradient(fvp, g, { iterations: settings.cgIterations });
    const s = cg.x;

    // 3. β = sqrt(2δ / sᵀAs).
    const sAs = dot(s, fvp(s));
    const beta = sAs > 0 ? Math.sqrt((2 * settings.stepSize) / sAs) : 0;
    const fullStep = Float64Array.from(s, (x) => beta * x);
    const expectedImprovement = dot(g, fullStep);

    // 4. Line search on L(θ) with the exact KL constraint.
    const evaluate = (theta: Float64Array): Evaluation => {
      const [surr, kls] = tf.tidy(() => {
        const th = policy.paramsTensor(theta);
        const kl = gaussianKl(oldMean, oldLogStd, policy.meanTensor(obsT, th), policy.logStdTensor(th));
        return [surrogate(th), tf.stack([tf.mean(kl), tf.max(kl)])];
      });
      const surrogateValue = surr.dataSync()[0]!;
      const [meanKl, maxKl] = kls.dataSync();
      tf.dispose([surr, kls]);
      return { surrogate: surrogateValue, meanKl: meanKl!, maxKl: maxKl! };
    };
    const before = evaluate(thetaOld);
    const search = backtrackingLineSearch(
      thetaOld,
      fullStep,
      evaluate,
      (e, fraction) => {
        const improvement = e.surrogate - before.surrogate;
        return (
          improvement > 0 &&
          improvement >= settings.acceptRatio * expectedImprovement * fraction &&
          e.meanKl <= settings.stepSize
        );
      },
      { shrink: settings.backtrackRatio, maxBacktracks: settings.maxBacktracks },
    );
    policy.setParams(search.params);
    const after = search.accepted ? search.evaluation : { ...before, meanKl: 0, maxKl: 0 };
    return {
      meanKl: after.meanKl,
      maxKl: after.maxKl,
      surrogateImprovement: after.surrogate - before.surrogate,
      expectedImprovement: expectedImprovement * search.stepFraction,
      stepFraction: search.stepFraction,
      backtracks: search.backtracks,
      accepted: search.accepted ? 1 : 0,
      gradientNorm: Math.sqrt(dot(g, g)),
      cgResidual: Math.sqrt(cg.residualSquared),
    };
  } finally {
    tf.dispose([obsT, actT, wT, thetaOldT, oldMean, oldLogStd, oldLogProb, subObs]);
  }
}
