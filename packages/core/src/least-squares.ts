/**
 * Weighted linear least squares with an intercept, in float64:
 *
 *   β = argmin_β Σᵢ wᵢ ‖yᵢ − [xᵢ, 1] β‖² + λ ‖β_x‖²
 *
 * solved from the normal equations (Xᵀ W X + λ I_x) β = Xᵀ W Y by Cholesky (λ I_x: the ridge on the
 * coefficients of x, not on the intercept). The linear state-time baseline, and RWR's and REPS's
 * weighted refit of a linear policy, are this problem.
 */

export interface LeastSquaresOptions {
  /**
   * λ ≥ 0, the ridge added to the diagonal of XᵀWX for the coefficients of x (default 0), in the
   * units of XᵀWX (a sum over samples, not a mean). rllab's LinearFeatureBaseline uses 1e-5.
   */
  readonly ridge?: number;
}

/**
 * The (inputs + 1) × outputs matrix β (row-major) minimizing Σᵢ wᵢ ‖yᵢ − [xᵢ, 1] β‖² (+ the ridge):
 * rows 0..inputs−1 the coefficients of x, the last row the intercept. `x` is n × inputs and `y`
 * n × outputs, row-major. Each output is its own problem. If the Gram matrix does not factor
 * (singular: e.g. all weight on fewer than inputs + 1 distinct points), a ridge of 1e-12 · (mean
 * diagonal) is added to every diagonal entry and grown ×10 until it does — a regularized solution
 * rather than an error.
 */
export function weightedLeastSquares(
  x: Float64Array,
  inputs: number,
  y: Float64Array,
  outputs: number,
  weights: Float64Array,
  options: LeastSquaresOptions = {},
): Float64Array {
  const n = weights.length;
  const p = inputs + 1;
  if (x.length !== n * inputs || y.length !== n * outputs) {
    throw new RangeError(
      `weightedLeastSquares: ${n} weights but ${x.length / inputs} inputs and ${y.length / outputs} targets`,
    );
  }
  const lambda = options.ridge ?? 0;
  if (!(lambda >= 0 && Number.isFinite(lambda)))
    throw new RangeError(`weightedLeastSquares: ridge must be a finite number ≥ 0, got ${lambda}`);
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p * outputs);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    for (let j = 0; j < inputs; j++) row[j] = x[i * inputs + j]!;
    row[inputs] = 1;
    for (let j = 0; j < p; j++) {
      const wj = w * row[j]!;
      for (let k = 0; k <= j; k++) gram[j * p + k]! += wj * row[k]!;
      for (let d = 0; d < outputs; d++) rhs[j * outputs + d]! += wj * y[i * outputs + d]!;
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) gram[k * p + j] = gram[j * p + k]!;
  if (lambda > 0) for (let j = 0; j < inputs; j++) gram[j * p + j]! += lambda;
  let meanDiag = 0;
  for (let j = 0; j < p; j++) meanDiag += gram[j * p + j]! / p;
  let ridge = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const L = cholesky(gram, p, ridge);
    if (L) return choleskySolve(L, p, rhs, outputs);
    ridge = ridge === 0 ? 1e-12 * (meanDiag || 1) : ridge * 10;
  }
  throw new RangeError('weightedLeastSquares: the weighted Gram matrix is not finite');
}

/** Lower-triangular L with L Lᵀ = A + ridge·I, or null when that is not positive definite. */
function cholesky(a: Float64Array, p: number, ridge: number): Float64Array | null {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let diag = a[j * p + j]! + ridge;
    for (let k = 0; k < j; k++) {
      const l = L[j * p + k]!;
      diag -= l * l;
    }
    if (!(diag > 0)) return null;
    const ljj = Math.sqrt(diag);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!;
      L[i * p + j] = s / ljj;
    }
  }
  return L;
}

function choleskySolve(L: Float64Array, p: number, b: Float64Array, cols: number): Float64Array {
  const x = Float64Array.from(b);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < p; i++) {
      let s = x[i * cols + c]!;
      for (let k = 0; k < i; k++) s -= L[i * p + k]! * x[k * cols + c]!;
      x[i * cols + c] = s / L[i * p + i]!;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = x[i * cols + c]!;
      for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * x[k * cols + c]!;
      x[i * cols + c] = s / L[i * p + i]!;
    }
  }
  return x;
}
