/**
 * One step of "maximize f(x) subject to c(x) ≤ δ" when c is locally quadratic around x₀,
 * c(x₀ + Δ) ≈ ½ ΔᵀAΔ, and A is available only through products v ↦ Av — the optimizer of the
 * trust-region update (Appendix C), written without any reference to policies or samples, the way
 * rllab's ConjugateGradientOptimizer takes a loss and a constraint from the algorithm:
 *
 *   1. g = ∇f(x₀);
 *   2. s ≈ (A + λI)⁻¹ g by k conjugate-gradient iterations (λ: damping, for a well-posed solve);
 *   3. the step rule:
 *      line search:   the maximal step β = sqrt(2δ / κ(s)) makes the constraint's quadratic model
 *                     equal δ, with κ(s) = sᵀ(A + λI)s unless the problem supplies its own curvature
 *                     (a max over per-state quadratics, Eq. 12). Shrink β exponentially until f
 *                     improves (by at least `acceptRatio` of the linear prediction) and c, evaluated
 *                     exactly, is ≤ δ; after `maxBacktracks` failures keep x₀.
 *      fixed penalty: maximizing the penalized model gᵀΔ − (1/2α) ΔᵀAΔ gives Δ = α·s, taken as is
 *                     (the natural policy gradient of Kakade 2002; no constraint is evaluated).
 */
import { backtrackingLineSearch, conjugateGradient, dot } from './optimize.js';

/** What an evaluation at x must report: the objective f(x) and the constraint value c(x). */
export interface ObjectiveAndConstraint {
  readonly objective: number;
  readonly constraint: number;
}

export interface ConstrainedProblem<E extends ObjectiveAndConstraint> {
  /** ∇f(x₀). */
  gradient(): Float64Array;
  /** v ↦ Av, the metric of the constraint's quadratic model, without damping. */
  metricProduct(v: Float64Array): Float64Array;
  /** f and c at x (and whatever else the caller wants back about x). */
  evaluate(x: Float64Array): E;
  /** evaluate(x₀), possibly known more cheaply. */
  start(): E;
  /**
   * κ(s) for the maximal step β = sqrt(2δ / κ(s)), when the constraint's quadratic model is not
   * sᵀ(A + λI)s. Receives the undamped search direction.
   */
  curvature?(s: Float64Array): number;
}

/** Conjugate-gradient settings for the search direction s ≈ (A + λI)⁻¹ g. */
export interface SearchDirectionSettings {
  readonly cgIterations: number;
  /** λ added to A inside conjugate gradient. */
  readonly cgDamping: number;
}

/** How far to go along s: each rule carries only its own settings. */
export type StepRule =
  | {
      readonly kind: 'line-search';
      /** δ: the bound on c. */
      readonly bound: number;
      /** Shrink factor per backtrack, in (0, 1). */
      readonly backtrackRatio: number;
      /** Backtracks after the maximal step before x₀ is kept. */
      readonly maxBacktracks: number;
      /** Minimum ratio of actual to linearly predicted improvement; 0 accepts any improvement. */
      readonly acceptRatio: number;
    }
  | {
      readonly kind: 'fixed-penalty';
      /** α in Δ = α·s (1/α is the penalty coefficient on ½ΔᵀAΔ). */
      readonly coefficient: number;
    };

export interface ConstrainedStepResult<E> {
  /** Where the step ends: x₀ + Δ, or x₀ itself when the line search found no acceptable step. */
  readonly x: Float64Array;
  readonly accepted: boolean;
  /** f, c and the rest at `x` (the start's when not accepted). */
  readonly evaluation: E;
  /** The start's evaluation. */
  readonly start: E;
  /** gᵀΔ for the step taken (0 when none was). */
  readonly expectedImprovement: number;
  /** ‖Δ‖ for the step taken. */
  readonly stepNorm: number;
  /** Fraction of the maximal step taken (1 for a fixed penalty, 0 when none was taken). */
  readonly stepFraction: number;
  readonly backtracks: number;
  readonly gradientNorm: number;
  /** ‖g − (A + λI)s‖ at the end of conjugate gradient. */
  readonly cgResidual: number;
}

export function constrainedStep<E extends ObjectiveAndConstraint>(
  x0: Float64Array,
  problem: ConstrainedProblem<E>,
  direction: SearchDirectionSettings,
  rule: StepRule,
): ConstrainedStepResult<E> {
  // 1. g = ∇f(x₀).
  const g = problem.gradient();

  // 2. s ≈ (A + λI)⁻¹ g.
  const dampedProduct = (v: Float64Array): Float64Array => {
    const Av = problem.metricProduct(v);
    for (let i = 0; i < Av.length; i++) Av[i]! += direction.cgDamping * v[i]!;
    return Av;
  };
  const cg = conjugateGradient(dampedProduct, g, { iterations: direction.cgIterations });
  const s = cg.x;

  const start = problem.start();
  const common = { start, gradientNorm: Math.sqrt(dot(g, g)), cgResidual: Math.sqrt(cg.residualSquared) };

  // 3b. Fixed penalty: Δ = α·s, no line search.
  if (rule.kind === 'fixed-penalty') {
    const step = Float64Array.from(s, (v) => rule.coefficient * v);
    const x = Float64Array.from(x0, (v, i) => v + step[i]!);
    return {
      x,
      accepted: true,
      evaluation: problem.evaluate(x),
      expectedImprovement: dot(g, step),
      stepNorm: Math.sqrt(dot(step, step)),
      stepFraction: 1,
      backtracks: 0,
      ...common,
    };
  }

  // 3a. β = sqrt(2δ / κ(s)), then backtrack.
  const curvature = problem.curvature ? problem.curvature(s) : dot(s, dampedProduct(s));
  const beta = curvature > 0 ? Math.sqrt((2 * rule.bound) / curvature) : 0;
  const fullStep = Float64Array.from(s, (v) => beta * v);
  const expectedImprovement = dot(g, fullStep);
  const search = backtrackingLineSearch(
    x0,
    fullStep,
    (x) => problem.evaluate(x),
    (e, fraction) => {
      const improvement = e.objective - start.objective;
      return (
        improvement > 0 &&
        improvement >= rule.acceptRatio * expectedImprovement * fraction &&
        e.constraint <= rule.bound
      );
    },
    { shrink: rule.backtrackRatio, maxBacktracks: rule.maxBacktracks },
  );
  return {
    x: search.params,
    accepted: search.accepted,
    evaluation: search.accepted ? search.evaluation : start,
    expectedImprovement: expectedImprovement * search.stepFraction,
    stepNorm: Math.sqrt(dot(fullStep, fullStep)) * search.stepFraction,
    stepFraction: search.stepFraction,
    backtracks: search.backtracks,
    ...common,
  };
}
