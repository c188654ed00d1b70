/** The ask/evaluate/tell loop of CMA-ES in one call. */
import { fail } from './checks.js';
import { CmaEs } from './cma-es.js';
import type { BestSolution, CmaEsOptions, StopReason } from './types.js';

/** Result of {@link minimize}. */
export interface MinimizeResult {
  /** Best solution evaluated. */
  x: Float64Array;
  /** Its fitness. */
  f: number;
  /** Total evaluations. */
  evaluations: number;
  /** Total generations. */
  generations: number;
  /** Why the run stopped. */
  stopReasons: StopReason[];
  /** Final distribution mean (not evaluated; often better than `x` on noisy problems). */
  mean: Float64Array;
  /** The optimizer, for further inspection or to continue. */
  es: CmaEs;
}

/**
 * Minimizes `f` with CMA-ES: the ask/evaluate/tell loop until a stop criterion holds.
 *
 * @example
 * ```ts
 * const r = minimize((x) => x.reduce((s, v) => s + v * v, 0), [1, 2, 3], 0.5, { seed: 7, fTarget: 1e-10 });
 * console.log(r.f, r.evaluations, r.stopReasons);
 * ```
 *
 * @param f - objective, called with a fresh copy of each candidate (a `Float64Array` of length n); must return a number
 *   (`Infinity` is fine for infeasible points, `NaN` throws).
 * @param x0 - initial mean.
 * @param sigma0 - initial step size.
 * @param options - every other {@link CmaEsOptions} field; `seed` is required.
 */
export function minimize(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  sigma0: number,
  options: Omit<CmaEsOptions, 'x0' | 'sigma0'>,
): MinimizeResult {
  if (typeof f !== 'function') fail(TypeError, 'minimize', 'f must be a function', f);
  if (options === null || typeof options !== 'object') {
    fail(TypeError, 'minimize', 'options must be an object with at least { seed }', options);
  }
  const es = new CmaEs({ ...options, x0, sigma0 });
  let reasons: StopReason[] | null = null;
  while ((reasons = es.stop()) === null) {
    const xs = es.ask();
    const fs = xs.map((x) => f(x.slice())); // a copy, so that f cannot alter what is told
    es.tell(xs, fs);
  }
  const best = es.best as BestSolution;
  return {
    x: best.x,
    f: best.f,
    evaluations: es.evaluations,
    generations: es.generation,
    stopReasons: reasons,
    mean: es.mean,
    es,
  };
}
