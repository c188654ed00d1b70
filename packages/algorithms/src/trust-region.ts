/**
 * The trust-region core shared by the TRPO family (§6, Appendix C). The five plugins are this one
 * update with different strategy choices:
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
  GaussianMlpKernels,
  GaussianSurrogateKernels,
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

/**
 * How the products are computed. 'kernels' (default): the float32 WebAssembly SIMD kernels of
 * `@policy-arena/core` (mlp-kernels.ts), with activations and the per-state output Jacobians cached
 * at θ_old across the conjugate-gradient iterations. 'tfjs': the same math as tfjs ops (tf.grad and
 * a tangent pass), kept as the reference.
 */
export type TrustRegionImplementation = 'kernels' | 'tfjs';

/** The quantities the step needs, whatever computes them. */
interface StepOps {
  /** ∇L(θ_old). */
  gradient(): Float64Array;
  /** A v (analytic) or F v (empirical) on the Fisher subsample, without damping. */
  fisherProduct(v: Float64Array): Float64Array;
  /** qₙ = sᵀAₙs per state over the whole batch (max-KL step size). */
  perStateQuadratic(s: Float64Array): Float64Array;
  evaluate(theta: Float64Array): Evaluation;
  /** evaluate(θ_old). */
  before(): Evaluation;
  dispose(): void;
}

export function trustRegionStep(
  problem: SurrogateProblem,
  settings: TrustRegionSettings,
  rng: Rng,
  strategy: TrustRegionStrategy = TRPO_STRATEGY,
  implementation: TrustRegionImplementation = 'kernels',
): TrustRegionStats {
  const { policy, weights } = problem;
  const n = weights.length;
  if (n === 0) throw new RangeError('trustRegionStep: no samples');
  const k = problem.actionsPerState ?? 1;
  if (!Number.isInteger(k) || k < 1 || n % k !== 0) {
    throw new RangeError(`trustRegionStep: ${n} samples do not split into groups of ${k} actions per state`);
  }
  const thetaOld = policy.getParams();
  // Fisher-vector products on a random subsample of the samples (Appendix C: 10 %).
  const m = Math.max(1, Math.min(n, Math.ceil(settings.fisherSubsample * n)));
  const subset = rng.permutation(n).subarray(0, m);
  const ops =
    implementation === 'kernels'
      ? kernelOps(problem, thetaOld, subset, strategy.fisher)
      : tfjsOps(problem, thetaOld, subset, strategy.fisher);
  try {
    return step(ops, thetaOld, policy, settings, strategy);
  } finally {
    ops.dispose();
  }
}

