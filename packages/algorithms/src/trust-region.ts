/**
 * The trust-region core shared by the TRPO family (§6, Appendix C). The five plugins are this one
 * update with different strategy choices (DESIGN §3):
 *
 *   plugin            | surrogate          | Fisher matrix | step rule        | constraint
 *   trpo-single-path  | importance, Eq. 14 | analytic      | line search      | mean KL
 *   trpo-vine         | self-norm., Eq. 17 | analytic      | line search      | mean KL
 *   natural-gradient  | importance         | analytic      | fixed penalty    | —
 *   empirical-fim     | importance         | empirical     | line search      | mean KL
 *   max-kl            | importance         | analytic      | line search      | max KL (Eq. 12)
 *
 * Given samples (sₙ, aₙ) from π_old with weights Q̂ₙ, maximize the surrogate
 *     L(θ) = (1/N) Σₙ π_θ(aₙ|sₙ)/π_old(aₙ|sₙ) · Q̂ₙ                                 (Eq. 14, q = π_old)
 * or, for vine, the self-normalized estimator over K actions per rollout-set state
 *     L(θ) = (1/S) Σₛ [Σₖ wₛₖ Q̂ₛₖ] / [Σₖ wₛₖ],   wₛₖ = π_θ(aₛₖ|sₛ)/π_old(aₛₖ|sₛ)       (Eq. 17)
 * subject to mean KL(π_old ‖ π_θ) ≤ δ over the states (or the max over states, Eq. 12):
 *   1. g = ∇_θ L at θ_old;
 *   2. s ≈ A⁻¹g by k conjugate-gradient iterations on Fisher-vector products A v, computed on a
 *      subsample of the states (Appendix C: 10 iterations, 10 %); A is the analytic KL Hessian
 *      (App. C.1) or the empirical covariance of the score vectors (§6);
 *   3. line search: the maximal step β = sqrt(2δ / sᵀAs) makes the quadratic KL model equal δ
 *      (for max KL: β = sqrt(2δ / maxₙ sᵀAₙs), the largest step whose per-state quadratic models
 *      all stay within δ); shrink exponentially until the surrogate improves and the constraint,
 *      evaluated exactly, holds — else keep θ_old.
 *      fixed penalty (natural gradient): maximizing gᵀΔ − (1/2α) ΔᵀAΔ gives Δ = α·s, taken as is.
 */
import * as tf from '@tensorflow/tfjs';
import {
  backtrackingLineSearch,
  conjugateGradient,
  dot,
  empiricalFisherVectorProduct,
  gaussianFisherVectorProduct,
  gaussianKl,
  gaussianLogProb,
  max64,
  perStateFisherQuadratic,
} from '@policy-arena/core';
import type { GaussianPolicy, Rng } from '@policy-arena/core';

export type FisherChoice = 'analytic' | 'empirical';
export type ConstraintChoice = 'mean-kl' | 'max-kl';
export type StepRule =
  | { readonly kind: 'line-search' }
  | { readonly kind: 'fixed-penalty'; readonly coefficient: number };

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

export interface TrustRegionStrategy {
  readonly fisher: FisherChoice;
  readonly constraint: ConstraintChoice;
  readonly stepRule: StepRule;
}

export const TRPO_STRATEGY: TrustRegionStrategy = {
  fisher: 'analytic',
  constraint: 'mean-kl',
  stepRule: { kind: 'line-search' },
};

