/**
 * (μ/μ_w, λ)-CMA-ES with an ask/tell interface, following the defaults of Hansen's purecma 3.0.0,
 * plus the separable variant sep-CMA-ES (Ros & Hansen 2008).
 *
 * @packageDocumentation
 */

import { checkPopulation, resolveOptions } from './arguments.js';
import type { ResolvedOptions } from './arguments.js';
import {
  covarianceMatrix,
  initialState,
  samplePopulation,
  updateDistribution,
  updateEigensystem,
} from './distribution.js';
import type { SearchState } from './distribution.js';
import type { CovarianceModel, StrategyParameters } from './parameters.js';
import { encodeState, optionsOfState, restoreSearchState } from './snapshot.js';
import type { BestSolution, CmaEsOptions, CmaEsState, StopReason } from './types.js';

/**
 * CMA-ES with an ask/tell interface (minimization).
 *
 * @example
 * ```ts
 * const es = new CmaEs({ x0: [1, 1, 1], sigma0: 0.5, seed: 1 });
 * while (!es.stop()) {
 *   const xs = es.ask();
 *   es.tell(xs, xs.map((x) => x.reduce((s, v) => s + v * v, 0)));
 * }
 * console.log(es.best?.f, es.stopReasons);
 * ```
 */
export class CmaEs {
  /** The static strategy parameters. */
  readonly params: StrategyParameters;
  /** Dimension n. */
  readonly dimension: number;
  /** Population size λ: `ask()` returns this many solutions and `tell()` expects as many. */
  readonly popsize: number;
  /** The covariance model. */
  readonly covariance: CovarianceModel;
  /** The seed this run was started from. */
  readonly seed: number;

  private readonly options: ResolvedOptions;
  private readonly s: SearchState;

  /**
   * @throws TypeError / RangeError naming the offending option when an option has the wrong type or
   *   value: empty or non-finite `x0`, `sigma0` ≤ 0 or non-finite, `popsize` < 2 or fractional, a
   *   seed that is not a safe integer, σ bounds that exclude `sigma0`, and so on.
   */
  constructor(options: CmaEsOptions) {
    const o = resolveOptions(options);
    this.options = o;
    this.params = o.params;
    this.dimension = o.x0.length;
    this.popsize = o.params.lambda;
    this.covariance = o.covariance;
    this.seed = o.seed;
    this.s = initialState(o.x0, o.sigma0, o.seed, o.covariance);
  }

  /** Distribution mean m (a copy). */
  get mean(): Float64Array {
    return this.s.xmean.slice();
  }

  /** Current step size σ. */
  get sigma(): number {
    return this.s.sigma;
  }

  /** Number of fitness evaluations told so far (λ per `tell`). */
  get evaluations(): number {
    return this.s.evals;
  }

  /** Number of completed generations (`tell` calls). */
  get generation(): number {
    return this.s.gen;
  }

  /** Best solution told so far (a copy), or `null` before the first `tell`. */
  get best(): BestSolution | null {
    const b = this.s.best;
    return b === null ? null : { x: b.x.slice(), f: b.f, evals: b.evals };
  }

  /**
   * Condition number of C: max/min eigenvalue from the last eigendecomposition (full) or max/min
   * variance (diagonal). `Infinity` if C was found not positive definite.
   */
  get conditionNumber(): number {
    return this.s.condition;
  }

  /** How many eigendecompositions have been computed (always 0 for `'diagonal'`). */
  get eigenUpdates(): number {
    return this.s.eigenUpdateCount;
  }

  /** Current coordinate-wise standard deviations σ·√C_ii. */
  get stds(): Float64Array {
    const n = this.dimension;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.s.sigma * Math.sqrt(this.diagC(i));
    return out;
  }

  /** The covariance matrix C (without σ²) as a full row-major n × n copy. */
  covarianceMatrix(): Float64Array {
    return covarianceMatrix(this.s, this.dimension, this.covariance);
  }

  private diagC(i: number): number {
    return (this.covariance === 'diagonal' ? this.s.C[i] : this.s.C[(i * (i + 3)) / 2]) as number;
  }

