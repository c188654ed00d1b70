/**
 * The strategy parameters of CMA-ES: purecma 3.0.0's defaults for a dimension and population size
 * (recombination weights, learning rates, cumulation and damping constants), with sep-CMA-ES's
 * scaling for the diagonal model. Fixed when an optimizer is created; the state evolves in distribution.ts.
 */
import { checkNumber, fail } from './checks.js';
import * as libm from '@policy-arena/libm';

/**
 * Covariance model.
 * - `'full'`: the full n × n covariance matrix (rotation invariant; O(n²) per sample plus an O(n³)
 *   eigendecomposition every few generations).
 * - `'diagonal'`: sep-CMA-ES (Ros & Hansen 2008), a diagonal covariance matrix with the learning
 *   rates c₁ and c_μ multiplied by (n + 2)/3; O(n) per sample and no eigendecomposition.
 */
export type CovarianceModel = 'full' | 'diagonal';

/**
 * How many evaluations may pass between two eigendecompositions of the full covariance matrix.
 * - `'purecma'` (default): `0.5·λ/((c₁ + c_μ)·n)` evaluations, as in purecma.py.
 * - `'purecmaes'`: `λ/((c₁ + c_μ)·n·10)` evaluations, as in Hansen's purecmaes.m (5× more often).
 * - a number ≥ 0: that many evaluations (0 decomposes before every generation).
 *
 * The decomposition is due when `evaluations > lastDecompositionAt + gap` and happens in `ask()`.
 */
export type LazyGap = 'purecma' | 'purecmaes' | number;

/** The static strategy parameters, fixed at construction (see {@link strategyParameters}). */
export interface StrategyParameters {
  /** Dimension n. */
  readonly n: number;
  /** Population size λ. */
  readonly lambda: number;
  /** Number of parents μ = ⌊λ/2⌋. */
  readonly mu: number;
  /** Positive recombination weights w₁ ≥ … ≥ w_μ, summing to 1. */
  readonly weights: Float64Array;
  /** Variance-effective selection mass μ_eff = (Σwᵢ)²/Σwᵢ². */
  readonly mueff: number;
  /** Cumulation constant for the evolution path p_c. */
  readonly cc: number;
  /** Cumulation constant for the evolution path p_σ. */
  readonly cs: number;
  /** Learning rate of the rank-one update (already multiplied by (n + 2)/3 for `'diagonal'`). */
  readonly c1: number;
  /** Learning rate of the rank-μ update (already multiplied by (n + 2)/3 for `'diagonal'`). */
  readonly cmu: number;
  /** Damping of the step-size update. */
  readonly damps: number;
  /** Evaluations between eigendecompositions (full covariance; see {@link LazyGap}). */
  readonly lazyGapEvals: number;
  /** The covariance model these rates belong to. */
  readonly covariance: CovarianceModel;
}

/**
 * Computes purecma 3.0.0's default strategy parameters for dimension `n` and population size λ,
 * with sep-CMA's (n + 2)/3 scaling of c₁ and c_μ when `covariance` is `'diagonal'`.
 *
 * @throws RangeError if `n` is not a positive integer, `popsize` is not an integer ≥ 2, or
 *   `lazyGap` is not `'purecma'`, `'purecmaes'` or a number ≥ 0.
 */
export function strategyParameters(
  n: number,
  popsize?: number,
  covariance: CovarianceModel = 'full',
  lazyGap: LazyGap = 'purecma',
): StrategyParameters {
  const where = 'strategyParameters';
  checkNumber(where, 'n', n, (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1');
  const lambda =
    popsize === undefined
      ? 4 + Math.floor(3 * libm.log(n))
      : checkNumber(where, 'popsize', popsize, (x) => Number.isInteger(x) && x >= 2, 'an integer ≥ 2');
  if (covariance !== 'full' && covariance !== 'diagonal') {
    fail(TypeError, where, `covariance must be 'full' or 'diagonal'`, covariance);
  }
  const mu = Math.floor(lambda / 2);
  const weights = new Float64Array(mu);
  let wSum = 0;
  for (let i = 0; i < mu; i++) {
    weights[i] = libm.log(lambda / 2 + 0.5) - libm.log(i + 1);
    wSum += weights[i] as number;
  }
  let sumW = 0;
  let sumW2 = 0;
  for (let i = 0; i < mu; i++) {
    const wi = (weights[i] as number) / wSum;
    weights[i] = wi;
    sumW += wi;
    sumW2 += wi * wi;
  }
  const mueff = (sumW * sumW) / sumW2;
  const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
  const cs = (mueff + 2) / (n + mueff + 5);
  let c1 = 2 / ((n + 1.3) * (n + 1.3) + mueff);
  const cmuRaw = (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) * (n + 2) + mueff);
  let cmu = Math.min(1 - c1, cmuRaw);
  if (covariance === 'diagonal') {
    const factor = (n + 2) / 3;
    c1 *= factor;
    cmu = Math.min(1 - c1, cmuRaw * factor);
  }
  const damps = (2 * mueff) / lambda + 0.3 + cs;
  let lazyGapEvals: number;
  if (lazyGap === 'purecma') lazyGapEvals = (0.5 * lambda) / ((c1 + cmu) * n);
  else if (lazyGap === 'purecmaes') lazyGapEvals = lambda / (c1 + cmu) / n / 10;
  else {
    lazyGapEvals = checkNumber(
      where,
      'lazyGap',
      lazyGap,
      (x) => x >= 0 && !Number.isNaN(x),
      `'purecma', 'purecmaes' or a number of evaluations ≥ 0`,
    );
  }
  return { n, lambda, mu, weights, mueff, cc, cs, c1, cmu, damps, lazyGapEvals, covariance };
}