export interface SurrogateProblem {
  readonly policy: GaussianPolicy;
  /** N × obsDim, row-major. */
  readonly observations: Float64Array;
  /** N × actDim: the actions taken. */
  readonly actions: Float64Array;
  /** Q̂ₙ or an advantage estimate per sample. */
  readonly weights: Float64Array;
  /**
   * Vine: samples come in consecutive groups of this many actions from the same state, and the
   * surrogate is the self-normalized estimator of Eq. (17). Absent: Eq. (14).
   */
  readonly actionsPerState?: number;
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
  readonly stepNorm: number;
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
  strategy: TrustRegionStrategy = TRPO_STRATEGY,
): TrustRegionStats {
  const { policy, observations, actions, weights } = problem;
  const n = weights.length;
  if (n === 0) throw new RangeError('trustRegionStep: no samples');
  const k = problem.actionsPerState ?? 1;
  if (!Number.isInteger(k) || k < 1 || n % k !== 0) {
    throw new RangeError(`trustRegionStep: ${n} samples do not split into groups of ${k} actions per state`);
  }
  const thetaOld = policy.getParams();

  const obsT = tf.tensor2d(Float32Array.from(observations), [n, policy.obsDim]);
  const actT = tf.tensor2d(Float32Array.from(actions), [n, policy.actDim]);
  const wT = tf.tensor1d(Float32Array.from(weights));
  const thetaOldT = policy.paramsTensor(thetaOld);
  const oldMean = policy.meanTensor(obsT, thetaOldT);
  const oldLogStd = policy.logStdTensor(thetaOldT);
  const oldLogProb = gaussianLogProb(oldMean, oldLogStd, actT);

  // Fisher-vector products on a random subsample of the samples (Appendix C: 10 %).
  const m = Math.max(1, Math.min(n, Math.ceil(settings.fisherSubsample * n)));
  const subset = tf.tensor1d(rng.permutation(n).subarray(0, m), 'int32');
  const subObs = tf.gather(obsT, subset) as tf.Tensor2D;
  const subAct = tf.gather(actT, subset) as tf.Tensor2D;

  try {
    const surrogate = (theta: tf.Tensor1D): tf.Scalar => {
      const logProb = gaussianLogProb(policy.meanTensor(obsT, theta), policy.logStdTensor(theta), actT);
      const ratio = tf.exp(tf.sub(logProb, oldLogProb));
      if (k === 1) return tf.mean(tf.mul(ratio, wT)); // Eq. (14)
      const r = tf.reshape(ratio, [n / k, k]);
      const q = tf.reshape(wT, [n / k, k]);
      return tf.mean(tf.div(tf.sum(tf.mul(r, q), 1), tf.sum(r, 1))); // Eq. (17)
    };

    // 1. g = ∇L(θ_old).
    const gT = tf.tidy(() => tf.grad((th) => surrogate(th as tf.Tensor1D))(thetaOldT));
    const g = Float64Array.from(gT.dataSync());
    gT.dispose();

    // 2. s ≈ (A + λI)⁻¹ g.
    const fisherProduct = (v: Float64Array): Float64Array => {
      const Av =
        strategy.fisher === 'analytic'
          ? gaussianFisherVectorProduct(policy, subObs, thetaOldT, v)
          : empiricalFisherVectorProduct(policy, subObs, subAct, thetaOldT, v);
      for (let i = 0; i < Av.length; i++) Av[i]! += settings.cgDamping * v[i]!;
      return Av;
    };
    const cg = conjugateGradient(fisherProduct, g, { iterations: settings.cgIterations });
    const s = cg.x;

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
    const common = { gradientNorm: Math.sqrt(dot(g, g)), cgResidual: Math.sqrt(cg.residualSquared) };

    // 3b. Natural gradient: a fixed step Δ = α·s, no line search.
    if (strategy.stepRule.kind === 'fixed-penalty') {
      const alpha = strategy.stepRule.coefficient;
      const step = Float64Array.from(s, (x) => alpha * x);
      const next = Float64Array.from(thetaOld, (x, i) => x + step[i]!);
      const after = evaluate(next);
      policy.setParams(next);
      return {
        meanKl: after.meanKl,
        maxKl: after.maxKl,
        surrogateImprovement: after.surrogate - before.surrogate,
        expectedImprovement: dot(g, step),
        stepFraction: 1,
        backtracks: 0,
        accepted: 1,
        stepNorm: Math.sqrt(dot(step, step)),
        ...common,
      };
    }

    // 3a. β = sqrt(2δ / sᵀAs) (mean KL) or sqrt(2δ / maxₙ sᵀAₙs) (max KL), then backtrack.
    const curvature =
      strategy.constraint === 'mean-kl'
        ? dot(s, fisherProduct(s))
        : max64(perStateFisherQuadratic(policy, obsT, thetaOldT, s));
    const beta = curvature > 0 ? Math.sqrt((2 * settings.stepSize) / curvature) : 0;
    const fullStep = Float64Array.from(s, (x) => beta * x);
    const expectedImprovement = dot(g, fullStep);
    const constraintOf = (e: Evaluation) => (strategy.constraint === 'mean-kl' ? e.meanKl : e.maxKl);
    const search = backtrackingLineSearch(
      thetaOld,
      fullStep,
      evaluate,
      (e, fraction) => {
        const improvement = e.surrogate - before.surrogate;
        return (
          improvement > 0 &&
          improvement >= settings.acceptRatio * expectedImprovement * fraction &&
          constraintOf(e) <= settings.stepSize
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
      stepNorm: Math.sqrt(dot(fullStep, fullStep)) * search.stepFraction,
      ...common,
    };
  } finally {
    tf.dispose([obsT, actT, wT, thetaOldT, oldMean, oldLogStd, oldLogProb, subset, subObs, subAct]);
  }
}
