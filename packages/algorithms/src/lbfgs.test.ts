import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from './lbfgs.js';

describe('minimizeLbfgs', () => {
  it('minimizes the 2-D Rosenbrock function to (1, 1)', () => {
    const r = minimizeLbfgs(
      (x) => {
        const [a, b] = [x[0]!, x[1]!];
        return {
          value: 100 * (b - a * a) ** 2 + (1 - a) ** 2,
          gradient: Float64Array.from([-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)]),
        };
      },
      Float64Array.from([-1.2, 1]),
      { maxIterations: 500 },
    );
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.reason).not.toBe('iterations');
  });

  it('solves an ill-conditioned quadratic (condition 1e6) to its exact minimizer', () => {
    const n = 10;
    const scale = Float64Array.from({ length: n }, (_, i) => 10 ** ((6 * i) / (n - 1)));
    const target = Float64Array.from({ length: n }, (_, i) => i - 4.5);
    const r = minimizeLbfgs(
      (x) => {
        let value = 0;
        const gradient = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const d = x[i]! - target[i]!;
          value += 0.5 * scale[i]! * d * d;
          gradient[i] = scale[i]! * d;
        }
        return { value, gradient };
      },
      new Float64Array(n),
      { maxIterations: 1000, gradientTolerance: 1e-9, valueTolerance: 0 },
    );
    for (let i = 0; i < n; i++) expect(r.x[i]).toBeCloseTo(target[i]!, 6);
  });

  it('never increases the objective and stops at maxIterations', () => {
    let calls = 0;
    const r = minimizeLbfgs(
      (x) => {
        calls++;
        return {
          value: Math.cosh(x[0]!) + x[1]! ** 4,
          gradient: Float64Array.from([Math.sinh(x[0]!), 4 * x[1]! ** 3]),
        };
      },
      Float64Array.from([3, 2]),
      { maxIterations: 3 },
    );
    expect(r.iterations).toBe(3);
    expect(r.evaluations).toBe(calls);
    expect(r.value).toBeLessThan(Math.cosh(3) + 16);
  });
});
