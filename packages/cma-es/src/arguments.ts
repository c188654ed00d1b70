/**
 * What CmaEs checks of what callers hand it: the options, checked and completed with their defaults
 * once at construction, and a told population, checked before any of it reaches the update (a NaN
 * fitness or a wrong-length vector would otherwise spread silently into the mean and C). Every error
 * names the function, the argument and what it got.
 */
import { fail, checkNumber } from './checks.js';
import { strategyParameters } from './parameters.js';
import type { CovarianceModel, LazyGap, StrategyParameters } from './parameters.js';
import type { CmaEsOptions } from './types.js';

/** The options of a CmaEs after checking, every default filled in. */
export interface ResolvedOptions {
  readonly x0: ArrayLike<number>;
  readonly sigma0: number;
  readonly seed: number;
  readonly covariance: CovarianceModel;
  readonly lazyGap: LazyGap;
  readonly params: StrategyParameters;
  readonly minSigma: number;
  readonly maxSigma: number;
  readonly maxEvals: number;
  readonly maxGenerations: number;
  readonly fTarget: number;
  readonly tolFun: number;
  readonly tolX: number;
  readonly maxConditionNumber: number;
}

/**
 * @throws TypeError / RangeError naming the offending option when an option has the wrong type or
 *   value (see the CmaEs constructor).
 */
export function resolveOptions(options: CmaEsOptions): ResolvedOptions {
  const where = 'CmaEs';
  if (options === null || typeof options !== 'object') {
    fail(TypeError, where, 'options must be an object { x0, sigma0, seed, ... }', options);
  }
  const { x0 } = options;
  if (
    x0 === null ||
    typeof x0 !== 'object' ||
    typeof (x0 as ArrayLike<number>).length !== 'number' ||
    (!Array.isArray(x0) && !ArrayBuffer.isView(x0))
  ) {
    fail(TypeError, where, 'x0 must be an array or typed array of numbers', x0);
  }
  const n = x0.length;
  if (n < 1) fail(RangeError, where, 'x0 must be non-empty (its length is the dimension n ≥ 1)', x0);
  for (let i = 0; i < n; i++) {
    const v = x0[i];
    if (typeof v !== 'number') fail(TypeError, where, `x0[${i}] must be a finite number`, v);
    if (!Number.isFinite(v)) fail(RangeError, where, `x0[${i}] must be a finite number`, v);
  }
  const sigma0 = checkNumber(
    where,
    'sigma0',
    options.sigma0,
    (x) => Number.isFinite(x) && x > 0,
    'a finite number > 0',
  );
  const seed = checkNumber(where, 'seed', options.seed, (x) => Number.isSafeInteger(x), 'a safe integer');
  const popsize =
    options.popsize === undefined
      ? undefined
      : checkNumber(
          where,
          'popsize',
          options.popsize,
          (x) => Number.isInteger(x) && x >= 2,
          'an integer ≥ 2',
        );
  const covariance = options.covariance ?? 'full';
  if (covariance !== 'full' && covariance !== 'diagonal') {
    fail(TypeError, where, `covariance must be 'full' or 'diagonal'`, covariance);
  }
  const lazyGap = options.lazyGap ?? 'purecma';
  if (lazyGap !== 'purecma' && lazyGap !== 'purecmaes') {
    checkNumber(
      where,
      'lazyGap',
      lazyGap,
      (x) => x >= 0 && !Number.isNaN(x),
      `'purecma', 'purecmaes' or a number of evaluations ≥ 0`,
    );
  }
  const params = strategyParameters(n, popsize, covariance, lazyGap);
  const lam = params.lambda;
  const opt = (
    name: keyof CmaEsOptions,
    def: number,
    ok: (x: number) => boolean,
    expected: string,
  ): number => {
    const v = options[name];
    return v === undefined ? def : checkNumber(where, name, v, ok, expected);
  };
  const notNaN = (x: number): boolean => !Number.isNaN(x);
  const minSigma = opt('minSigma', 0, (x) => Number.isFinite(x) && x >= 0, 'a finite number ≥ 0');
  const maxSigma = opt('maxSigma', Infinity, (x) => x > 0 && notNaN(x), 'a number > 0');
  if (!(sigma0 >= minSigma && sigma0 <= maxSigma)) {
    throw new RangeError(
      `${where}: sigma0 must lie within [minSigma, maxSigma] = [${minSigma}, ${maxSigma}], got ${sigma0}`,
    );
  }
  const maxEvals = opt(
    'maxEvals',
    100 * lam + 150 * ((n + 3) * (n + 3)) * Math.sqrt(lam),
    (x) => x > 0 && notNaN(x),
    'a number > 0',
  );
  const maxGenerations = opt('maxGenerations', Infinity, (x) => x > 0 && notNaN(x), 'a number > 0');
  const fTarget = opt('fTarget', -Infinity, notNaN, 'a number (not NaN)');
  const tolFun = opt('tolFun', 1e-12, (x) => x >= 0 && notNaN(x), 'a number ≥ 0');
  const tolX = opt('tolX', 1e-11, (x) => x >= 0 && notNaN(x), 'a number ≥ 0');
  const maxConditionNumber = opt('maxConditionNumber', 1e14, (x) => x >= 1 && notNaN(x), 'a number ≥ 1');
  return {
    x0,
    sigma0,
    seed,
    covariance,
    lazyGap,
    params,
    minSigma,
    maxSigma,
    maxEvals,
    maxGenerations,
    fTarget,
    tolFun,
    tolX,
    maxConditionNumber,
  };
}

/**
 * Checks the arguments of `tell`: λ solutions of length n with finite entries, and λ fitness values,
 * none of them NaN (±Infinity is allowed, for infeasible solutions).
 *
 * @throws TypeError / RangeError naming the argument for a wrong count, wrong length, non-finite
 *   solution entry or NaN fitness.
 */
export function checkPopulation(
  where: string,
  solutions: ArrayLike<ArrayLike<number>>,
  fitnesses: ArrayLike<number>,
  n: number,
  lam: number,
): void {
  if (solutions === null || typeof solutions !== 'object' || typeof solutions.length !== 'number') {
    fail(TypeError, where, `solutions must be an array of ${lam} vectors`, solutions);
  }
  if (fitnesses === null || typeof fitnesses !== 'object' || typeof fitnesses.length !== 'number') {
    fail(TypeError, where, `fitnesses must be an array of ${lam} numbers`, fitnesses);
  }
  if (solutions.length !== lam) {
    fail(RangeError, where, `solutions must hold popsize = ${lam} vectors`, solutions);
  }
  if (fitnesses.length !== lam) {
    fail(RangeError, where, `fitnesses must hold popsize = ${lam} numbers`, fitnesses);
  }
  for (let k = 0; k < lam; k++) {
    const f = fitnesses[k];
    if (typeof f !== 'number') fail(TypeError, where, `fitnesses[${k}] must be a number`, f);
    if (Number.isNaN(f)) {
      fail(RangeError, where, `fitnesses[${k}] must not be NaN (use Infinity for infeasible solutions)`, f);
    }
    const x = solutions[k];
    if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
      fail(TypeError, where, `solutions[${k}] must be a vector of length ${n}`, x);
    }
    if (x.length !== n) fail(RangeError, where, `solutions[${k}] must have length n = ${n}`, x);
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (!Number.isFinite(v)) {
        const Ctor = typeof v === 'number' ? RangeError : TypeError;
        fail(Ctor, where, `solutions[${k}][${i}] must be a finite number`, v);
      }
    }
  }
}
