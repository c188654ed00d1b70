import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './eigen.js';
import { Xoshiro128 } from './rng.js';

/** Random symmetric n × n matrix with N(0, 1) entries (as nested arrays, for the independent check). */
function randomSymmetric(n: number, seed: number): number[][] {
  const rng = new Xoshiro128(seed);
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      a[i]![j] = v;
      a[j]![i] = v;
    }
  }
  return a;
}

const flat = (a: number[][]): Float64Array => Float64Array.from(a.flat());

/** Eigenvector j from the solver's row layout. */
const vec = (vectors: Float64Array, n: number, j: number): number[] =>
  Array.from(vectors.subarray(j * n, j * n + n));

/**
 * Independent check of A·v = λ·v and VᵀV = I with plain nested-array arithmetic. Returns the largest
 * residual relative to max|A| and the largest deviation from orthonormality.
 */
function check(
  a: number[][],
  values: Float64Array,
  vectors: Float64Array,
): { residual: number; ortho: number } {
  const n = a.length;
  const scale = Math.max(1e-300, ...a.flat().map(Math.abs));
  let residual = 0;
  let ortho = 0;
  for (let j = 0; j < n; j++) {
    const v = vec(vectors, n, j);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i]![k]! * v[k]!;
      residual = Math.max(residual, Math.abs(av - values[j]! * v[i]!) / scale);
    }
    for (let k = 0; k < n; k++) {
      const u = vec(vectors, n, k);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i]! * u[i]!;
      ortho = Math.max(ortho, Math.abs(dot - (j === k ? 1 : 0)));
    }
  }
  return { residual, ortho };
}

describe('symmetricEigen', () => {
  it.each([1, 2, 3, 7, 20, 60, 150])(
    'solves random symmetric matrices (n = %i): small residuals, orthonormal, ascending, trace kept',
    (n) => {
      const a = randomSymmetric(n, 100 + n);
      const { values, vectors } = symmetricEigen(flat(a), n);
      const { residual, ortho } = check(a, values, vectors);
      expect(residual).toBeLessThan(1e-13 * n);
      expect(ortho).toBeLessThan(1e-13 * n);
      for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
      const trace = a.reduce((s, row, i) => s + row[i]!, 0);
      const sum = values.reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - trace)).toBeLessThan(1e-12 * n * n);
      // Frobenius norm² = Σ λ².
      const frob = a.flat().reduce((s, v) => s + v * v, 0);
      const lam2 = values.reduce((s, v) => s + v * v, 0);
      expect(Math.abs(frob - lam2) / frob).toBeLessThan(1e-13 * n);
    },
  );

  it('matches the closed form of the tridiagonal Toeplitz matrix tridiag(−1, 2, −1)', () => {
    // Eigenvalues 2 − 2cos(kπ/(n+1)), eigenvectors v_k(j) = √(2/(n+1))·sin(jkπ/(n+1)), k, j = 1 … n.
    const n = 25;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i > 0) {
        a[i * n + i - 1] = -1;
        a[(i - 1) * n + i] = -1;
      }
    }
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 1; k <= n; k++) {
      expect(values[k - 1]!).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 13);
      const v = vec(vectors, n, k - 1);
      let dot = 0;
      for (let j = 1; j <= n; j++)
        dot += v[j - 1]! * Math.sqrt(2 / (n + 1)) * Math.sin((j * k * Math.PI) / (n + 1));
      expect(Math.abs(dot)).toBeCloseTo(1, 12); // same vector up to sign
    }
  });

  it('matches the 2 × 2 closed form', () => {
    const [p, q, r] = [3.5, -1.25, -0.75];
    const { values, vectors } = symmetricEigen([p, q, q, r], 2);
    const mid = (p + r) / 2;
    const rad = Math.hypot((p - r) / 2, q);
    expect(values[0]!).toBeCloseTo(mid - rad, 14);
    expect(values[1]!).toBeCloseTo(mid + rad, 14);
    // Eigenvector of λ is ∝ (q, λ − p).
    const lam = values[1]!;
    const v = vec(vectors, 2, 1);
    const w = [q, lam - p];
    const cos = (v[0]! * w[0]! + v[1]! * w[1]!) / Math.hypot(w[0]!, w[1]!);
    expect(Math.abs(cos)).toBeCloseTo(1, 14);
  });

  it('handles diagonal, identity, zero and rank-one matrices', () => {
    const d = symmetricEigen([3, 0, 0, 0, -1, 0, 0, 0, 2], 3);
    expect(Array.from(d.values)).toEqual([-1, 2, 3]);
    expect(Array.from(d.vectors).map(Math.abs)).toEqual([0, 1, 0, 0, 0, 1, 1, 0, 0]);

    const n = 6;
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const id = symmetricEigen(eye, n);
    expect(Array.from(id.values)).toEqual(new Array(n).fill(1));
    const idMatrix = Array.from({ length: n }, (_, i) => Array.from(eye.subarray(i * n, i * n + n)));
    expect(check(idMatrix, id.values, id.vectors).ortho).toBeLessThan(1e-15);

    const zero = symmetricEigen(new Float64Array(n * n), n);
    expect(Array.from(zero.values)).toEqual(new Array(n).fill(0));

    // u·uᵀ has eigenvalues 0 (n − 1 times) and ‖u‖² with eigenvector u/‖u‖.
    const u = [1, -2, 0.5, 3, 0, 1.5];
    const outer = u.map((ui) => u.map((uj) => ui * uj));
    const r1 = symmetricEigen(flat(outer), n);
    const norm2 = u.reduce((s, v) => s + v * v, 0);
    expect(r1.values[n - 1]!).toBeCloseTo(norm2, 12);
    for (let i = 0; i < n - 1; i++) expect(Math.abs(r1.values[i]!)).toBeLessThan(1e-13 * norm2);
    expect(check(outer, r1.values, r1.vectors).residual).toBeLessThan(1e-14);
  });

  it('reads only the lower triangle and leaves its input unchanged', () => {
    const n = 8;
    const a = flat(randomSymmetric(n, 5));
    const garbled = a.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) garbled[i * n + j] = 1e3 * (i - j);
    const copy = garbled.slice();
    const ref = symmetricEigen(a, n);
    const got = symmetricEigen(garbled, n);
    expect(Array.from(got.values)).toEqual(Array.from(ref.values));
    expect(Array.from(got.vectors)).toEqual(Array.from(ref.vectors));
    expect(Array.from(garbled)).toEqual(Array.from(copy));
  });

  it('gives clear errors for bad input', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/a must have n·n = 4 entries, got 3/);
    expect(() => symmetricEigen([], 0)).toThrow(/n must be a positive integer, got 0/);
    expect(() => symmetricEigen([1, 0, NaN, 1], 2)).toThrow(/a must be finite, got a\[2\] = NaN/);
  });
});