function step(
  ops: StepOps,
  thetaOld: Float64Array,
  policy: GaussianPolicy,
  settings: TrustRegionSettings,
  strategy: TrustRegionStrategy,
): TrustRegionStats {
  // 1. g = ∇L(θ_old).
  const g = ops.gradient();

  // 2. s ≈ (A + λI)⁻¹ g.
  const fisherProduct = (v: Float64Array): Float64Array => {
    const Av = ops.fisherProduct(v);
    for (let i = 0; i < Av.length; i++) Av[i]! += settings.cgDamping * v[i]!;
    return Av;
  };
  const cg = conjugateGradient(fisherProduct, g, { iterations: settings.cgIterations });
  const s = cg.x;

  const before = ops.before();
  const common = { gradientNorm: Math.sqrt(dot(g, g)), cgResidual: Math.sqrt(cg.residualSquared) };

  // 3b. Natural gradient: a fixed step Δ = α·s, no line search.
  if (strategy.stepRule.kind === 'fixed-penalty') {
    const alpha = strategy.stepRule.coefficient;
    const step = Float64Array.from(s, (x) => alpha * x);
    const next = Float64Array.from(thetaOld, (x, i) => x + step[i]!);
    const after = ops.evaluate(next);
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
    strategy.constraint === 'mean-kl' ? dot(s, fisherProduct(s)) : max64(ops.perStateQuadratic(s));
  const beta = curvature > 0 ? Math.sqrt((2 * settings.stepSize) / curvature) : 0;
  const fullStep = Float64Array.from(s, (x) => beta * x);
  const expectedImprovement = dot(g, fullStep);
  const constraintOf = (e: Evaluation) => (strategy.constraint === 'mean-kl' ? e.meanKl : e.maxKl);
  const search = backtrackingLineSearch(
    thetaOld,
    fullStep,
    (theta) => ops.evaluate(theta),
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
}

function gatherRows(x: Float64Array, width: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++)
    out.set(x.subarray(rows[i]! * width, (rows[i]! + 1) * width), i * width);
  return out;
}

/** The WebAssembly kernels: one batch for the surrogate and KL, the subsample for Fisher products. */
function kernelOps(
  problem: SurrogateProblem,
  thetaOld: Float64Array,
  subset: Int32Array,
  fisher: FisherChoice,
): StepOps {
  const { policy, observations, actions, weights } = problem;
  const n = weights.length;
  const all = new GaussianMlpKernels(policy, observations, thetaOld);
  const surrogate = new GaussianSurrogateKernels(
    all,
    actions,
    weights,
    thetaOld,
    problem.actionsPerState ?? 1,
  );
  // The whole batch in any order is the whole batch: reuse its caches.
  const whole = subset.length === n;
  const sub = whole
    ? all
    : new GaussianMlpKernels(policy, gatherRows(observations, policy.obsDim, subset), thetaOld);
  const subActions =
    fisher === 'empirical' ? (whole ? actions : gatherRows(actions, policy.actDim, subset)) : null;
  let value0 = NaN;
  return {
    gradient: () => {
      const { value, gradient } = surrogate.gradient();
      value0 = value;
      return gradient;
    },
    fisherProduct: (v) =>
      subActions ? sub.empiricalFisherVectorProduct(v, subActions) : sub.fisherVectorProduct(v),
    perStateQuadratic: (s) => all.perStateFisherQuadratic(s),
    evaluate: (theta) => surrogate.evaluate(theta),
    // At θ_old the ratios are 1 and the KL 0 exactly (the same float32 means).
    before: () =>
      Number.isNaN(value0) ? surrogate.evaluate(thetaOld) : { surrogate: value0, meanKl: 0, maxKl: 0 },
    dispose: () => {
      all.dispose();
      if (sub !== all) sub.dispose();
    },
  };
}

/** The same quantities as tfjs ops on float32 tensors (the reference implementation). */
function tfjsOps(
  problem: SurrogateProblem,
  thetaOld: Float64Array,
  subsetRows: Int32Array,
  fisher: FisherChoice,
): StepOps {
  const { policy, observations, actions, weights } = problem;
  const n = weights.length;
  const k = problem.actionsPerState ?? 1;
  const obsT = tf.tensor2d(Float32Array.from(observations), [n, policy.obsDim]);
  const actT = tf.tensor2d(Float32Array.from(actions), [n, policy.actDim]);
  const wT = tf.tensor1d(Float32Array.from(weights));
  const thetaOldT = policy.paramsTensor(thetaOld);
  const oldMean = policy.meanTensor(obsT, thetaOldT);
  const oldLogStd = policy.logStdTensor(thetaOldT);
  const oldLogProb = gaussianLogProb(oldMean, oldLogStd, actT);
  const subset = tf.tensor1d(subsetRows, 'int32');
  const subObs = tf.gather(obsT, subset) as tf.Tensor2D;
  const subAct = tf.gather(actT, subset) as tf.Tensor2D;

  const surrogate = (theta: tf.Tensor1D): tf.Scalar => {
    const logProb = gaussianLogProb(policy.meanTensor(obsT, theta), policy.logStdTensor(theta), actT);
    const ratio = tf.exp(tf.sub(logProb, oldLogProb));
    if (k === 1) return tf.mean(tf.mul(ratio, wT)); // Eq. (14)
    const r = tf.reshape(ratio, [n / k, k]);
    const q = tf.reshape(wT, [n / k, k]);
    return tf.mean(tf.div(tf.sum(tf.mul(r, q), 1), tf.sum(r, 1))); // Eq. (17)
  };
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
  return {
    gradient: () => {
      const gT = tf.tidy(() => tf.grad((th) => surrogate(th as tf.Tensor1D))(thetaOldT));
      const g = Float64Array.from(gT.dataSync());
      gT.dispose();
      return g;
    },
    fisherProduct: (v) =>
      fisher === 'analytic'
        ? gaussianFisherVectorProduct(policy, subObs, thetaOldT, v)
        : empiricalFisherVectorProduct(policy, subObs, subAct, thetaOldT, v),
    perStateQuadratic: (s) => perStateFisherQuadratic(policy, obsT, thetaOldT, s),
    evaluate,
    before: () => evaluate(thetaOld),
    dispose: () =>
      tf.dispose([obsT, actT, wT, thetaOldT, oldMean, oldLogStd, oldLogProb, subset, subObs, subAct]),
  };
}
