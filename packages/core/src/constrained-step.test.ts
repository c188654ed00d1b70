/**
 * The generic constrained step against closed forms on problems with no policy in them: a linear
 * objective under a quadratic constraint (whose maximizer is known exactly), the fixed-penalty
 * step α(A + λI)⁻¹g, a supplied curvature, backtracking on a curved objective, and rejection.
 */
import { describe, expect, it } from 'vitest';
import { constrainedStep } from './constrained-step.js';
import type { ConstrainedProblem, ObjectiveAndConstraint, StepRule } from './constrained-step.js';

// A symmetric positive-definite metric and a gradient, in 3 dimensions.
const A = [
  [4, 1, 0.5],
  [1, 3, 0.2],
  [0.5, 0.2, 2],
];
const g = Float64Array.of(1, -2, 0.5);
const x0 = Float64Array.of(0.3, -0.1, 0.2);
const times = (M: number[][], v: Float64Array) =>
  Float64Array.from(M, (row) => row.reduce((s, a, j) => s + a * v[j]!, 0));
const dotp = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
/** (M)⁻¹v by Gaussian elimination in float64: an independent solve. */
function solve(M: number[][], v: Float64Array): Float64Array {
  const n = v.length;
  const a = M.map((row, i) => [...row, v[i]!]);
  for (let c = 0; c < n; c++) {
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/** f(x) = gᵀ(x − x₀) − curvatureOfF·‖x − x₀‖⁴, c(x) = ½(x − x₀)ᵀA(x − x₀). */
function problem(curvatureOfF = 0): ConstrainedProblem<ObjectiveAndConstraint> & { evaluations: number } {
  const p = {
    evaluations: 0,
    gradient: () => Float64Array.from(g),
    metricProduct: (v: Float64Array) => times(A, v),
    evaluate(x: Float64Array) {
      p.evaluations++;
      const d = Float64Array.from(x, (v, i) => v - x0[i]!);
      return {
        objective: dotp(g, d) - curvatureOfF * dotp(d, d) ** 2,
        constraint: 0.5 * dotp(d, times(A, d)),
      };
    },
    start: () => ({ objective: 0, constraint: 0 }),
  };
  return p;
}

const exactDirection = { cgIterations: 3, cgDamping: 0 }; // 3 CG iterations are exact in 3 dimensions
const lineSearch = (bound: number, maxBacktracks = 10): StepRule => ({
  kind: 'line-search',
  bound,
  backtrackRatio: 0.5,
  maxBacktracks,
  acceptRatio: 0,
});

describe('constrainedStep', () => {
  it('maximizes a linear objective under a quadratic constraint: Δ = sqrt(2δ / gᵀA⁻¹g)·A⁻¹g', () => {
    const delta = 0.01;
    const s = solve(A, g);
    const expected = Float64Array.from(s, (v) => Math.sqrt((2 * delta) / dotp(g, s)) * v);
    const step = constrainedStep(x0, problem(), exactDirection, lineSearch(delta * (1 + 1e-12)));
    expect(step.accepted).toBe(true);
    expect(step.backtracks).toBe(0);
    step.x.forEach((v, i) => expect(v - x0[i]!).toBeCloseTo(expected[i]!, 12));
    expect(step.evaluation.constraint).toBeCloseTo(delta, 12);
    expect(step.expectedImprovement).toBeCloseTo(dotp(g, expected), 12);
    expect(step.gradientNorm).toBeCloseTo(Math.sqrt(dotp(g, g)), 14);
    expect(step.cgResidual).toBeLessThan(1e-10);
  });

  it('takes Δ = α(A + λI)⁻¹g as is under a fixed penalty, evaluating only the end point', () => {
    const lambda = 0.3;
    const damped = A.map((row, i) => row.map((a, j) => a + (i === j ? lambda : 0)));
    const expected = Float64Array.from(solve(damped, g), (v) => 0.7 * v);
    const p = problem(100); // a curved objective: a fixed penalty does not care
    const step = constrainedStep(
      x0,
      p,
      { cgIterations: 3, cgDamping: lambda },
      { kind: 'fixed-penalty', coefficient: 0.7 },
    );
    step.x.forEach((v, i) => expect(v - x0[i]!).toBeCloseTo(expected[i]!, 12));
    expect(step.stepNorm).toBeCloseTo(Math.sqrt(dotp(expected, expected)), 12);
    expect(p.evaluations).toBe(1);
    expect(step.accepted).toBe(true);
  });

  it("uses a problem's own curvature for the maximal step", () => {
    const delta = 0.01;
    const quadrupled = problem();
    const step = constrainedStep(
      x0,
      { ...quadrupled, curvature: (s) => 4 * dotp(s, times(A, s)) },
      exactDirection,
      lineSearch(delta),
    );
    const full = constrainedStep(x0, problem(), exactDirection, lineSearch(delta * (1 + 1e-12)));
    // κ four times larger ⇒ β half as large; the quadratic constraint then holds at δ/4.
    step.x.forEach((v, i) => expect(v - x0[i]!).toBeCloseTo((full.x[i]! - x0[i]!) / 2, 12));
    expect(step.evaluation.constraint).toBeCloseTo(delta / 4, 12);
  });

  it('backtracks until a curved objective improves, and keeps x₀ when nothing does', () => {
    const delta = 0.5;
    const curved = constrainedStep(x0, problem(30), exactDirection, lineSearch(delta));
    expect(curved.accepted).toBe(true);
    expect(curved.backtracks).toBeGreaterThan(0);
    expect(curved.stepFraction).toBe(0.5 ** curved.backtracks);
    expect(curved.evaluation.objective).toBeGreaterThan(0);
    // One shrink fewer would not have improved f.
    const bigger = problem(30).evaluate(Float64Array.from(curved.x, (v, i) => x0[i]! + 2 * (v - x0[i]!)));
    expect(bigger.objective).toBeLessThanOrEqual(0);

    const rejected = constrainedStep(x0, problem(1e6), exactDirection, lineSearch(delta, 2));
    expect(rejected.accepted).toBe(false);
    expect(Array.from(rejected.x)).toEqual(Array.from(x0));
    expect(rejected.evaluation).toEqual({ objective: 0, constraint: 0 });
    expect(rejected.stepFraction).toBe(0);
    expect(rejected.backtracks).toBe(3);
    expect(rejected.expectedImprovement).toBe(0);
    expect(rejected.stepNorm).toBe(0);
  });
});
