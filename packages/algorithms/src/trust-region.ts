/**
 * The trust-region update of the TRPO family (§6, Appendix C), on the policy side: it turns a
 * plugin's samples, surrogate estimator and KL constraint into the generic constrained step of
 * `@policy-arena/core` (`constrainedStep`: conjugate gradient on Fisher-vector products, then a step
 * rule), which knows nothing of policies. Each plugin supplies its own choices:
 *
 *   plugin            | surrogate (its file)          | Fisher matrix | step rule      | constraint
 *   trpo-single-path  | importance sampling, Eq. 14   | analytic      | line search    | mean KL
 *   trpo-vine         | self-normalized, Eq. 17       | analytic      | line search    | mean KL
 *   natural-gradient  | importance sampling, Eq. 14   | analytic      | fixed penalty  | —
 *   empirical-fim     | importance sampling, Eq. 14   | empirical     | line search    | mean KL
 *   max-kl            | importance sampling, Eq. 14   | analytic      | line search    | max KL, Eq. 12
 *
 * Given samples (sₙ, aₙ) of π_old and a surrogate L(ρ) of the ratios ρₙ = π_θ(aₙ|sₙ)/π_old(aₙ|sₙ):
 *   f(θ) = L(ρ(θ)), maximized;
 *   A    = the Hessian of the mean KL(π_old ‖ π_θ) at θ_old (analytic, App. C.1) or the covariance
 *          of the score vectors (empirical, §6), applied on a random subsample of the states
 *          (Appendix C: 10 %);
 *   c(θ) = the mean KL over the states, or the max (Eq. 12), evaluated exactly in the line search.
 */
import { constrainedStep } from '@policy-arena/core';
import type { ConstrainedProblem, GaussianPolicy, RatioSurrogate, Rng, StepRule } from '@policy-arena/core';
import { kernelOps } from './trust-region-kernels.js';
import { tfjsOps } from './trust-region-tfjs.js';

/** The KL statistics over the sampled states of one candidate θ. */
export interface KlStatistics {
  readonly meanKl: number;
  readonly maxKl: number;
}

/** A bound on a KL statistic, supplied by the algorithm (the mean KL here; max-kl.ts has Eq. 12's). */
export interface KlConstraint {
  /** The statistic bounded by δ. */
  bounded(kl: KlStatistics): number;
  /**
   * The curvature κ(s) of the statistic's quadratic model along s, when it is not the mean KL's
   * sᵀ(A + λI)s; `perStateQuadratic(s)` gives sᵀAₙs for every state n of the batch.
   */
  curvature?(s: Float64Array, perStateQuadratic: (s: Float64Array) => Float64Array): number;
}

/** The constraint of TRPO (§6): mean KL(π_old ‖ π_θ) over the sampled states ≤ δ. */
export const meanKlConstraint: KlConstraint = { bounded: (kl) => kl.meanKl };

export type FisherChoice = 'analytic' | 'empirical';

export interface TrustRegionProblem {
  readonly policy: GaussianPolicy;
  /** N × obsDim, row-major: the states of the samples. */
  readonly observations: Float64Array;
  /** N × actDim: the actions taken. */
  readonly actions: Float64Array;
  /** L(ρ) over the N samples: the plugin's estimator. */
  readonly surrogate: RatioSurrogate;
  /** Which matrix A is: the KL Hessian (default) or the empirical Fisher matrix. */
  readonly fisher?: FisherChoice;
}

/** Settings of the search direction s ≈ (A + λI)⁻¹g. */
export interface TrustRegionSettings {
  readonly cgIterations: number;
  /** λ added to the Fisher matrix inside conjugate gradient. */
  readonly cgDamping: number;
  /** Fraction of the states used for Fisher-vector products. */
  readonly fisherSubsample: number;
}

/** The step rule, each with only its own settings. */
export type TrustRegionRule =
  | {
      readonly kind: 'line-search';
      readonly constraint: KlConstraint;
      /** δ. */
      readonly stepSize: number;
      readonly backtrackRatio: number;
      readonly maxBacktracks: number;
      readonly acceptRatio: number;
    }
  | { readonly kind: 'fixed-penalty'; readonly coefficient: number };

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

/** L and the KL statistics at one θ. */
export interface PolicyEvaluation extends KlStatistics {
  readonly surrogate: number;
}

