/**
 * Float64 numerical building blocks of the trust-region step (Appendix C): conjugate gradient on
 * Fisher-vector products, and a backtracking line search.
 */

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** out = a + alpha·b (a new array). */
export function axpy(a: Float64Array, alpha: number, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + alpha * b[i]!;
  return out;
}

export interface ConjugateGradientResult {
  readonly x: Float64Array;
  readonly iterations: number;
  /** ‖b − A x‖² at exit, as tracked by the recurrence. */
  readonly residualSquared: number;
}

/**
 * Solves A x = b for symmetric positive-definite A given only products v ↦ A v (Appendix C:
 * k = 10 iterations). Stops early when ‖r‖² < residualTol (rllab and modular_rl: 1e-10).
 */
export function conjugateGradient(
  matVec: (v: Float64Array) => Float64Array,
  b: Float64Array,
  options: { iterations?: number; residualTol?: number } = {},
): ConjugateGradientResult {
  const iterations = options.iterations ?? 10;
  const residualTol = options.residualTol ?? 1e-10;
  const x = new Float64Array(b.length);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  let k = 0;
  for (; k < iterations && rr >= residualTol; k++) {
    const Ap = matVec(p);
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) {
      if (k === 0)
        throw new RangeError(`conjugateGradient: pᵀAp = ${pAp}, the matrix is not positive definite`);
      break;
    }
    const alpha = rr / pAp;
    for (let i = 0; i < x.length; i++) {
      x[i]! += alpha * p[i]!;
      r[i]! -= alpha * Ap[i]!;
    }
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    for (let i = 0; i < p.length; i++) p[i] = r[i]! + beta * p[i]!;
    rr = rrNew;
  }
  return { x, iterations: k, residualSquared: rr };
}

export interface LineSearchOptions {
  /** Step fraction multiplier per backtrack (exponential shrinking, Appendix C). */
  readonly shrink: number;
  /** Backtracks after the full step before giving up. */
  readonly maxBacktracks: number;
}

export interface LineSearchResult<E> {
  readonly accepted: boolean;
  /** The accepted parameters, or x0 when nothing was accepted. */
  readonly params: Float64Array;
  /** Fraction of the full step taken (0 when nothing was accepted). */
  readonly stepFraction: number;
  /** How many shrinks were tried before acceptance (or in all). */
  readonly backtracks: number;
  /** The evaluation at the accepted point, or at the last candidate tried when none was accepted. */
  readonly evaluation: E;
}

/**
 * Backtracking line search along `fullStep` from `x0`: tries x0 + shrinkᵏ·fullStep for
 * k = 0, 1, …, maxBacktracks and returns the first candidate that `accept` takes.
 */
export function backtrackingLineSearch<E>(
  x0: Float64Array,
  fullStep: Float64Array,
  evaluate: (x: Float64Array) => E,
  accept: (evaluation: E, stepFraction: number) => boolean,
  options: LineSearchOptions,
): LineSearchResult<E> {
  if (!(options.shrink > 0 && options.shrink < 1)) {
    throw new RangeError(`backtrackingLineSearch: shrink must be in (0, 1), got ${options.shrink}`);
  }
  let fraction = 1;
  let last: E | undefined;
  for (let k = 0; k <= options.maxBacktracks; k++, fraction *= options.shrink) {
    const x = axpy(x0, fraction, fullStep);
    last = evaluate(x);
    if (accept(last, fraction)) {
      return { accepted: true, params: x, stepFraction: fraction, backtracks: k, evaluation: last };
    }
  }
  return {
    accepted: false,
    params: Float64Array.from(x0),
    stepFraction: 0,
    backtracks: options.maxBacktracks + 1,
    evaluation: last as E,
  };
}
