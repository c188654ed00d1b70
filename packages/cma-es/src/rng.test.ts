import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from './rng.js';

/** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

describe('Xoshiro128', () => {
  it('reproduces the xoshiro128** reference implementation (Blackman & Vigna, C code)', () => {
    // Outputs of the reference C code, compiled and run with s = {1, 2, 3, 4}.
    const rng = Xoshiro128.fromState({ s: [1, 2, 3, 4] });
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
    // And after 1000 steps from another state.
    const rng2 = Xoshiro128.fromState({ s: [0x9e3779b9, 0x7f4a7c15, 0xdeadbeef, 0x12345678] });
    for (let i = 0; i < 1000; i++) rng2.nextUint32();
    expect([rng2.nextUint32(), rng2.nextUint32()]).toEqual([341884307, 596026497]);
  });

  it('is deterministic per seed, and distinct seeds give distinct streams', () => {
    const draw = (seed: number): number[] => {
      const r = new Xoshiro128(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    const seeds = [0, 1, 2, -1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const streams = new Set(seeds.map((s) => draw(s).join(',')));
    expect(streams.size).toBe(seeds.length);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new Xoshiro128(1.5)).toThrow(TypeError);
    expect(() => new Xoshiro128(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
    expect(() => new Xoshiro128(NaN)).toThrow(/seed/);
    expect(() => new Xoshiro128('7' as unknown as number)).toThrow(/seed must be a safe integer, got string/);
  });

  it('round-trips its state through JSON and continues identically', () => {
    const a = new Xoshiro128(7);
    for (let i = 0; i < 101; i++) a.normal();
    const b = Xoshiro128.fromState(JSON.parse(JSON.stringify(a.getState())));
    const za = new Float64Array(1000);
    const zb = new Float64Array(1000);
    a.fillNormal(za);
    b.fillNormal(zb);
    expect(Array.from(zb)).toEqual(Array.from(za));
    expect(b.uniform()).toBe(a.uniform());
    expect(b.getState()).toEqual(a.getState());
    expect(() => Xoshiro128.fromState({ s: [0, 0, 0, 0] })).toThrow(/all zeros/);
    expect(() => Xoshiro128.fromState({ s: [1, 2, 3] } as never)).toThrow(/four unsigned 32-bit integers/);
  });

  it('normal() and fillNormal() produce the same stream', () => {
    const a = new Xoshiro128(3);
    const b = new Xoshiro128(3);
    const viaFill = b.fillNormal(new Float64Array(5000));
    for (let i = 0; i < 5000; i++) expect(a.normal()).toBe(viaFill[i]);
  });

  it('uniform() lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Xoshiro128(11);
    const N = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    const mean = s / N;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(s2 / N - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal() has the moments, the distribution and the tails of N(0, 1)', () => {
    const r = new Xoshiro128(2024);
    const N = 1_000_000;
    const z = r.fillNormal(new Float64Array(N));
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    let beyond2 = 0;
    let beyond35 = 0;
    let beyond4 = 0;
    for (let i = 0; i < N; i++) {
      const v = z[i] as number;
      m1 += v;
      m2 += v * v;
      m3 += v * v * v;
      m4 += v * v * v * v;
      if (Math.abs(v) > 2) beyond2++;
      if (Math.abs(v) > 3.5) beyond35++;
      if (Math.abs(v) > 4) beyond4++;
    }
    // Standard errors: mean 1/√N, E z² 2/√N·…; 5-sigma bounds.
    expect(Math.abs(m1 / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(m2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(m3 / N)).toBeLessThan(5 * Math.sqrt(15 / N));
    expect(Math.abs(m4 / N - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
    // Tail frequencies (|z| > 3.654 comes from a separate branch of the ziggurat).
    const p2 = 2 * (1 - normalCdf(2));
    const p35 = 2 * (1 - normalCdf(3.5));
    expect(Math.abs(beyond2 - N * p2)).toBeLessThan(5 * Math.sqrt(N * p2));
    expect(Math.abs(beyond35 - N * p35)).toBeLessThan(5 * Math.sqrt(N * p35));
    const p4 = 2 * (1 - normalCdf(4));
    expect(Math.abs(beyond4 - N * p4)).toBeLessThan(5 * Math.sqrt(N * p4));
    // Kolmogorov–Smirnov distance on the first 100 000 draws (critical value at α = 0.001: 1.95/√n).
    const n = 100_000;
    const sorted = Float64Array.from(z.subarray(0, n)).sort();
    let ks = 0;
    for (let i = 0; i < n; i++) {
      const F = normalCdf(sorted[i] as number);
      ks = Math.max(ks, Math.abs(F - i / n), Math.abs(F - (i + 1) / n));
    }
    expect(ks).toBeLessThan(1.95 / Math.sqrt(n));
    // Symmetry: as many negatives as positives.
    let neg = 0;
    for (let i = 0; i < N; i++) if ((z[i] as number) < 0) neg++;
    expect(Math.abs(neg - N / 2)).toBeLessThan(5 * Math.sqrt(N / 4));
  });
});
