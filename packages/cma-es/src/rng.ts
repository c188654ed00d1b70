/**
 * A small, self-contained, seedable pseudo-random number generator: xoshiro128** (Blackman & Vigna
 * 2018) for 32-bit words, 53-bit uniform doubles from two words, and standard normal variates from
 * the ziggurat method (Marsaglia & Tsang 2000, 256 layers) in Doornik's (2005) form, which takes the
 * layer index and the 52-bit signed uniform from separate random bits. The whole state is four 32-bit
 * words, exposed as a plain object so that a generator can be saved and resumed bit for bit.
 *
 * @packageDocumentation
 */
import * as libm from '@policy-arena/libm';

/** Plain, JSON-serializable state of an {@link Xoshiro128}. */
export interface RngState {
  /** The four 32-bit state words of xoshiro128**, as unsigned integers. */
  s: [number, number, number, number];
}

const TWO_POW_32 = 4294967296;
const TWO_POW_26 = 67108864;
const TWO_POW_28 = 268435456;
const TWO_POW_M52 = 2 ** -52;
const TWO_POW_M53 = 2 ** -53;

// Ziggurat tables: 256 layers of equal area V under f(x) = exp(−x²/2) (Marsaglia & Tsang 2000).
// Layer 0 is the base strip plus the tail beyond R, given the pseudo-width V/f(R); layer i ≥ 1 spans
// x ∈ [0, X[i]] and y ∈ [F[i], F[i+1]]. A point with |x| < X[i+1] lies under the curve for sure.
const ZIG_LAYERS = 256;
const ZIG_R = 3.6541528853610088;
const ZIG_V = 4.92867323399e-3;
const ZIG_X = new Float64Array(ZIG_LAYERS + 1);
const ZIG_F = new Float64Array(ZIG_LAYERS + 1);
const ZIG_RATIO = new Float64Array(ZIG_LAYERS);
{
  let f = libm.exp(-0.5 * ZIG_R * ZIG_R);
  ZIG_X[0] = ZIG_V / f;
  ZIG_X[1] = ZIG_R;
  ZIG_F[1] = f;
  for (let i = 2; i < ZIG_LAYERS; i++) {
    const x = Math.sqrt(-2 * libm.log(ZIG_V / (ZIG_X[i - 1] as number) + f));
    f = libm.exp(-0.5 * x * x);
    ZIG_X[i] = x;
    ZIG_F[i] = f;
  }
  ZIG_X[ZIG_LAYERS] = 0;
  ZIG_F[ZIG_LAYERS] = 1;
  for (let i = 0; i < ZIG_LAYERS; i++) ZIG_RATIO[i] = (ZIG_X[i + 1] as number) / (ZIG_X[i] as number);
}

/** Murmur3's 32-bit finalizer: a bijection on 32-bit words with good avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * xoshiro128** generator with uniform and standard-normal draws.
 *
 * @example
 * ```ts
 * const rng = new Xoshiro128(42);
 * const u = rng.uniform(); // in [0, 1)
 * const z = rng.normal(); // N(0, 1)
 * const zs = rng.fillNormal(new Float64Array(1000)); // 1000 more, faster than 1000 calls
 * ```
 */
export class Xoshiro128 {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private readonly one = new Float64Array(1);