  /**
   * Samples λ new candidate solutions x_k = m + σ·B·D·z_k, z_k ~ N(0, I). For the full model the
   * eigendecomposition of C is refreshed first when it is due (see {@link LazyGap}).
   *
   * Calling `ask()` again before `tell()` draws a fresh population; `tell()` may be given any λ
   * solutions (for example repaired or injected ones), not only the ones returned here.
   *
   * @returns λ new `Float64Array`s of length n, owned by the caller (views into one fresh
   *   `ArrayBuffer`, shared by this population only and never touched by the optimizer again).
   */
  ask(): Float64Array[] {
    const s = this.s;
    if (this.covariance === 'full' && s.evals > s.eigenUpdatedAt + this.params.lazyGapEvals) {
      updateEigensystem(s, this.dimension);
    }
    const out = samplePopulation(s, this.dimension, this.popsize, this.covariance);
    s.asked = true;
    return out;
  }

  /**
   * Updates mean, evolution paths, covariance matrix and step size from λ evaluated solutions
   * (minimization: lower fitness is better). Ties are broken by position.
   *
   * @param solutions - λ vectors of length n, usually the ones returned by the last `ask()`.
   * @param fitnesses - their fitness values; `±Infinity` is allowed (for example for infeasible
   *   solutions), `NaN` is not.
   * @throws Error if called before `ask()` (or twice for one `ask()`).
   * @throws TypeError / RangeError naming the argument for a wrong count, wrong length, non-finite
   *   solution entry or NaN fitness.
   */
  tell(solutions: ArrayLike<ArrayLike<number>>, fitnesses: ArrayLike<number>): void {
    const where = 'CmaEs.tell';
    if (!this.s.asked) {
      throw new Error(
        `${where}: tell() called before ask(); call ask() to sample a population, then tell() it`,
      );
    }
    checkPopulation(where, solutions, fitnesses, this.dimension, this.popsize);
    updateDistribution(this.s, this.params, this.covariance, this.options, solutions, fitnesses);
    this.s.asked = false;
  }

  /** Satisfied stop criteria (empty before the first `tell`). See {@link CmaEs.stop}. */
  get stopReasons(): StopReason[] {
    const o = this.options;
    const s = this.s;
    const reasons: StopReason[] = [];
    if (s.evals <= 0) return reasons;
    if (s.evals >= o.maxEvals) reasons.push('maxEvals');
    if (s.gen >= o.maxGenerations) reasons.push('maxGenerations');
    if (s.best !== null && s.best.f <= o.fTarget) reasons.push('fTarget');
    if (s.condition > o.maxConditionNumber) reasons.push('conditionNumber');
    const fit = s.fitness;
    if (fit.length > 1 && (fit[fit.length - 1] as number) - (fit[0] as number) < o.tolFun)
      reasons.push('tolFun');
    let maxEig = 0;
    if (this.covariance === 'diagonal') {
      for (let i = 0; i < this.dimension; i++) maxEig = Math.max(maxEig, s.C[i] as number);
    } else {
      maxEig = s.eigenvalues[this.dimension - 1] as number;
    }
    if (s.sigma * Math.sqrt(maxEig) < o.tolX) reasons.push('tolX');
    return reasons;
  }

  /**
   * Termination check in purecma's spirit: `null` while the run should go on, otherwise the
   * non-empty list of satisfied criteria, so that `while (!es.stop()) { … }` works.
   *
   * Criteria: `maxEvals`, `maxGenerations`, `fTarget` (a told fitness ≤ fTarget), `tolFun` (range
   * of the last generation's fitness values < tolFun), `tolX` (σ·√λ_max(C) < tolX) and
   * `conditionNumber` (cond(C) > maxConditionNumber, or C not positive definite).
   */
  stop(): StopReason[] | null {
    const reasons = this.stopReasons;
    return reasons.length > 0 ? reasons : null;
  }

  /**
   * A plain, JSON-serializable snapshot of the whole optimizer (options, RNG, distribution, counters,
   * best solution). `CmaEs.fromState(JSON.parse(JSON.stringify(es.state())))` continues bit for bit
   * as `es` would. The snapshot is O(n²) for the full model (packed C and B) and O(n) for diagonal.
   */
  state(): CmaEsState {
    return encodeState(this.options, this.s);
  }

  /**
   * Recreates an optimizer from {@link CmaEs.state}; it continues exactly (bitwise) where the
   * original was, including the random number stream and a pending `ask()`.
   *
   * @throws TypeError if `state` is not a snapshot of this format and version, or is malformed.
   */
  static fromState(state: CmaEsState): CmaEs {
    const es = new CmaEs(optionsOfState(state));
    restoreSearchState(es.s, state, es.options);
    return es;
  }
}
