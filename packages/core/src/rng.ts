/**
 * Seeded, splittable random numbers.
 *
 * Every random stream of a run is derived from the run seed and a purpose label
 * (`Rng.fromSeed(seed).split('env-reset')`), so adding a consumer never shifts the numbers another
 * consumer sees, and the same seed gives the same numbers whatever the worker count.
 *
 * Generator: xoshiro128** 1.0 (Blackman & Vigna), 32-bit state words so it runs at full speed on
 * JavaScript numbers. Seeding and splitting hash (state, label) with a splitmix32-style mixer.
 */
import * as libm from '@policy-arena/libm';

export interface RngState {
  readonly s: readonly [number, number, number, number];
  /** A cached second Box–Muller normal, or null. */
  readonly spareNormal: number | null;
}

function mix32(x: number): number {
  // splitmix32 finaliser (murmur3 fmix32 constants): full avalanche on 32 bits.
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function hashString(label: string, h: number): number {
  for (let i = 0; i < label.length; i++) h = mix32(h ^ label.charCodeAt(i));
  return mix32(h ^ label.length);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  private constructor(s: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = s.map((v) => v >>> 0) as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A generator from an integer seed (any safe integer; negative and large values are fine). */
  static fromSeed(seed: number, ...labels: string[]): Rng {
    if (!Number.isSafeInteger(seed))
      throw new RangeError(`Rng.fromSeed: seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    let h = mix32(lo ^ mix32(hi ^ 0x51ed270b));
    const s: [number, number, number, number] = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) s[i] = h = mix32(h + i);
    let rng = new Rng(s);
    for (const label of labels) rng = rng.split(label);
    return rng;
  }

  /** Restores a generator from `state()` output. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(state.s);
    rng.spare = state.spareNormal;
    return rng;
  }

  /** Raw xoshiro128** state, for tests against the reference implementation. */
  static fromWords(s0: number, s1: number, s2: number, s3: number): Rng {
    return new Rng([s0, s1, s2, s3]);
  }

  state(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spare };
  }

  /**
   * An independent child stream named by `label`. Depends only on this stream's current state and
   * the label; does not advance this stream.
   */
  split(label: string): Rng {
    let h = hashString(label, this.s0 ^ rotl(this.s2, 13));
    h = mix32(h ^ this.s1);
    h = mix32(h ^ rotl(this.s3, 7));
    const s: [number, number, number, number] = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) s[i] = h = mix32(h + i * 0x632be5ab);
    return new Rng(s);
  }

  /** A child stream named by an index, e.g. per episode or per environment. */
  splitIndex(label: string, index: number): Rng {
    return this.split(`${label}#${index}`);
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32)
      throw new RangeError(`Rng.int: n must be in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A non-negative 31-bit integer, used as a seed for a sub-component (an env reset, say). */
  seed31(): number {
    return this.nextUint32() >>> 1;
  }

  /** Standard normal by the polar Box–Muller method (both outputs used). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * libm.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  /** Fills `out` with standard normals. */
  normals(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}