  /**
   * @param seed - any safe integer (negative values allowed). Distinct seeds give distinct initial
   *   states: the low and high 32-bit halves of the seed each drive two state words through the
   *   bijective murmur3 finalizer.
   * @throws TypeError if `seed` is not a safe integer.
   */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      throw new TypeError(
        `Xoshiro128: seed must be a safe integer, got ${typeof seed === 'number' ? String(seed) : typeof seed}`,
      );
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    this.s0 = fmix32((lo + 0x9e3779b9) >>> 0);
    this.s1 = fmix32((lo + 0x3c6ef372) >>> 0);
    this.s2 = fmix32((hi + 0x7f4a7c15) >>> 0);
    this.s3 = fmix32((hi + 0xdaa66d2b) >>> 0);
    // fmix32 is a bijection and the two `lo` inputs differ, so s0 and s1 are never both zero.
  }

  /** Creates a generator positioned exactly at `state` (see {@link Xoshiro128.getState}). */
  static fromState(state: RngState): Xoshiro128 {
    const rng = new Xoshiro128(0);
    rng.setState(state);
    return rng;
  }

  /** Returns a copy of the generator state as a plain, JSON-serializable object. */
  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  /**
   * Restores a state captured by {@link Xoshiro128.getState}.
   * @throws TypeError if the state is malformed or all four words are zero.
   */
  setState(state: RngState): void {
    const s: unknown = state?.s;
    if (
      !Array.isArray(s) ||
      s.length !== 4 ||
      !s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32)
    ) {
      throw new TypeError('Xoshiro128.setState: state.s must be an array of four unsigned 32-bit integers');
    }
    if (s.every((w) => w === 0)) {
      throw new TypeError('Xoshiro128.setState: state.s must not be all zeros');
    }
    [this.s0, this.s1, this.s2, this.s3] = s as [number, number, number, number];
  }

  /** Next 32-bit output as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) * TWO_POW_M53;
  }

  /** One standard normal variate. */
  normal(): number {
    this.fillNormal(this.one);
    return this.one[0] as number;
  }

  /**
   * Fills `out[start … end−1]` with independent standard normal variates and returns `out`. The
   * stream is the same as that many {@link Xoshiro128.normal} calls, only faster.
   */
  fillNormal(out: Float64Array, start = 0, end = out.length): Float64Array {
    // Local copies of the state keep the hot loop in registers; the rare slow path writes them back.
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    for (let k = start; k < end; k++) {
      // a: 8 bits layer index + 24 high bits of the uniform; b: 28 more bits of the uniform.
      let t = s1 << 9;
      const a = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      t = s1 << 9;
      const b = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const layer = a & 255;
      // u is an odd multiple of 2^−52 in (−1, 1): exact, symmetric and never 0.
      const u = (2 * ((a >>> 8) * TWO_POW_28 + (b >>> 4)) + 1) * TWO_POW_M52 - 1;
      if (Math.abs(u) < (ZIG_RATIO[layer] as number)) {
        out[k] = u * (ZIG_X[layer] as number);
      } else {
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        out[k] = this.slowNormal(layer, u);
        s0 = this.s0;
        s1 = this.s1;
        s2 = this.s2;
        s3 = this.s3;
      }
    }
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    return out;
  }

  /** Uniform in (0, 1], for logarithms. */
  private uniformPositive(): number {
    return 1 - this.uniform();
  }

  /** The ziggurat's rare branches: the tail (layer 0) or a wedge test, then a fresh attempt. */
  private slowNormal(layer: number, u: number): number {
    for (;;) {
      if (layer === 0) {
        // Marsaglia's tail method for |x| > R.
        let x: number;
        let y: number;
        do {
          x = -libm.log(this.uniformPositive()) / ZIG_R;
          y = -libm.log(this.uniformPositive());
        } while (y + y < x * x);
        return u < 0 ? -(ZIG_R + x) : ZIG_R + x;
      }
      const x = u * (ZIG_X[layer] as number);
      const fLow = ZIG_F[layer] as number;
      const fHigh = ZIG_F[layer + 1] as number;
      if (fLow + this.uniform() * (fHigh - fLow) < libm.exp(-0.5 * x * x)) return x;
      // Rejected: a fresh attempt, drawn exactly like the fast path.
      const a = this.nextUint32();
      const b = this.nextUint32();
      layer = a & 255;
      u = (2 * ((a >>> 8) * TWO_POW_28 + (b >>> 4)) + 1) * TWO_POW_M52 - 1;
      if (Math.abs(u) < (ZIG_RATIO[layer] as number)) return u * (ZIG_X[layer] as number);
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