/**
 * How the products are computed. 'kernels' (default): the float32 WebAssembly SIMD kernels of
 * `@policy-arena/core`, with activations and per-state output Jacobians cached at θ_old across the
 * conjugate-gradient iterations. 'tfjs': the same math as tfjs ops, kept as the reference.
 */
export type TrustRegionImplementation = 'kernels' | 'tfjs';

/** The policy-side quantities of one update, whatever computes them. */
export interface PolicyStepOps {
  /** ∇L(θ_old). */
  gradient(): Float64Array;
  /** A v (analytic) or F v (empirical) on the Fisher subsample, without damping. */
  fisherProduct(v: Float64Array): Float64Array;
  /** sᵀAₙs per state over the whole batch. */
  perStateQuadratic(s: Float64Array): Float64Array;
  evaluate(theta: Float64Array): PolicyEvaluation;
  /** evaluate(θ_old). */
  before(): PolicyEvaluation;
  dispose(): void;
}

export function trustRegionStep(
  problem: TrustRegionProblem,
  settings: TrustRegionSettings,
  rule: TrustRegionRule,
  rng: Rng,
  implementation: TrustRegionImplementation = 'kernels',
): TrustRegionStats {
  const { policy, surrogate } = problem;
  const n = problem.actions.length / policy.actDim;
  if (n === 0) throw new RangeError('trustRegionStep: no samples');
  if (surrogate.samples !== n) {
    throw new RangeError(
      `trustRegionStep: the surrogate is defined on ${surrogate.samples} samples, got ${n}`,
    );
  }
  const thetaOld = policy.getParams();
  // Fisher-vector products on a random subsample of the samples (Appendix C: 10 %).
  const m = Math.max(1, Math.min(n, Math.ceil(settings.fisherSubsample * n)));
  const subset = rng.permutation(n).subarray(0, m);
  const fisher = problem.fisher ?? 'analytic';
  const ops =
    implementation === 'kernels'
      ? kernelOps(problem, thetaOld, subset, fisher)
      : tfjsOps(problem, thetaOld, subset, fisher);
  try {
    return policyStep(ops, thetaOld, policy, settings, rule);
  } finally {
    ops.dispose();
  }
}

function policyStep(
  ops: PolicyStepOps,
  thetaOld: Float64Array,
  policy: GaussianPolicy,
  settings: TrustRegionSettings,
  rule: TrustRegionRule,
): TrustRegionStats {
  // A fixed penalty evaluates no constraint; its `constraint` field is never read.
  const constraint = rule.kind === 'line-search' ? rule.constraint : meanKlConstraint;
  const withConstraint = (e: PolicyEvaluation) => ({
    ...e,
    objective: e.surrogate,
    constraint: constraint.bounded(e),
  });
  const problem: ConstrainedProblem<ReturnType<typeof withConstraint>> = {
    gradient: () => ops.gradient(),
    metricProduct: (v) => ops.fisherProduct(v),
    evaluate: (theta) => withConstraint(ops.evaluate(theta)),
    start: () => withConstraint(ops.before()),
  };
  const curvature = constraint.curvature;
  if (curvature) problem.curvature = (s) => curvature(s, (v) => ops.perStateQuadratic(v));
  const stepRule: StepRule =
    rule.kind === 'line-search'
      ? {
          kind: 'line-search',
          bound: rule.stepSize,
          backtrackRatio: rule.backtrackRatio,
          maxBacktracks: rule.maxBacktracks,
          acceptRatio: rule.acceptRatio,
        }
      : rule;
  const step = constrainedStep(thetaOld, problem, settings, stepRule);
  policy.setParams(step.x);
  // A rejected step leaves θ_old, where the KL is zero.
  const kl: KlStatistics = step.accepted ? step.evaluation : { meanKl: 0, maxKl: 0 };
  return {
    meanKl: kl.meanKl,
    maxKl: kl.maxKl,
    surrogateImprovement: step.evaluation.surrogate - step.start.surrogate,
    expectedImprovement: step.expectedImprovement,
    stepFraction: step.stepFraction,
    backtracks: step.backtracks,
    accepted: step.accepted ? 1 : 0,
    stepNorm: step.stepNorm,
    gradientNorm: step.gradientNorm,
    cgResidual: step.cgResidual,
  };
}
