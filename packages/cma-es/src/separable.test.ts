/**
 * sep-CMA-ES (covariance: 'diagonal'): the large-n separable case it is meant for, plus small-n
 * sanity bounds.
 */
import { describe, expect, it } from 'vitest';
import { CmaEs } from './cma-es.js';
import { ellipsoid, sphere } from './functions.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[(s.length - 1) / 2]!;
}

describe('sep-CMA-ES', () => {
  it('solves the separable ellipsoid (cond 1e6) in n = 1000 to f < 1e-8 within 5e5 evaluations', () => {
    // Budget: sep-CMA needs ≈ 1.05e5 evaluations for the *sphere* in n = 1000 from the same start
    // (x0 = 1, σ0 = 1), and about 4× that on the ellipsoid, where the variances must be learned over
    // six orders of magnitude at c_μ ≈ 3.2e-3 per generation. Measured: 4.07e5 for this seed,
    // 4.0e5–4.3e5 for seeds 1–3. 5e5 leaves ≈ 20 % slack; full CMA-ES (learning rates ~2/n² instead of
    // ~2/(3n), and an n³ eigendecomposition) could not do it in any comparable budget.
    const n = 1000;
    const coef = Float64Array.from({ length: n }, (_, i) => 10 ** ((6 * i) / (n - 1)));
    const f = (x: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < n; i++) s += coef[i]! * x[i]! * x[i]!;
      return s;
    };
    const es = new CmaEs({
      x0: new Float64Array(n).fill(1),
      sigma0: 1,
      seed: 1,
      covariance: 'diagonal',
      fTarget: 1e-8,
      maxEvals: 5e5,
    });
    const t0 = performance.now();
    while (!es.stop()) {
      const xs = es.ask();
      es.tell(
        xs,
        xs.map((x) => f(x)),
      );
    }
    console.log(
      `[cma-es] sep-CMA n=${n} ellipsoid: ${es.evaluations} evaluations, f=${es.best!.f.toExponential(2)}, ` +
        `cond(C)=${es.conditionNumber.toExponential(2)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    expect(es.stopReasons).toEqual(['fTarget']);
    expect(es.best!.f).toBeLessThan(1e-8);
    expect(es.evaluations).toBeLessThanOrEqual(5e5);
    expect(es.eigenUpdates).toBe(0);
    // The learned variances follow the ellipsoid's scaling: cond(C) ≈ 1e6.
    expect(es.conditionNumber).toBeGreaterThan(1e5);
    expect(es.conditionNumber).toBeLessThan(1e7);
  });

  it('matches the reference sep-CMA medians in n = 10 (sphere 1460, ellipsoid 2690) within 15 %', () => {
    // Reference: medians of an independent JS sep-CMA port over 11 seeds (f < 1e-10): the README's
    // "Measured agreement with purecma 3.0.0".
    const cases: [string, (x: Float64Array) => number, number][] = [
      ['sphere', (x) => sphere(x), 1460],
      ['ellipsoid', (x) => ellipsoid(x), 2690],
    ];
    for (const [name, f, ref] of cases) {
      const evals: number[] = [];
      for (let seed = 1; seed <= 11; seed++) {
        const es = new CmaEs({
          x0: new Array(10).fill(1),
          sigma0: 1,
          seed,
          covariance: 'diagonal',
          fTarget: 1e-10,
        });
        while (!es.stop()) {
          const xs = es.ask();
          es.tell(
            xs,
            xs.map((x) => f(x)),
          );
        }
        evals.push(es.best!.f < 1e-10 ? es.evaluations : Infinity);
      }
      const m = median(evals);
      console.log(`[cma-es] sep-CMA n=10 ${name}: median ${m} (reference ${ref})`);
      expect(Math.abs(m - ref) / ref).toBeLessThan(0.15);
    }
  });

  it("pycma's doctest bound: ellipsoid in 3-D with a diagonal C reaches 1e-6 in < 2000 evaluations", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const es = new CmaEs({ x0: [1, 1, 1], sigma0: 1, seed, covariance: 'diagonal', fTarget: 1e-6 });
      while (!es.stop()) {
        const xs = es.ask();
        es.tell(
          xs,
          xs.map((x) => ellipsoid(x)),
        );
      }
      expect(es.stopReasons).toContain('fTarget');
      expect(es.evaluations).toBeLessThan(2000);
    }
  });
});
