/**
 * A small float64 L-BFGS minimizer (Nocedal & Wright 2006, Algorithm 7.4 and 7.5), for the inner
 * optimizations of RWR and REPS: rllab solves both with L-BFGS (scipy `fmin_l_bfgs_b`), with 20
 * (ERWR) or 50 (REPS) iterations. Written here, not copied:
 *
 *   d = −H g by the two-loop recursion over the last `memory` pairs (s, y), H₀ = (sᵀy / yᵀy) I
 *   (the first step is scaled to unit length, −g/‖g‖, as scipy does);
 *   backtracking (halving) line search from t = 1 until the Armijo condition
 *     f(x + t d) ≤ f(x) + 1e-4 · t · gᵀd   holds (non-finite values count as failures);
 *   a pair is stored only when sᵀy > 1e-10 · yᵀy (curvature), so H stays positive definite;
 *   stop when ‖g‖∞ ≤ gradientTolerance, when the relative decrease of f falls below
 *   valueTolerance, when the line search fails, or after maxIterations iterations.
 *
 * There are no bounds: REPS optimizes log η instead of η ≥ 0 (rllab bounds η ≥ 0 in L-BFGS-B).
 */

export interface ValueAndGradient {
  readonly value: number;
  readonly gradient: Float64Array;
}

export interface LbfgsOptions {
  readonly maxIterations: number;
  /** Number of (s, y) pairs kept. Default 10 (scipy's m). */
  readonly memory?: number;
  /** Stop when max |gᵢ| is at most this. Default 1e-8. */
  readonly gradientTolerance?: number;
  /** Stop when (f_old − f_new) ≤ valueTolerance · max(|f_old|, |f_new|, 1). Default 1e-12. */
  readonly valueTolerance?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  readonly iterations: number;
  /** Function evaluations, the initial one included. */
  readonly evaluations: number;
  /** Why it stopped. */
  readonly reason: 'gradient' | 'value' | 'line-search' | 'iterations';
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function minimizeLbfgs(
  f: (x: Float64Array) => ValueAndGradient,
  x0: Float64Array,
  options: LbfgsOptions,
): LbfgsResult {
  const memory = options.memory ?? 10;
  const gradientTolerance = options.gradientTolerance ?? 1e-8;
  const valueTolerance = options.valueTolerance ?? 1e-12;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let { value, gradient }: ValueAndGradient = f(x);
  let evaluations = 1;
  if (!Number.isFinite(value)) throw new RangeError(`minimizeLbfgs: f(x0) is ${value}`);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  let reason: LbfgsResult['reason'] = 'iterations';
  let iterations = 0;
  for (; iterations < options.maxIterations; iterations++) {
    let gmax = 0;
    for (const g of gradient) gmax = Math.max(gmax, Math.abs(g));
    if (gmax <= gradientTolerance) {
      reason = 'gradient';
      break;
    }
    // Two-loop recursion: d = −H g.
    const d = Float64Array.from(gradient, (g) => -g);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = rho[k]! * dot(S[k]!, d);
      alpha[k] = a;
      const y = Y[k]!;
      for (let i = 0; i < n; i++) d[i]! -= a * y[i]!;
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!) : 1 / Math.sqrt(dot(d, d));
    for (let i = 0; i < n; i++) d[i]! *= gamma;
    for (let k = 0; k < S.length; k++) {
      const b = rho[k]! * dot(Y[k]!, d);
      const s = S[k]!;
      for (let i = 0; i < n; i++) d[i]! += (alpha[k]! - b) * s[i]!;
    }
    let slope = dot(gradient, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      const norm = Math.sqrt(dot(gradient, gradient));
      for (let i = 0; i < n; i++) d[i] = -gradient[i]! / norm;
      slope = dot(gradient, d);
    }
    // Backtracking line search (Armijo).
    let t = 1;
    let accepted: { x: Float64Array; value: number; gradient: Float64Array } | null = null;
    for (let k = 0; k < 40; k++, t *= 0.5) {
      const xt = new Float64Array(n);
      for (let i = 0; i < n; i++) xt[i] = x[i]! + t * d[i]!;
      const r = f(xt);
      evaluations++;
      if (Number.isFinite(r.value) && r.value <= value + 1e-4 * t * slope) {
        accepted = { x: xt, value: r.value, gradient: r.gradient };
        break;
      }
    }
    if (!accepted) {
      reason = 'line-search';
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = accepted.x[i]! - x[i]!;
      y[i] = accepted.gradient[i]! - gradient[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const decrease = value - accepted.value;
    const scale = Math.max(Math.abs(value), Math.abs(accepted.value), 1);
    x = accepted.x;
    value = accepted.value;
    gradient = accepted.gradient;
    if (decrease <= valueTolerance * scale) {
      iterations++;
      reason = 'value';
      break;
    }
  }
  return { x, value, gradient, iterations, evaluations, reason };
}
