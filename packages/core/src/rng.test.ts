import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

// Independent xoshiro128** 1.0 on BigInt, transcribed from the reference C code.
function referenceXoshiro(seed: [number, number, number, number], count: number): number[] {
  const M = 0xffffffffn;
  const s = seed.map((v) => BigInt(v));
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((s[1]! * 5n) & M, 7n) * 9n) & M));
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

describe('Rng', () => {
  it('is xoshiro128** (matches an independent BigInt implementation)', () => {
    for (const words of [
      [1, 2, 3, 4],
      [0xdeadbeef, 0x12345678, 0xffffffff, 7],
    ] as [number, number, number, number][]) {
      const rng = Rng.fromWords(...words);
      const got = Array.from({ length: 100 }, () => rng.nextUint32());
      expect(got).toEqual(referenceXoshiro(words, 100));
    }
    expect(Rng.fromWords(1, 2, 3, 4).nextUint32()).toBe(11520); // the reference C code's first output
  });

  it('gives the same stream for the same seed and label, and different ones otherwise', () => {
    const draw = (r: Rng) => Array.from({ length: 8 }, () => r.nextUint32());
    expect(draw(Rng.fromSeed(42, 'a'))).toEqual(draw(Rng.fromSeed(42, 'a')));
    expect(draw(Rng.fromSeed(42, 'a'))).not.toEqual(draw(Rng.fromSeed(42, 'b')));
    expect(draw(Rng.fromSeed(42, 'a'))).not.toEqual(draw(Rng.fromSeed(43, 'a')));
    expect(draw(Rng.fromSeed(2 ** 40 + 1))).not.toEqual(draw(Rng.fromSeed(1)));
    expect(draw(Rng.fromSeed(-1))).not.toEqual(draw(Rng.fromSeed(1)));
  });

  it('split() does not advance the parent and depends on the parent state', () => {
    const parent = Rng.fromSeed(5);
    const before = parent.state();
    const c1 = parent.split('x').nextUint32();
    expect(parent.state()).toEqual(before);
    expect(parent.split('x').nextUint32()).toBe(c1);
    parent.nextUint32();
    expect(parent.split('x').nextUint32()).not.toBe(c1);
    expect(Rng.fromSeed(5).splitIndex('ep', 1).nextUint32()).not.toBe(
      Rng.fromSeed(5).splitIndex('ep', 2).nextUint32(),
    );
  });

  it('round-trips its state, including a cached normal', () => {
    const a = Rng.fromSeed(9);
    a.normal(); // leaves a spare normal cached
    const b = Rng.fromState(JSON.parse(JSON.stringify(a.state())));
    for (let i = 0; i < 10; i++) expect(b.normal()).toBe(a.normal());
  });

  it('draws uniforms in [0,1) and standard normals with the right moments', () => {
    const rng = Rng.fromSeed(3);
    const n = 200_000;
    let su = 0,
      sn = 0,
      sn2 = 0,
      sn4 = 0,
      minU = 1,
      maxU = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      su += u;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      const z = rng.normal();
      sn += z;
      sn2 += z * z;
      sn4 += z ** 4;
    }
    expect(minU).toBeGreaterThanOrEqual(0);
    expect(maxU).toBeLessThan(1);
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.005); // 0.29/sqrt(n) ≈ 6.5e-4
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.015);
    expect(Math.abs(sn4 / n - 3)).toBeLessThan(0.1);
  });

  it('int(n) is unbiased and permutation() is a permutation', () => {
    const rng = Rng.fromSeed(11);
    const counts = new Array(3).fill(0);
    for (let i = 0; i < 30_000; i++) counts[rng.int(3)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const p = Array.from(rng.permutation(50)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => rng.int(0)).toThrow(/n must be/);
    expect(() => Rng.fromSeed(1.5)).toThrow(/safe integer/);
  });
});
