import { describe, expect, it } from 'vitest';
import { backtrackingLineSearch, conjugateGradient, dot } from './optimize.js';
import { Rng } from './rng.js';

function randomSpd(n: number, rng: Rng): Float64Array[] {
  const B = Array.from({ length: n }, () => Float64Array.from({ length: n }, () => rng.normal()));
  return Array.from({ length: n }, (_, i) =>
    Float64Array.from({ length: n }, (_, j) => {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += B[i]![k]! * B[j]![k]!;
      return s;
    }),
  );
}

// Dense Gaussian elimination with partial pivoting: an independent solver.
function directSolve(A: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

const matVec = (A: Float64Array[]) => (v: Float64Array) => Float64Array.from(A, (row) => dot(row, v));

describe('conjugateGradient', () => {
  it('matches a direct solve on SPD systems when given n iterations', () => {
    const rng = Rng.fromSeed(1);
    for (const n of [3, 6, 10]) {
      const A = randomSpd(n, rng);
      const b = Float64Array.from({ length: n }, () => rng.normal());
      const { x } = conjugateGradient(matVec(A), b, { iterations: 4 * n, residualTol: 1e-24 });
      const ref = directSolve(A, b);
      const err = Math.sqrt(x.reduce((s, v, i) => s + (v - ref[i]!) ** 2, 0) / dot(ref, ref));
      expect(err).toBeLessThan(1e-8);
    }
  });

  it('stops at the iteration limit (Appendix C: 10) and at the residual tolerance', () => {
    const rng = Rng.fromSeed(2);
    const A = randomSpd(30, rng);
    const b = Float64Array.from({ length: 30 }, () => rng.normal());
    expect(conjugateGradient(matVec(A), b).iterations).toBe(10);
    const identity = (v: Float64Array) => Float64Array.from(v);
    const r = conjugateGradient(identity, b);
    expect(r.iterations).toBe(1);
    expect(Array.from(r.x)).toEqual(Array.from(b));
  });

  it('refuses an indefinite matrix on the first step', () => {
    expect(() => conjugateGradient((v) => Float64Array.from(v, (x) => -x), Float64Array.of(1, 2))).toThrow(
      /not positive definite/,
    );
  });
});

describe('backtrackingLineSearch', () => {
  // Objective to maximize: f(x) = -(x - 1)², starting at 0. The full step (x = 3) worsens f.
  const f = (x: Float64Array) => -((x[0]! - 1) ** 2);
  const improves = (v: number) => v > f(Float64Array.of(0));

  it('rejects a step that worsens the objective and shrinks until it improves', () => {
    const r = backtrackingLineSearch(Float64Array.of(0), Float64Array.of(3), f, improves, {
      shrink: 0.5,
      maxBacktracks: 10,
    });
    expect(r.accepted).toBe(true);
    expect(r.backtracks).toBe(1); // 3 is rejected (f = -4 < -1), 1.5 accepted (f = -0.25)
    expect(r.stepFraction).toBe(0.5);
    expect(r.params[0]).toBe(1.5);
  });

  it('returns the start point when no candidate is accepted', () => {
    const r = backtrackingLineSearch(Float64Array.of(0), Float64Array.of(-1), f, improves, {
      shrink: 0.5,
      maxBacktracks: 5,
    });
    expect(r.accepted).toBe(false);
    expect(r.params[0]).toBe(0);
    expect(r.stepFraction).toBe(0);
    expect(r.backtracks).toBe(6);
  });

  it('validates the shrink factor', () => {
    expect(() =>
      backtrackingLineSearch(Float64Array.of(0), Float64Array.of(1), f, improves, {
        shrink: 1,
        maxBacktracks: 1,
      }),
    ).toThrow(/shrink/);
  });
});
