import { describe, expect, it } from 'vitest';
import { CmaEs } from './cma-es.js';
import { minimize } from './minimize.js';
import { strategyParameters } from './parameters.js';
import type { CmaEsOptions, CmaEsState } from './types.js';
import { ellipsoid, rosenbrock, sphere } from './functions.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** Bytes of a Float64Array, for bitwise comparisons (also tells 0 from −0 and NaN payloads apart). */
const bytes = (x: Float64Array): number[] => Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));

/** Runs `generations` ask/tell cycles and records every sampled population and σ, bitwise. */
function trace(es: CmaEs, f: (x: Float64Array) => number, generations: number): string[] {
  const out: string[] = [];
  for (let g = 0; g < generations; g++) {
    const xs = es.ask();
    out.push(xs.map((x) => bytes(x).join('.')).join('|'));
    es.tell(
      xs,
      xs.map((x) => f(x)),
    );
    out.push(bytes(Float64Array.of(es.sigma)).join('.'));
  }
  return out;
}

describe('strategyParameters', () => {
  it("equals purecma 3.0.0's CMAESParameters (values printed by purecma.py)", () => {
    // repr() of purecma's lam, mu, mueff, cc, cs, c1, cmu, damps, lazy_gap_evals.
    const purecma: Record<number, number[]> = {
      1: [
        4, 2, 1.4597898888525862, 0.6894039888609658, 0.46379186818956736, 0.2963055195692892,
        0.027690800889192065, 1.4936868126158604, 6.1729096094975295,
      ],
      2: [
        6, 3, 2.0286114646100617, 0.6245545390268264, 0.44620498737831715, 0.1548153998964136,
        0.057859085071916304, 1.4224088089150044, 7.053032244198782,
      ],
      6: [
        9, 4, 2.8406104297170542, 0.40864968827481546, 0.349739663167155, 0.03563118207139872,
        0.03568631199675213, 1.2809864253265004, 10.516353803504389,
      ],
      10: [
        10, 5, 3.1672992814107035, 0.29499038303562225, 0.2844285879463675, 0.015283824524751714,
        0.02015428276120839, 1.2178884442285083, 14.109105657516036,
      ],
      364: [
        21, 10, 6.195685647706559, 0.01091480855979921, 0.021843763031438406, 1.49868543909389e-5,
        6.504952030912567e-5, 0.9119090628130154, 360.41304911990943,
      ],
      4806: [
        29, 14, 8.363702568145651, 0.000831962030569991, 0.002150429643362055, 8.654209177811646e-8,
        5.609121110410359e-7, 0.8789575033085795, 4659.884811449406,
      ],
    };
    for (const [nStr, ref] of Object.entries(purecma)) {
      const p = strategyParameters(Number(nStr));
      const got = [p.lambda, p.mu, p.mueff, p.cc, p.cs, p.c1, p.cmu, p.damps, p.lazyGapEvals];
      got.forEach((v, i) => expect(rel(v, ref[i]!)).toBeLessThan(1e-14));
    }
    const w10 = [
      0.45627264690340597, 0.2707530970017852, 0.16223111715866978, 0.08523354710016448, 0.025509591835974777,
    ];
    strategyParameters(10).weights.forEach((w, i) => expect(rel(w, w10[i]!)).toBeLessThan(1e-15));
  });

  it("gives purecmaes.m's gap (1/5 of purecma's) and sep-CMA's (n+2)/3 learning rates", () => {
    const full = strategyParameters(364);
    const m = strategyParameters(364, undefined, 'full', 'purecmaes');
    expect(rel(m.lazyGapEvals, full.lazyGapEvals / 5)).toBeLessThan(1e-14);
    expect(m.lazyGapEvals / m.lambda).toBeCloseTo(3.4, 1); // generations: purecmaes.m's gap at n = 364
    expect(full.lazyGapEvals / full.lambda).toBeCloseTo(17.2, 1);
    const sep = strategyParameters(364, undefined, 'diagonal');
    expect(rel(sep.c1, (full.c1 * 366) / 3)).toBeLessThan(1e-15);
    expect(rel(sep.cmu, (full.cmu * 366) / 3)).toBeLessThan(1e-14);
    expect(sep.c1 + sep.cmu).toBeLessThanOrEqual(1);
    // Tiny n: c_μ is capped at 1 − c₁.
    const sep1 = strategyParameters(1, 40, 'diagonal');
    expect(sep1.cmu).toBeLessThanOrEqual(1 - sep1.c1);
  });
});

