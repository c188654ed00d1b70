/**
 * Symmetric eigendecomposition in float64: Householder reduction to tridiagonal form followed by
 * the implicit QL algorithm with Wilkinson-style shifts, i.e. the EISPACK routines tred2 and tql2
 * (Bowdler, Martin, Reinsch and Wilkinson, Handbook for Automatic Computation, Vol. II) in the form
 * popularised by the public-domain JAMA package.
 *
 * The working matrix is kept transposed (row `j` of the buffer is column `j` of the textbook `V`), so
 * every inner loop of both routines runs over contiguous memory.
 *
 * @packageDocumentation
 */
import * as libm from '@policy-arena/libm';

/** Result of {@link symmetricEigen}. */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /**
   * Orthonormal eigenvectors, row-major `n × n`: row `j` (entries `j·n … j·n + n − 1`) is the unit
   * eigenvector of `values[j]`. In matrix terms this buffer holds `Bᵀ` where `A = B·diag(values)·Bᵀ`.
   */
  vectors: Float64Array;
}

/**
 * Eigendecomposition of a real symmetric matrix.
 *
 * Only the lower triangle (`j ≤ i`) of `a` is read, so an exactly symmetric matrix is not required.
 * `a` itself is not modified. Cost is about 4n³/3 + 3n³ floating-point operations.
 *
 * @param a - the matrix, row-major, `n·n` entries.
 * @param n - its order (≥ 1).
 * @returns eigenvalues ascending and the matching eigenvectors as rows.
 * @throws RangeError if `n` is not a positive integer, `a.length !== n·n`, or the lower triangle
 *   holds a non-finite entry.
 * @throws Error if the QL iteration does not converge (not observed for finite input).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`symmetricEigen: n must be a positive integer, got ${String(n)}`);
  }
  if (a.length !== n * n) {
    throw new RangeError(`symmetricEigen: a must have n·n = ${n * n} entries, got ${a.length}`);
  }
  // Start from the symmetric completion of the lower triangle of a.
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = a[i * n + j] as number;
      if (!Number.isFinite(x)) {
        throw new RangeError(`symmetricEigen: a must be finite, got a[${i * n + j}] = ${String(x)}`);
      }
      w[i * n + j] = x;
      w[j * n + i] = x;
    }
  }
  return symmetricEigenInPlace(w, n);
}

/**
 * Like {@link symmetricEigen} but works in the caller's buffer: `w` must hold a finite, exactly
 * symmetric `n × n` matrix and is overwritten with the eigenvectors (row `j` = eigenvector `j`),
 * which is returned as `vectors`. Saves one `n × n` allocation for large `n`.
 */
export function symmetricEigenInPlace(w: Float64Array, n: number): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1 || w.length !== n * n) {
    throw new RangeError(`symmetricEigenInPlace: w must have n·n entries for a positive integer n`);
  }
  // w is used as V transposed: V[r][c] lives at w[c * n + r]; a symmetric input equals its transpose.
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(n, w, d, e);
  tql2(n, d, e, w);
  return { values: d, vectors: w };
}

/** Householder tridiagonalization; on return d is the diagonal, e[1..n-1] the subdiagonal, w = Vᵀ. */
function tred2(n: number, w: Float64Array, d: Float64Array, e: Float64Array): void {
  // Notation: V(r, c) = w[c * n + r].
  for (let j = 0; j < n; j++) d[j] = w[j * n + (n - 1)] as number;

  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] as number);
    if (scale === 0) {
      e[i] = d[i - 1] as number;
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + (i - 1)] as number;
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      // Generate the Householder vector.
      for (let k = 0; k < i; k++) {
        const dk = (d[k] as number) / scale;
        d[k] = dk;
        h += dk * dk;
      }
      let f = d[i - 1] as number;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;

      // Apply the similarity transformation to the remaining columns.
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        w[i * n + j] = f; // V(j, i) = f
        const col = j * n; // column j of V, i.e. V(k, j) = w[col + k]
        g = (e[j] as number) + (w[col + j] as number) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = w[col + k] as number;
          g += vkj * (d[k] as number);
          e[k] = (e[k] as number) + vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const ej = (e[j] as number) / h;
        e[j] = ej;
        f += ej * (d[j] as number);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = (e[j] as number) - hh * (d[j] as number);
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        g = e[j] as number;
        const col = j * n;
        for (let k = j; k <= i - 1; k++) {
          w[col + k] = (w[col + k] as number) - (f * (e[k] as number) + g * (d[k] as number));
        }
        d[j] = w[col + (i - 1)] as number;
        w[col + i] = 0;
      }
    }
    d[i] = h;
  }

  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    w[i * n + (n - 1)] = w[i * n + i] as number; // V(n-1, i) = V(i, i)
    w[i * n + i] = 1;
    const h = d[i + 1] as number;
    const colNext = (i + 1) * n; // column i+1 of V
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = (w[colNext + k] as number) / h;
      for (let j = 0; j <= i; j++) {
        const col = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += (w[colNext + k] as number) * (w[col + k] as number);
        for (let k = 0; k <= i; k++) w[col + k] = (w[col + k] as number) - g * (d[k] as number);
      }
    }
    for (let k = 0; k <= i; k++) w[colNext + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + (n - 1)] as number;
    w[j * n + (n - 1)] = 0;
  }
  w[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); accumulates rotations into w = Vᵀ; sorts ascending. */
function tql2(n: number, d: Float64Array, e: Float64Array, w: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  e[n - 1] = 0;

  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  const maxIter = 30 * n + 30;
  for (let l = 0; l < n; l++) {
    // Find a small subdiagonal element.
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m] as number) <= eps * tst1) break;
      m++;
    }
    // If m === l, d[l] is already an eigenvalue; otherwise iterate.
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxIter) {
          throw new Error(`symmetricEigen: QL iteration did not converge (is the matrix finite?)`);
        }
        // Compute the implicit shift.
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = libm.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < n; i++) d[i] = (d[i] as number) - h;
        f += h;

        // Implicit QL transformation.
        p = d[m] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = e[i] as number;
          g = c * ei;
          h = c * p;
          r = libm.hypot(p, ei);
          e[i + 1] = s * r;
          s = ei / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          // Accumulate the rotation into columns i and i+1 of V (rows i and i+1 of w).
          const ci = i * n;
          const cn = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const hk = w[cn + k] as number;
            const vk = w[ci + k] as number;
            w[cn + k] = s * vk + c * hk;
            w[ci + k] = c * vk - s * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!Number.isFinite(p)) {
          throw new Error(`symmetricEigen: QL iteration produced a non-finite value (is the matrix finite?)`);
        }
      } while (Math.abs(e[l] as number) > eps * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }

  // Selection sort of the eigenvalues (ascending) with the corresponding vectors.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i] as number;
    for (let j = i + 1; j < n; j++) {
      if ((d[j] as number) < p) {
        k = j;
        p = d[j] as number;
      }
    }
    if (k !== i) {
      d[k] = d[i] as number;
      d[i] = p;
      const ri = i * n;
      const rk = k * n;
      for (let j = 0; j < n; j++) {
        const t = w[ri + j] as number;
        w[ri + j] = w[rk + j] as number;
        w[rk + j] = t;
      }
    }
  }
}
