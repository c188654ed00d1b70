/**
 * What a CmaEs takes and gives: its options, its best solution, why it stops, and its JSON snapshot
 * (the format that resumes a run bit for bit).
 */
import type { JsonFloat } from './encoding.js';
import type { CovarianceModel, LazyGap } from './parameters.js';
import type { RngState } from './rng.js';

/** Why {@link CmaEs.stop} says to stop. */
export type StopReason = 'maxEvals' | 'maxGenerations' | 'fTarget' | 'tolFun' | 'tolX' | 'conditionNumber';

/** Options of {@link CmaEs}. Only `x0`, `sigma0` and `seed` are required. */
export interface CmaEsOptions {
  /** Initial mean; its length is the dimension n (≥ 1). All entries must be finite. */
  x0: ArrayLike<number>;
  /** Initial step size σ₀ (> 0, finite): the initial standard deviation in every coordinate. */
  sigma0: number;
  /** Seed of the internal xoshiro128** generator; any safe integer. Same seed ⇒ identical run. */
  seed: number;
  /** Population size λ (integer ≥ 2). Default `4 + ⌊3 ln n⌋`. The parent number is μ = ⌊λ/2⌋. */
  popsize?: number;
  /** `'full'` (default) or `'diagonal'` (sep-CMA-ES). */
  covariance?: CovarianceModel;
  /** Gap between eigendecompositions (full covariance only). Default `'purecma'`. */
  lazyGap?: LazyGap;
  /** Lower bound on σ, applied after every update. Default 0 (none). */
  minSigma?: number;
  /** Upper bound on σ, applied after every update. Default `Infinity` (none). */
  maxSigma?: number;
  /** Stop after this many evaluations. Default purecma's `100·λ + 150·(n + 3)²·√λ`. */
  maxEvals?: number;
  /** Stop after this many generations (tell calls). Default `Infinity`. */
  maxGenerations?: number;
  /** Stop once a fitness ≤ fTarget has been told. Default `-Infinity` (never). */
  fTarget?: number;
  /** Stop when the range of the last generation's fitness values is below this. Default `1e-12`. */
  tolFun?: number;
  /** Stop when σ·√(largest eigenvalue of C) is below this. Default `1e-11`. */
  tolX?: number;
  /** Stop when the condition number of C exceeds this (or C stops being positive definite). Default `1e14`. */
  maxConditionNumber?: number;
}

/** Best solution seen so far. */
export interface BestSolution {
  /** The solution (a copy). */
  x: Float64Array;
  /** Its fitness. */
  f: number;
  /** The evaluation count at the end of the generation in which it was told. */
  evals: number;
}

/** Plain, JSON-serializable snapshot of a {@link CmaEs} (see {@link CmaEs.state}). */
export interface CmaEsState {
  format: 'policy-arena/cma-es';
  version: 1;
  dimension: number;
  popsize: number;
  covariance: CovarianceModel;
  lazyGap: 'purecma' | 'purecmaes' | JsonFloat;
  seed: number;
  minSigma: JsonFloat;
  maxSigma: JsonFloat;
  maxEvals: JsonFloat;
  maxGenerations: JsonFloat;
  fTarget: JsonFloat;
  tolFun: JsonFloat;
  tolX: JsonFloat;
  maxConditionNumber: JsonFloat;
  rng: RngState;
  /** Float64 vectors and matrices are base64 of their little-endian bytes (exact). */
  mean: string;
  sigma: number;
  pc: string;
  ps: string;
  /** Full: packed lower triangle, row by row (n(n+1)/2 values). Diagonal: the n variances. */
  C: string;
  /** Full: eigenvectors as rows (n² values) from the last decomposition. Diagonal: `null`. */
  B: string | null;
  /** Full: eigenvalues from the last decomposition. Diagonal: `null` (they are C itself). */
  eigenvalues: string | null;
  eigenUpdatedAt: number;
  eigenUpdates: number;
  conditionNumber: JsonFloat;
  evaluations: number;
  generation: number;
  asked: boolean;
  best: { x: string; f: JsonFloat; evals: number } | null;
  /** Sorted fitness values of the last generation (empty before the first tell). */
  fitness: string;
}