describe('CmaEs ask/tell', () => {
  it('minimizes a sphere and exposes mean, sigma, counters and best', () => {
    const es = new CmaEs({ x0: [1, 2, 3, 4], sigma0: 0.5, seed: 1 });
    expect(es.dimension).toBe(4);
    expect(es.popsize).toBe(8);
    expect(es.stop()).toBeNull();
    expect(es.best).toBeNull();
    let lastBest = Infinity;
    while (!es.stop()) {
      const xs = es.ask();
      expect(xs).toHaveLength(8);
      es.tell(
        xs,
        xs.map((x) => sphere(x)),
      );
      expect(es.best!.f).toBeLessThanOrEqual(lastBest);
      lastBest = es.best!.f;
    }
    expect(es.stopReasons.some((r) => r === 'tolFun' || r === 'tolX')).toBe(true);
    expect(es.best!.f).toBeLessThan(1e-12);
    expect(sphere(es.mean)).toBeLessThan(1e-12);
    expect(es.evaluations).toBe(8 * es.generation);
    expect(es.best!.evals).toBeLessThanOrEqual(es.evaluations);
    expect(es.best!.x).toHaveLength(4);
    expect(sphere(es.best!.x)).toBe(es.best!.f);
  });

  it('handles the edge cases n = 1, popsize = 2 and a large popsize, for both models', () => {
    for (const covariance of ['full', 'diagonal'] as const) {
      for (const [x0, popsize] of [
        [[3], undefined],
        [[3], 2],
        [[1, -2, 0.5], 2],
        [[1, -2, 0.5], 50],
      ] as const) {
        const r = minimize((x) => sphere(x), x0, 1, { seed: 1, covariance, popsize, fTarget: 1e-10 });
        expect(r.stopReasons).toContain('fTarget');
      }
    }
  });

  it('minimize() solves Rosenbrock and reports why it stopped', () => {
    const r = minimize(rosenbrock, [0, 0, 0, 0, 0], 0.5, { seed: 3, fTarget: 1e-12 });
    expect(r.stopReasons).toContain('fTarget');
    expect(r.f).toBeLessThanOrEqual(1e-12);
    expect(r.x.every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
    expect(r.evaluations).toBe(r.es.evaluations);
  });

  it('accepts repaired or injected solutions and ±Infinity fitness', () => {
    const es = new CmaEs({ x0: [0, 0, 0], sigma0: 1, seed: 5, maxGenerations: 60 });
    while (!es.stop()) {
      // Box [-2, 2]^3 by clipping, and an infeasible region reported as Infinity.
      const xs = es.ask().map((x) => x.map((v) => Math.min(2, Math.max(-2, v))));
      es.tell(
        xs,
        xs.map((x) => (x[0]! > 1.5 ? Infinity : sphere(x.map((v) => v - 1)))),
      );
    }
    expect(es.stopReasons).toEqual(['maxGenerations']);
    expect(sphere(es.mean.map((v) => v - 1))).toBeLessThan(1e-6);
    const all = new CmaEs({ x0: [0], sigma0: 1, seed: 1 });
    all.tell(all.ask(), [Infinity, Infinity, Infinity, Infinity]);
    expect(all.best!.f).toBe(Infinity);
    expect(() => all.ask()).not.toThrow();
  });

  it('keeps sigma within [minSigma, maxSigma]', () => {
    // A linear function drives σ up without bound; maxSigma caps it.
    const up = new CmaEs({ x0: [0, 0], sigma0: 0.1, seed: 2, maxSigma: 0.5, maxGenerations: 100 });
    let maxSeen = 0;
    while (!up.stop()) {
      const xs = up.ask();
      up.tell(
        xs,
        xs.map((x) => x[0]!),
      );
      maxSeen = Math.max(maxSeen, up.sigma);
    }
    expect(maxSeen).toBe(0.5);
    // On the sphere σ shrinks; minSigma floors it (and tolX still stops eventually? no: σ stays ≥ 1e-3).
    const down = new CmaEs({ x0: [1, 1], sigma0: 1, seed: 2, minSigma: 1e-3, maxGenerations: 300 });
    let minSeen = Infinity;
    while (!down.stop()) {
      const xs = down.ask();
      down.tell(
        xs,
        xs.map((x) => sphere(x)),
      );
      minSeen = Math.min(minSeen, down.sigma);
    }
    expect(minSeen).toBe(1e-3);
  });

  it('stops on maxEvals, maxGenerations, fTarget, tolX and conditionNumber', () => {
    const run = (opts: Partial<CmaEsOptions>, f: (x: Float64Array) => number, n = 5) => {
      const es = new CmaEs({ x0: new Array(n).fill(1), sigma0: 1, seed: 9, ...opts });
      while (!es.stop()) {
        const xs = es.ask();
        es.tell(
          xs,
          xs.map((x) => f(x)),
        );
      }
      return es;
    };
    const a = run({ maxEvals: 100 }, sphere);
    expect(a.stopReasons).toEqual(['maxEvals']);
    expect(a.evaluations).toBeGreaterThanOrEqual(100);
    expect(a.evaluations - 100).toBeLessThan(a.popsize);
    expect(run({ maxGenerations: 7 }, sphere).generation).toBe(7);
    const t = run({ fTarget: 1e-3 }, sphere);
    expect(t.stopReasons).toEqual(['fTarget']);
    expect(t.best!.f).toBeLessThanOrEqual(1e-3);
    const x = run({ tolFun: 0, tolX: 1e-6 }, sphere);
    expect(x.stopReasons).toEqual(['tolX']);
    // The ellipsoid needs cond(C) ≈ 1e6; a limit of 1e3 must trigger first.
    const c = run({ maxConditionNumber: 1e3 }, (v) => ellipsoid(v));
    expect(c.stopReasons).toContain('conditionNumber');
    expect(c.conditionNumber).toBeGreaterThan(1e3);
    expect(c.best!.f).toBeGreaterThan(1e-10);
  });

  it('decomposes C lazily, when evaluations > last decomposition + gap (purecma, purecmaes.m, number)', () => {
    const n = 80;
    const generations = 100;
    const count = (lazyGap: 'purecma' | 'purecmaes' | number) => {
      const es = new CmaEs({
        x0: new Array(n).fill(1),
        sigma0: 1,
        seed: 4,
        lazyGap,
        maxGenerations: generations,
      });
      while (!es.stop()) {
        const xs = es.ask();
        es.tell(
          xs,
          xs.map((v) => ellipsoid(v)),
        );
      }
      return es.eigenUpdates;
    };
    const expected = (gap: number, lambda: number) => {
      let last = 0;
      let c = 0;
      for (let g = 0; g < generations; g++) {
        if (g * lambda > last + gap) {
          c++;
          last = g * lambda;
        }
      }
      return c;
    };
    const p = strategyParameters(n);
    const m = strategyParameters(n, undefined, 'full', 'purecmaes');
    expect(p.lazyGapEvals / p.lambda).toBeGreaterThan(4); // so that the two rules differ here
    const [pc, mc] = [count('purecma'), count('purecmaes')];
    expect(pc).toBe(expected(p.lazyGapEvals, p.lambda));
    expect(mc).toBe(expected(m.lazyGapEvals, m.lambda));
    expect(mc).toBeGreaterThan(2.5 * pc);
    expect(count(0)).toBe(generations - 1); // before every generation but the first
  });

  it('exposes C, the stds and the condition number consistently', () => {
    for (const covariance of ['full', 'diagonal'] as const) {
      const es = new CmaEs({ x0: [1, 1, 1], sigma0: 2, seed: 8, covariance, lazyGap: 0 });
      for (let g = 0; g < 30; g++) {
        const xs = es.ask();
        es.tell(
          xs,
          xs.map((v) => ellipsoid(v, 1e4)),
        );
      }
      const C = es.covarianceMatrix();
      const stds = es.stds;
      for (let i = 0; i < 3; i++) {
        expect(stds[i]).toBeCloseTo(es.sigma * Math.sqrt(C[i * 3 + i]!), 15);
        for (let j = 0; j < 3; j++) expect(C[i * 3 + j]).toBe(C[j * 3 + i]);
      }
      if (covariance === 'diagonal') {
        expect(C[1]).toBe(0);
        expect(es.eigenUpdates).toBe(0);
      }
      expect(es.conditionNumber).toBeGreaterThan(1);
    }
  });
});

describe('reproducibility', () => {
  const f = (x: Float64Array): number => rosenbrock(x);

  for (const covariance of ['full', 'diagonal'] as const) {
    it(`same seed ⇒ bitwise identical runs, different seeds differ (${covariance})`, () => {
      const make = (seed: number) => new CmaEs({ x0: [0, 0, 0, 0, 0, 0], sigma0: 0.5, seed, covariance });
      const a = trace(make(123), f, 60);
      const b = trace(make(123), f, 60);
      const c = trace(make(124), f, 60);
      expect(b).toEqual(a);
      expect(c[0]).not.toEqual(a[0]);
      expect(c.filter((v, i) => v === a[i]).length).toBe(0);
    });

    it(`state() → JSON → fromState() continues bitwise identically (${covariance})`, () => {
      // Cross several lazy eigendecompositions, and snapshot both after tell and between ask and tell.
      const original = new CmaEs({ x0: [0, 0, 0, 0, 0, 0], sigma0: 0.5, seed: 77, covariance, maxSigma: 3 });
      trace(original, f, 23);
      const snapshot: CmaEsState = JSON.parse(JSON.stringify(original.state()));
      expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
      const restored = CmaEs.fromState(snapshot);
      expect(restored.generation).toBe(original.generation);
      expect(bytes(restored.mean)).toEqual(bytes(original.mean));
      expect(trace(restored, f, 40)).toEqual(trace(original, f, 40));
      expect(JSON.stringify(restored.state())).toEqual(JSON.stringify(original.state()));
      expect(restored.best).toEqual(original.best);

      // Pending ask: the restored copy accepts tell() for the population drawn before the snapshot.
      const xs = original.ask();
      const pending = CmaEs.fromState(JSON.parse(JSON.stringify(original.state())));
      const fx = xs.map((x) => f(x));
      original.tell(xs, fx);
      pending.tell(xs, fx);
      expect(trace(pending, f, 15)).toEqual(trace(original, f, 15));
      expect(JSON.stringify(pending.state())).toEqual(JSON.stringify(original.state()));
    });
  }

  it('state() survives values JSON cannot carry (−0, Infinity) and rejects foreign objects', () => {
    const es = new CmaEs({ x0: [-0, 0], sigma0: 1, seed: 1, fTarget: -Infinity });
    const s0 = JSON.parse(JSON.stringify(es.state()));
    expect(Object.is(CmaEs.fromState(s0).mean[0], -0)).toBe(true);
    es.tell(es.ask(), new Array(es.popsize).fill(Infinity));
    const s1 = JSON.parse(JSON.stringify(es.state()));
    const back = CmaEs.fromState(s1);
    expect(back.best!.f).toBe(Infinity);
    expect(back.stop()).toBeNull();
    expect(() => CmaEs.fromState({} as CmaEsState)).toThrow(/format 'policy-arena\/cma-es' and version 1/);
    expect(() => CmaEs.fromState({ ...s1, mean: 'AAAA' })).toThrow(
      /state.mean must be base64 of 2 float64 values/,
    );
  });
});

describe('argument errors', () => {
  const ok: CmaEsOptions = { x0: [1, 2, 3], sigma0: 1, seed: 1 };

  it('rejects an empty or non-array x0', () => {
    expect(() => new CmaEs({ ...ok, x0: [] })).toThrow(RangeError);
    expect(() => new CmaEs({ ...ok, x0: [] })).toThrow(/x0 must be non-empty .*got an array of length 0/);
    expect(() => new CmaEs({ ...ok, x0: new Float64Array(0) })).toThrow(/x0 must be non-empty/);
    expect(() => new CmaEs({ ...ok, x0: 3 as never })).toThrow(TypeError);
    expect(() => new CmaEs({ ...ok, x0: 3 as never })).toThrow(
      /x0 must be an array or typed array of numbers, got 3/,
    );
  });

  it('rejects a non-finite x0 entry, naming the index', () => {
    expect(() => new CmaEs({ ...ok, x0: [1, NaN, 3] })).toThrow(RangeError);
    expect(() => new CmaEs({ ...ok, x0: [1, NaN, 3] })).toThrow(/x0\[1\] must be a finite number, got NaN/);
    expect(() => new CmaEs({ ...ok, x0: [1, 2, Infinity] })).toThrow(
      /x0\[2\] must be a finite number, got Infinity/,
    );
    expect(() => new CmaEs({ ...ok, x0: [1, '2', 3] as never })).toThrow(TypeError);
  });

  it('rejects sigma0 ≤ 0 or non-finite', () => {
    for (const bad of [0, -1, NaN, Infinity]) {
      expect(() => new CmaEs({ ...ok, sigma0: bad })).toThrow(RangeError);
      expect(() => new CmaEs({ ...ok, sigma0: bad })).toThrow(
        new RegExp(`sigma0 must be a finite number > 0, got ${String(bad)}`),
      );
    }
    expect(() => new CmaEs({ ...ok, sigma0: '1' as never })).toThrow(TypeError);
    expect(() => new CmaEs({ ...ok, sigma0: undefined as never })).toThrow(/sigma0 .* got undefined/);
    expect(() => new CmaEs({ ...ok, sigma0: 5, maxSigma: 2 })).toThrow(
      /sigma0 must lie within \[minSigma, maxSigma\]/,
    );
  });

  it('rejects popsize < 2 or fractional', () => {
    for (const bad of [1, 0, -4, 2.5]) {
      expect(() => new CmaEs({ ...ok, popsize: bad })).toThrow(RangeError);
      expect(() => new CmaEs({ ...ok, popsize: bad })).toThrow(
        new RegExp(`popsize must be an integer ≥ 2, got ${bad}`),
      );
    }
    expect(new CmaEs({ ...ok, popsize: 2 }).params.mu).toBe(1);
  });

  it('rejects bad seeds and other options by name', () => {
    expect(() => new CmaEs({ ...ok, seed: 0.5 })).toThrow(/seed must be a safe integer, got 0.5/);
    expect(() => new CmaEs({ ...ok, seed: undefined as never })).toThrow(/seed .* got undefined/);
    expect(() => new CmaEs({ ...ok, covariance: 'sparse' as never })).toThrow(
      /covariance must be 'full' or 'diagonal', got the string "sparse"/,
    );
    expect(() => new CmaEs({ ...ok, lazyGap: -1 })).toThrow(/lazyGap must be/);
    expect(() => new CmaEs({ ...ok, tolX: -1 })).toThrow(/tolX must be a number ≥ 0, got -1/);
    expect(() => new CmaEs({ ...ok, maxConditionNumber: NaN })).toThrow(/maxConditionNumber/);
    expect(() => new CmaEs(null as never)).toThrow(/options must be an object/);
  });

  it('rejects tell() before ask(), and a second tell() for one ask()', () => {
    const es = new CmaEs(ok);
    const fit = new Array(es.popsize).fill(0);
    expect(() => es.tell([], fit)).toThrow(/tell\(\) called before ask\(\)/);
    const xs = es.ask();
    es.tell(
      xs,
      xs.map((x) => sphere(x)),
    );
    expect(() => es.tell(xs, fit)).toThrow(/tell\(\) called before ask\(\)/);
  });

  it('rejects tell() with the wrong number of solutions or fitnesses', () => {
    const es = new CmaEs(ok);
    const xs = es.ask();
    const fit = xs.map((x) => sphere(x));
    expect(() => es.tell(xs.slice(1), fit)).toThrow(RangeError);
    expect(() => es.tell(xs.slice(1), fit)).toThrow(
      new RegExp(
        `solutions must hold popsize = ${es.popsize} vectors, got an array of length ${es.popsize - 1}`,
      ),
    );
    expect(() => es.tell(xs, fit.slice(2))).toThrow(
      /fitnesses must hold popsize = 7 numbers, got an array of length 5/,
    );
    expect(() => es.tell([...xs.slice(1), new Float64Array(2)], fit)).toThrow(
      /solutions\[6\] must have length n = 3/,
    );
    // Nothing was consumed: a correct tell still works.
    es.tell(xs, fit);
    expect(es.generation).toBe(1);
  });

  it('rejects a NaN fitness or a non-finite solution entry, naming the index', () => {
    const es = new CmaEs(ok);
    const xs = es.ask();
    const fit = xs.map((x) => sphere(x));
    fit[3] = NaN;
    expect(() => es.tell(xs, fit)).toThrow(RangeError);
    expect(() => es.tell(xs, fit)).toThrow(/fitnesses\[3\] must not be NaN .*got NaN/);
    const fit2 = xs.map((x) => sphere(x));
    const bad = xs.map((x) => x.slice());
    bad[2]![1] = NaN;
    expect(() => es.tell(bad, fit2)).toThrow(/solutions\[2\]\[1\] must be a finite number, got NaN/);
    expect(() => es.tell(xs, fit2.map(String) as never)).toThrow(TypeError);
    expect(() => minimize(() => NaN, [1, 2], 1, { seed: 1 })).toThrow(/fitnesses\[0\] must not be NaN/);
  });
});
