/**
 * Transcendental functions that give the same bits in every JavaScript engine.
 *
 * `Math.exp`, `Math.sin` and friends are only specified to be "implementation-approximated", and
 * engines change them: Node 20's V8 (11.3) computes them with its port of fdlibm, while later V8s
 * (Node 22+, current Chromium) moved to other libms whose last bits differ. A run that calls them
 * is therefore not bitwise reproducible across engines or Node versions. These are pure-TypeScript
 * ports of the same fdlibm routines V8 11.3 uses (FreeBSD msun / Sun fdlibm 5.3, as adapted in
 * V8's ieee754.cc), so on Node 20 they return exactly what `Math.*` returns there, and everywhere
 * else they return that too. Only basic IEEE 754 double arithmetic (+ − × ÷, correctly rounded in
 * every engine), `Math.sqrt` (correctly rounded by specification), `Math.abs` and `Math.floor`
 * (exact) are used, so nothing engine-specific is left.
 *
 * The fdlibm code manipulates the two 32-bit halves of a double; here one Float64Array and an
 * Int32Array over the same 8 bytes do that. The high word is read as a signed int32 (fdlibm's
 * `int32_t hx`), the low word as unsigned (`uint32_t lx`) via `>>> 0`. C's double→int casts
 * truncate toward zero; `| 0` does the same for the small magnitudes that occur here.
 */

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
// Word order follows the platform's byte order (every engine we know of is little-endian, but the
// typed arrays use native order, so look rather than assume).
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function highWord(x: number): number {
  F64[0] = x;
  return I32[HI]!;
}

function lowWord(x: number): number {
  F64[0] = x;
  return I32[LO]! >>> 0;
}

function fromWords(hi: number, lo: number): number {
  I32[HI] = hi;
  I32[LO] = lo;
  return F64[0]!;
}

function withHighWord(x: number, hi: number): number {
  F64[0] = x;
  I32[HI] = hi;
  return F64[0]!;
}

/** x with its low 32 bits cleared: fdlibm's SET_LOW_WORD(x, 0), the "head" of a split double. */
function clearLowWord(x: number): number {
  F64[0] = x;
  I32[LO] = 0;
  return F64[0]!;
}

const TWO54 = 1.8014398509481984e16; // 0x43500000 00000000
const TWO53 = 9007199254740992; // 0x43400000 00000000
const TWO24 = 16777216; // 0x41700000 00000000
const TWON24 = 5.9604644775390625e-8; // 0x3E700000 00000000
const HUGE = 1e300;
const TINY = 1e-300;

/**
 * x · 2ⁿ, correctly rounded. fdlibm's scalbn is exact except when the result is subnormal, where it
 * rounds once; V8 calls the C library's, which is the same function. This splits large |n| into
 * steps that stay exact, and scales a subnormal result in one final multiplication (the musl
 * scalbn scheme) so that it, too, is rounded exactly once.
 */
function scalbn(x: number, n: number): number {
  let y = x;
  if (n > 1023) {
    y *= 8.98846567431158e307; // 2^1023
    n -= 1023;
    if (n > 1023) {
      y *= 8.98846567431158e307;
      n -= 1023;
      if (n > 1023) n = 1023;
    }
  } else if (n < -1022) {
    // 2^-1022 · 2^53: keeps the intermediate normal so that only the last product rounds.
    y *= 2.004168360008973e-292;
    n += 1022 - 53;
    if (n < -1022) {
      y *= 2.004168360008973e-292;
      n += 1022 - 53;
      if (n < -1022) n = -1022;
    }
  }
  return y * fromWords((0x3ff + n) << 20, 0);
}

// ---------------------------------------------------------------------------------------------------
// exp (e_exp.c)
// ---------------------------------------------------------------------------------------------------

const EXP_O_THRESHOLD = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
const EXP_U_THRESHOLD = -7.4513321910194110842e2; // 0xC0874910 D52D3051
const LN2_HI = 6.9314718036912381649e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2 = 1.442695040888963387; // 0x3FF71547 652B82FE
const P1 = 1.66666666666666019037e-1; // 0x3FC55555 5555553E
const P2 = -2.77777777770155933842e-3; // 0xBF66C16C 16BEBD93
const P3 = 6.61375632143793436117e-5; // 0x3F11566A AF25DE2C
const P4 = -1.6533902205465251539e-6; // 0xBEBBBD41 C5D26BF1
const P5 = 4.13813679705723846039e-8; // 0x3E663769 72BEA4D0
const TWOM1000 = 9.3326361850321887899e-302; // 2^-1000
const TWO1023 = 8.98846567431158e307; // 2^1023

/**
 * eˣ. fdlibm's e_exp.c: x = k·ln2 + r with |r| ≤ ln2/2 (r carried as hi − lo), a degree-5 Remez
 * rational for e^r, then scaling by 2^k through the exponent bits. V8 returns the correctly rounded
 * `Math.E` for x = 1 (the algorithm is off by an ulp there), and so does this.
 */
export function exp(x: number): number {
  let hx = highWord(x);
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;

  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: overflow, underflow, ±∞ or NaN.
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lowWord(x)) !== 0) return x + x;
      return xsb === 0 ? x : 0;
    }
    if (x > EXP_O_THRESHOLD) return HUGE * HUGE;
    if (x < EXP_U_THRESHOLD) return TWOM1000 * TWOM1000;
  }

  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5 ln2
      if (x === 1) return 2.718281828459045;
      if (xsb === 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = (INV_LN2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0;
      const t = k;
      hi = x - t * LN2_HI; // exact: LN2_HI has 32 significant bits and |k| < 2^11
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28: fdlibm returns 1 + x (its `huge + x > one` test only raises inexact).
    return 1 + x;
  }

  const t = x * x;
  const twopk =
    k >= -1021
      ? fromWords((0x3ff00000 + (k << 20)) | 0, 0)
      : fromWords((0x3ff00000 + ((k + 1000) << 20)) | 0, 0);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2 * TWO1023;
    return y * twopk;
  }
  return y * twopk * TWOM1000;
}

// ---------------------------------------------------------------------------------------------------
// log (e_log.c)
// ---------------------------------------------------------------------------------------------------

const LG1 = 6.66666666666673513e-1; // 3FE55555 55555593
const LG2 = 3.999999999940941908e-1; // 3FD99999 9997FA04
const LG3 = 2.857142874366239149e-1; // 3FD24924 94229359
const LG4 = 2.222219843214978396e-1; // 3FCC71C5 1D8E78AF
const LG5 = 1.818357216161805012e-1; // 3FC74664 96CB03DE
const LG6 = 1.531383769920937332e-1; // 3FC39A09 D078C69F
const LG7 = 1.479819860511658591e-1; // 3FC2F112 DF3E5244

/**
 * Natural logarithm. fdlibm's e_log.c: x = 2^k·(1+f) with √2/2 < 1+f < √2, then
 * log(1+f) = f − s·(f − R) (or the hfsq form near the ends) with s = f/(2+f) and R a degree-14
 * Remez polynomial in s, and k·ln2 added in two parts so that k·LN2_HI is exact.
 */
export function log(x: number): number {
  F64[0] = x;
  let hx = I32[HI]!;
  const lx = I32[LO]! >>> 0;

  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022: zero, negative or subnormal.
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54; // scale a subnormal up to a normal
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, hx | (i ^ 0x3ff00000)); // normalize x or x/2
  k += i >> 20;
  const f = x - 1;
  if ((0x000fffff & (2 + hx)) < 3) {
    // -2^-20 ≤ f < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      const dk = k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.3333333333333333 * f);
    if (k === 0) return f - R;
    const dk = k;
    return dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2 + f);
  const dk = k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}

// ---------------------------------------------------------------------------------------------------
// expm1 (s_expm1.c) and tanh (s_tanh.c)
// ---------------------------------------------------------------------------------------------------

const Q1 = -3.33333333333331316428e-2; // BFA11111 111110F4
const Q2 = 1.58730158725481460165e-3; // 3F5A01A0 19FE5585
const Q3 = -7.93650757867487942473e-5; // BF14CE19 9EAADBB7
const Q4 = 4.00821782732936239552e-6; // 3ED0CFCA 86E65239
const Q5 = -2.01099218183624371326e-7; // BE8AFDB7 6E09C32D

/**
 * eˣ − 1 without the cancellation of `exp(x) - 1` near 0. fdlibm's s_expm1.c: the same reduction
 * as exp with a correction term c for the rounding of r, a rational approximation of expm1(r), and
 * a final combination chosen per k so that the subtraction of 1 loses nothing.
 */
export function expm1(x: number): number {
  let hx = highWord(x);
  const xsb = hx & 0x80000000; // nonzero (negative, as an int32) for x < 0
  hx &= 0x7fffffff;

  if (hx >= 0x4043687a) {
    // |x| ≥ 56·ln2
    if (hx >= 0x40862e42) {
      // |x| ≥ 709.78…
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | lowWord(x)) !== 0) return x + x;
        return xsb === 0 ? x : -1;
      }
      if (x > EXP_O_THRESHOLD) return HUGE * HUGE;
    }
    if (xsb !== 0) {
      // x < -56·ln2: −1 (fdlibm's `x + tiny < 0` is always true here).
      return TINY - 1;
    }
  }

  let k: number;
  let c = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2
    let hi: number;
    let lo: number;
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5 ln2
      if (xsb === 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = (INV_LN2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0;
      const t = k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    // |x| < 2^-54: x itself (fdlibm computes x − ((huge + x) − (huge + x)) only to raise inexact).
    const t = HUGE + x;
    return x - (t - (HUGE + x));
  } else {
    k = 0;
  }

  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  let t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs); // c is 0
  const twopk = fromWords((0x3ff00000 + (k << 20)) | 0, 0);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) {
    if (x < -0.25) return -2 * (e - (x + 0.5));
    return 1 + 2 * (x - e);
  }
  let y: number;
  if (k <= -2 || k > 56) {
    // exp(x) − 1 is exp(x) to working precision, or −1
    y = 1 - (e - x);
    if (k === 1024) y = y * 2 * 8.98846567431158e307;
    else y = y * twopk;
    return y - 1;
  }
  if (k < 20) {
    t = fromWords(0x3ff00000 - (0x200000 >> k), 0); // 1 − 2^-k
    y = t - (e - x);
    y = y * twopk;
  } else {
    t = fromWords((0x3ff - k) << 20, 0); // 2^-k
    y = x - (e + t);
    y += 1;
    y = y * twopk;
  }
  return y;
}

/**
 * Hyperbolic tangent. fdlibm's s_tanh.c: −t/(t + 2) with t = expm1(−2|x|) below 1,
 * 1 − 2/(t + 2) with t = expm1(2|x|) up to 22, ±1 beyond, x itself below 2^-28.
 */
export function tanh(x: number): number {
  const jx = highWord(x);
  const ix = jx & 0x7fffffff;

  if (ix >= 0x7ff00000) {
    // ±∞ → ±1, NaN → NaN
    if (jx >= 0) return 1 / x + 1;
    return 1 / x - 1;
  }

  let z: number;
  if (ix < 0x40360000) {
    // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28 (fdlibm's `huge + x > one` is always true)
    if (ix >= 0x3ff00000) {
      // |x| ≥ 1
      const t = expm1(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = expm1(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else {
    z = 1 - TINY; // rounds to 1; fdlibm subtracts tiny only to raise inexact
  }
  return jx >= 0 ? z : -z;
}

// ---------------------------------------------------------------------------------------------------
// sin and cos (s_sin.c, s_cos.c, k_sin.c, k_cos.c, e_rem_pio2.c, k_rem_pio2.c)
// ---------------------------------------------------------------------------------------------------

const S1 = -1.66666666666666324348e-1; // 0xBFC55555 55555549
const S2 = 8.33333333332248946124e-3; // 0x3F811111 1110F8A6
const S3 = -1.98412698298579493134e-4; // 0xBF2A01A0 19C161D5
const S4 = 2.75573137070700676789e-6; // 0x3EC71DE3 57B1FE7D
const S5 = -2.50507602534068634195e-8; // 0xBE5AE5E6 8A2B9CEB
const S6 = 1.58969099521155010221e-10; // 0x3DE5D93A 5ACFD57C

/** sin(x + y) on [−π/4, π/4], y the tail of x (ignored when iy = 0): k_sin.c. */
function kernelSin(x: number, y: number, iy: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return x; // |x| < 2^-27 (C's `(int)x == 0` always holds here)
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

const C1 = 4.16666666666666019037e-2; // 0x3FA55555 5555554C
const C2 = -1.38888888888741095749e-3; // 0xBF56C16C 16C15177
const C3 = 2.48015872894767294178e-5; // 0x3EFA01A0 19CB1590
const C4 = -2.75573143513906633035e-7; // 0xBE927E4F 809C52AD
const C5 = 2.0875723212981748279e-9; // 0x3E21EE9E BDB4B1C4
const C6 = -1.13596475577881948265e-11; // 0xBDA8FAE9 BE8838D4

/**
 * cos(x + y) on [−π/4, π/4]: the original fdlibm k_cos.c (not FreeBSD's later rewrite), which for
 * |x| > 0.3 subtracts qx ≈ x²/4 from both 1 and x²/2 so that each subtraction is exact.
 */
function kernelCos(x: number, y: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0); // x/4, low word dropped
  const iz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (iz - (z * r - x * y));
}

// 2/π in 24-bit chunks, 396 hex digits: enough for the argument reduction of any double.
// prettier-ignore
const TWO_OVER_PI = Int32Array.of(
  0xa2f983, 0x6e4e44, 0x1529fc, 0x2757d1, 0xf534dd, 0xc0db62, 0x95993c, 0x439041, 0xfe5163, 0xabdebb,
  0xc561b7, 0x246e3a, 0x424dd2, 0xe00649, 0x2eea09, 0xd1921c, 0xfe1deb, 0x1cb129, 0xa73ee8, 0x8235f5,
  0x2ebb44, 0x84e99c, 0x7026b4, 0x5f7e41, 0x3991d6, 0x398353, 0x39f49c, 0x845f8b, 0xbdf928, 0x3b1ff8,
  0x97ffde, 0x05980f, 0xef2f11, 0x8b5a0a, 0x6d1f6d, 0x367ecf, 0x27cb09, 0xb74f46, 0x3f669e, 0x5fea2d,
  0x7527ba, 0xc7ebe5, 0xf17b3d, 0x0739f7, 0x8a5292, 0xea6bfb, 0x5fb11f, 0x8d5d08, 0x560330, 0x46fc7b,
  0x6babf0, 0xcfbc20, 0x9af436, 0x1da9e3, 0x91615e, 0xe61b08, 0x659985, 0x5f14a0, 0x68408d, 0xffd880,
  0x4d7327, 0x310606, 0x1556ca, 0x73a8c9, 0x60e27b, 0xc08c6b,
);

// High words of n·π/2 for n = 1..32: an argument whose high word equals one of these may cancel
// badly against n·π/2 and takes the slow path.
// prettier-ignore
const NPIO2_HW = Int32Array.of(
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb,
  0x402c463a, 0x402f6a7a, 0x4031475c, 0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb,
  0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c,
  0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
);

// π/2 cut into 24-bit pieces, for the multi-precision product in kernelRemPio2.
const PIO2_CHUNKS = Float64Array.of(
  1.57079625129699707031, // 0x3FF921FB 40000000
  7.54978941586159635335e-8, // 0x3E74442D 00000000
  5.39030252995776476554e-15, // 0x3CF84698 80000000
  3.28200341580791294123e-22, // 0x3B78CC51 60000000
  1.27065575308067607349e-29, // 0x39F01B83 80000000
  1.22933308981111328932e-36, // 0x387A2520 40000000
  2.73370053816464559624e-44, // 0x36E38222 80000000
  2.16741683877804819444e-51, // 0x3569F31D 00000000
);

const INV_PIO2 = 6.36619772367581382433e-1; // 0x3FE45F30 6DC9C883, 53 bits of 2/π
const PIO2_1 = 1.57079632673412561417; // 0x3FF921FB 54400000, first 33 bits of π/2
const PIO2_1T = 6.07710050650619224932e-11; // 0x3DD0B461 1A626331, π/2 − PIO2_1
const PIO2_2 = 6.0771005063039659766e-11; // 0x3DD0B461 1A600000, second 33 bits
const PIO2_2T = 2.02226624879595063154e-21; // 0x3BA3198A 2E037073, π/2 − (PIO2_1 + PIO2_2)
const PIO2_3 = 2.0222662487111664558e-21; // 0x3BA3198A 2E000000, third 33 bits
const PIO2_3T = 8.47842766036889956997e-32; // 0x397B839A 252049C1, π/2 − (PIO2_1 + PIO2_2 + PIO2_3)

// The reduced argument y0 + y1 of the last remPio2 call. Single-threaded callers and no reentrancy,
// so module scratch is safe and spares an allocation per call.
const Y = new Float64Array(2);
const TX = new Float64Array(3);
const RP_F = new Float64Array(20);
const RP_Q = new Float64Array(20);
const RP_FQ = new Float64Array(20);
const RP_IQ = new Int32Array(20);

/**
 * Payne–Hanek reduction of a huge |x| (k_rem_pio2.c, 53-bit output, called with fdlibm's prec = 2
 * as V8 does, i.e. jk = 4): multiplies the 24-bit pieces of x by just the bits of 2/π that matter
 * modulo 8 and returns the last three bits of N with x − N·π/2 in Y.
 */
function kernelRemPio2(x: Float64Array, e0: number, nx: number): number {
  const jk = 4;
  const jp = jk;
  const f = RP_F;
  const q = RP_Q;
  const fq = RP_FQ;
  const iq = RP_IQ;

  const jx = nx - 1;
  let jv = ((e0 - 3) / 24) | 0; // C integer division truncates
  if (jv < 0) jv = 0;
  let q0 = e0 - 24 * (jv + 1);

  // f[0..jx+jk] = ipio2[jv−jx .. jv+jk]
  let j = jv - jx;
  const m = jx + jk;
  for (let i = 0; i <= m; i++, j++) f[i] = j < 0 ? 0 : TWO_OVER_PI[j]!;

  for (let i = 0; i <= jk; i++) {
    let fw = 0;
    for (j = 0; j <= jx; j++) fw += x[j]! * f[jx + i - j]!;
    q[i] = fw;
  }

  let jz = jk;
  let z: number;
  let n: number;
  let ih: number;
  for (;;) {
    // Distill q[] into iq[] in reverse.
    let i = 0;
    z = q[jz]!;
    for (j = jz; j > 0; i++, j--) {
      const fw = (TWON24 * z) | 0;
      iq[i] = (z - TWO24 * fw) | 0;
      z = q[j - 1]! + fw;
    }

    z = scalbn(z, q0);
    z -= 8 * Math.floor(z * 0.125); // drop the multiple of 8
    n = z | 0;
    z -= n;
    ih = 0;
    if (q0 > 0) {
      // iq[jz−1] holds the low bits of n
      i = iq[jz - 1]! >> (24 - q0);
      n += i;
      iq[jz - 1] = iq[jz - 1]! - (i << (24 - q0));
      ih = iq[jz - 1]! >> (23 - q0);
    } else if (q0 === 0) {
      ih = iq[jz - 1]! >> 23;
    } else if (z >= 0.5) {
      ih = 2;
    }

    if (ih > 0) {
      // fraction ≥ 0.5: take 1 − fraction and round n up
      n += 1;
      let carry = 0;
      for (i = 0; i < jz; i++) {
        j = iq[i]!;
        if (carry === 0) {
          if (j !== 0) {
            carry = 1;
            iq[i] = 0x1000000 - j;
          }
        } else {
          iq[i] = 0xffffff - j;
        }
      }
      if (q0 > 0) {
        if (q0 === 1) iq[jz - 1] = iq[jz - 1]! & 0x7fffff;
        else if (q0 === 2) iq[jz - 1] = iq[jz - 1]! & 0x3fffff;
      }
      if (ih === 2) {
        z = 1 - z;
        if (carry !== 0) z -= scalbn(1, q0);
      }
    }

    // If the fraction vanished, more bits of 2/π are needed.
    if (z === 0) {
      j = 0;
      for (i = jz - 1; i >= jk; i--) j |= iq[i]!;
      if (j === 0) {
        let k = 1;
        while (jk >= k && iq[jk - k] === 0) k++;
        for (i = jz + 1; i <= jz + k; i++) {
          f[jx + i] = TWO_OVER_PI[jv + i]!;
          let fw = 0;
          for (j = 0; j <= jx; j++) fw += x[j]! * f[jx + i - j]!;
          q[i] = fw;
        }
        jz += k;
        continue;
      }
    }
    break;
  }

  // Chop off zero terms, or break z into 24-bit pieces.
  if (z === 0) {
    jz -= 1;
    q0 -= 24;
    while (iq[jz] === 0) {
      jz--;
      q0 -= 24;
    }
  } else {
    z = scalbn(z, -q0);
    if (z >= TWO24) {
      const fw = (TWON24 * z) | 0;
      iq[jz] = (z - TWO24 * fw) | 0;
      jz += 1;
      q0 += 24;
      iq[jz] = fw;
    } else {
      iq[jz] = z | 0;
    }
  }

  // Integer chunks back to floating point.
  let fw = scalbn(1, q0);
  for (let i = jz; i >= 0; i--) {
    q[i] = fw * iq[i]!;
    fw *= TWON24;
  }

  // fq = PIO2_CHUNKS · q
  for (let i = jz; i >= 0; i--) {
    fw = 0;
    for (let k = 0; k <= jp && k <= jz - i; k++) fw += PIO2_CHUNKS[k]! * q[i + k]!;
    fq[jz - i] = fw;
  }

  // Compress fq into Y[0] + Y[1].
  fw = 0;
  for (let i = jz; i >= 0; i--) fw += fq[i]!;
  Y[0] = ih === 0 ? fw : -fw;
  fw = fq[0]! - fw;
  for (let i = 1; i <= jz; i++) fw += fq[i]!;
  Y[1] = ih === 0 ? fw : -fw;
  return n & 7;
}

/**
 * x − n·π/2 into Y[0] + Y[1], returning n (e_rem_pio2.c, the original fdlibm version): Cody–Waite
 * with π/2 in three 33-bit pieces up to |x| ≈ 2^19·π/2, Payne–Hanek beyond.
 */
function remPio2(x: number): number {
  F64[0] = x;
  const hx = I32[HI]!;
  const low = I32[LO]! >>> 0;
  const ix = hx & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    // |x| ≲ π/4
    Y[0] = x;
    Y[1] = 0;
    return 0;
  }
  if (ix < 0x4002d97c) {
    // |x| < 3π/4: n = ±1
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix !== 0x3ff921fb) {
        // 33 + 53 bits of π are enough
        Y[0] = z - PIO2_1T;
        Y[1] = z - Y[0] - PIO2_1T;
      } else {
        // near π/2: 33 + 33 + 53 bits
        z -= PIO2_2;
        Y[0] = z - PIO2_2T;
        Y[1] = z - Y[0] - PIO2_2T;
      }
      return 1;
    }
    let z = x + PIO2_1;
    if (ix !== 0x3ff921fb) {
      Y[0] = z + PIO2_1T;
      Y[1] = z - Y[0] + PIO2_1T;
    } else {
      z += PIO2_2;
      Y[0] = z + PIO2_2T;
      Y[1] = z - Y[0] + PIO2_2T;
    }
    return -1;
  }
  if (ix <= 0x413921fb) {
    // |x| ≲ 2^19·π/2
    let t = Math.abs(x);
    const n = (t * INV_PIO2 + 0.5) | 0;
    const fn = n;
    let r = t - fn * PIO2_1;
    let w = fn * PIO2_1T; // first round, good to 85 bits
    if (n < 32 && ix !== NPIO2_HW[n - 1]) {
      Y[0] = r - w; // no cancellation possible
    } else {
      const j = ix >> 20;
      Y[0] = r - w;
      let i = j - ((highWord(Y[0]!) >> 20) & 0x7ff);
      if (i > 16) {
        // second round, good to 118 bits
        t = r;
        w = fn * PIO2_2;
        r = t - w;
        w = fn * PIO2_2T - (t - r - w);
        Y[0] = r - w;
        i = j - ((highWord(Y[0]!) >> 20) & 0x7ff);
        if (i > 49) {
          // third round, 151 bits, covers every case
          t = r;
          w = fn * PIO2_3;
          r = t - w;
          w = fn * PIO2_3T - (t - r - w);
          Y[0] = r - w;
        }
      }
    }
    Y[1] = r - Y[0]! - w;
    if (hx < 0) {
      Y[0] = -Y[0]!;
      Y[1] = -Y[1]!;
      return -n;
    }
    return n;
  }
  if (ix >= 0x7ff00000) {
    // ±∞ or NaN
    Y[0] = Y[1] = x - x;
    return 0;
  }
  // z = scalbn(|x|, −(ilogb(x) − 23)), cut into three 24-bit pieces.
  const e0 = (ix >> 20) - 1046;
  let z = fromWords((ix - (e0 << 20)) | 0, low);
  for (let i = 0; i < 2; i++) {
    TX[i] = z | 0;
    z = (z - TX[i]!) * TWO24;
  }
  TX[2] = z;
  let nx = 3;
  while (TX[nx - 1] === 0) nx--; // skip zero terms
  const n = kernelRemPio2(TX, e0, nx);
  if (hx < 0) {
    Y[0] = -Y[0]!;
    Y[1] = -Y[1]!;
    return -n;
  }
  return n;
}

/** Sine (s_sin.c): reduce to [−π/4, π/4] by n·π/2, then ±sin or ±cos of the remainder by n mod 4. */
export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0);
  if (ix >= 0x7ff00000) return x - x; // ±∞ or NaN → NaN
  const n = remPio2(x);
  switch (n & 3) {
    case 0:
      return kernelSin(Y[0]!, Y[1]!, 1);
    case 1:
      return kernelCos(Y[0]!, Y[1]!);
    case 2:
      return -kernelSin(Y[0]!, Y[1]!, 1);
    default:
      return -kernelCos(Y[0]!, Y[1]!);
  }
}

/** Cosine (s_cos.c), reduced as in sin. */
export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x);
  switch (n & 3) {
    case 0:
      return kernelCos(Y[0]!, Y[1]!);
    case 1:
      return -kernelSin(Y[0]!, Y[1]!, 1);
    case 2:
      return -kernelCos(Y[0]!, Y[1]!);
    default:
      return kernelSin(Y[0]!, Y[1]!, 1);
  }
}

// ---------------------------------------------------------------------------------------------------
// pow (e_pow.c, as V8's legacy::pow)
// ---------------------------------------------------------------------------------------------------

const DP_H1 = 5.84962487220764160156e-1; // 0x3FE2B803 40000000, log2(1.5) head
const DP_L1 = 1.35003920212974897128e-8; // 0x3E4CFDEB 43CFD006, log2(1.5) tail
const L1 = 5.99999999999994648725e-1; // 0x3FE33333 33333303
const L2 = 4.28571428578550184252e-1; // 0x3FDB6DB6 DB6FABFF
const L3 = 3.33333329818377432918e-1; // 0x3FD55555 518F264D
const L4 = 2.72728123808534006489e-1; // 0x3FD17460 A91D4101
const L5 = 2.30660745775561754067e-1; // 0x3FCD864A 93C9DB65
const L6 = 2.06975017800338417784e-1; // 0x3FCA7E28 4A454EEF
const LN2_FULL = 6.93147180559945286227e-1; // 0x3FE62E42 FEFA39EF
const LN2_H = 6.93147182464599609375e-1; // 0x3FE62E43 00000000
const LN2_L = -1.90465429995776804525e-9; // 0xBE205C61 0CA86C39
const OVT = 8.008566259537294e-17; // −(1024 − log2(ovfl + 0.5 ulp))
const CP = 9.61796693925975554329e-1; // 0x3FEEC709 DC3A03FD, 2/(3 ln2)
const CP_H = 9.61796700954437255859e-1; // 0x3FEEC709 E0000000, CP rounded to float
const CP_L = -7.02846165095275826516e-9; // 0xBE3E2FE0 145B01F5, tail of CP_H
const IVLN2 = 1.442695040888963387; // 0x3FF71547 652B82FE, 1/ln2
const IVLN2_H = 1.44269502162933349609; // 0x3FF71547 60000000, 24 bits of 1/ln2
const IVLN2_L = 1.92596299112661746887e-8; // 0x3E54AE0B F85DDF44, 1/ln2 tail

/**
 * xʸ with JavaScript's special cases (`Math.pow`, `**`). fdlibm's e_pow.c as V8 carries it:
 * log2|x| in extra precision (t1 + t2), y·log2|x| split into an integer n and a fraction, 2^fraction
 * by exp's rational, n added to the exponent bits. Two JavaScript rules differ from C99 and are
 * what fdlibm already does: (±1)^±∞ and 1^NaN are NaN.
 */
export function pow(x: number, y: number): number {
  F64[0] = x;
  const hx = I32[HI]!;
  const lx = I32[LO]! >>> 0;
  F64[0] = y;
  const hy = I32[HI]!;
  const ly = I32[LO]! >>> 0;
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;

  if ((iy | ly) === 0) return 1; // x^0 = 1, even for NaN

  if (
    ix > 0x7ff00000 ||
    (ix === 0x7ff00000 && lx !== 0) ||
    iy > 0x7ff00000 ||
    (iy === 0x7ff00000 && ly !== 0)
  )
    return x + y; // NaN

  // yisint = 0: y is not an integer; 1: an odd integer; 2: an even integer (only needed for x < 0).
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) {
      yisint = 2; // |y| ≥ 2^53 is even
    } else if (iy >= 0x3ff00000) {
      const k = (iy >> 20) - 0x3ff;
      if (k > 20) {
        const j = ly >>> (52 - k);
        if (j << (52 - k) === (ly | 0)) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        const j = iy >> (20 - k);
        if (j << (20 - k) === iy) yisint = 2 - (j & 1);
      }
    }
  }

  if (ly === 0) {
    if (iy === 0x7ff00000) {
      // y = ±∞
      if (((ix - 0x3ff00000) | lx) === 0) return y - y; // (±1)^±∞ is NaN
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0; // (|x| > 1)^±∞ = ∞, 0
      return hy < 0 ? -y : 0; // (|x| < 1)^∓∞ = ∞, 0
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x; // y = ±1
    if (hy === 0x40000000) return x * x; // y = 2
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x); // y = 0.5, x ≥ +0
  }

  let ax = Math.abs(x);
  if (lx === 0 && (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000)) {
    // x = ±0, ±∞, ±1
    let z = ax;
    if (hy < 0) z = 1 / z;
    if (hx < 0) {
      if (((ix - 0x3ff00000) | yisint) === 0)
        z = NaN; // (−1)^non-integer
      else if (yisint === 1) z = -z; // (x < 0)^odd = −(|x|^odd)
    }
    return z;
  }

  let n = (hx >> 31) + 1; // 0 for x < 0, 1 otherwise
  if ((n | yisint) === 0) return NaN; // (x < 0)^non-integer

  let s = 1; // sign of the result
  if ((n | (yisint - 1)) === 0) s = -1; // (x < 0)^odd

  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31
    if (iy > 0x43f00000) {
      // |y| > 2^64: must overflow or underflow
      if (ix <= 0x3fefffff) return hy < 0 ? HUGE * HUGE : TINY * TINY;
      if (ix >= 0x3ff00000) return hy > 0 ? HUGE * HUGE : TINY * TINY;
    }
    // over/underflow unless x is within 2^-20 of 1
    if (ix < 0x3fefffff) return hy < 0 ? s * HUGE * HUGE : s * TINY * TINY;
    if (ix > 0x3ff00000) return hy > 0 ? s * HUGE * HUGE : s * TINY * TINY;
    // |1 − x| ≤ 2^-20: log(x) by x − x²/2 + x³/3 − x⁴/4
    const t = ax - 1; // 20 trailing zero bits
    const w = t * t * (0.5 - t * (0.3333333333333333 - t * 0.25));
    const u = IVLN2_H * t; // IVLN2_H has 21 significant bits
    const v = t * IVLN2_L - w * IVLN2;
    t1 = clearLowWord(u + v);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) {
      // subnormal x
      ax *= TWO53;
      n -= 53;
      ix = highWord(ax);
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    // Normalize to [1, 2) and pick the expansion point 1 (|x| < √(3/2)) or 1.5 (|x| < √3).
    ix = j | 0x3ff00000;
    let k: number;
    if (j <= 0x3988e) {
      k = 0;
    } else if (j < 0xbb67a) {
      k = 1;
    } else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = withHighWord(ax, ix);
    const bp = k === 0 ? 1 : 1.5;
    const dpH = k === 0 ? 0 : DP_H1;
    const dpL = k === 0 ? 0 : DP_L1;

    // ss = s_h + s_l = (x − 1)/(x + 1) or (x − 1.5)/(x + 1.5)
    let u = ax - bp;
    let v = 1 / (ax + bp);
    const ss = u * v;
    const sH = clearLowWord(ss);
    // t_h = ax + bp, high part
    let tH = fromWords((((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18)) | 0, 0);
    let tL = ax - (tH - bp);
    const sL = v * (u - sH * tH - sH * tL);
    // log(ax)
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    tH = clearLowWord(3 + s2 + r);
    tL = r - (tH - 3 - s2);
    // u + v = ss·(1 + …)
    u = sH * tH;
    v = sL * tH + tL * ss;
    // 2/(3 ln2)·(ss + …)
    const pH = clearLowWord(u + v);
    const pL = v - (pH - u);
    const zH = CP_H * pH; // CP_H + CP_L = 2/(3 ln2)
    const zL = CP_L * pH + pL * CP + dpL;
    // log2(ax) = (ss + …)·2/(3 ln2) = n + dp_h + z_h + z_l
    const t = n;
    t1 = clearLowWord(zH + zL + dpH + t);
    t2 = zL - (t1 - t - dpH - zH);
  }

  // (y1 + y2)·(t1 + t2), y1 the head of y
  const y1 = clearLowWord(y);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  F64[0] = z;
  let j = I32[HI]!;
  let i = I32[LO]!;
  if (j >= 0x40900000) {
    // z ≥ 1024
    if (((j - 0x40900000) | i) !== 0) return s * HUGE * HUGE; // z > 1024: overflow
    if (pL + OVT > z - pH) return s * HUGE * HUGE;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    // z ≤ −1075
    if (((j - 0xc090cc00) | i) !== 0) return s * TINY * TINY; // z < −1075: underflow
    if (pL <= z - pH) return s * TINY * TINY;
  }

  // 2^(pH + pL): n = nearest integer to z when |z| > 0.5
  i = j & 0x7fffffff;
  let k = (i >> 20) - 0x3ff;
  n = 0;
  if (i > 0x3fe00000) {
    n = (j + (0x00100000 >> (k + 1))) | 0;
    k = ((n & 0x7fffffff) >> 20) - 0x3ff; // k of n
    const t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  let t = clearLowWord(pL + pH);
  const u = t * LN2_H;
  const v = (pL - (t - pH)) * LN2_FULL + t * LN2_L;
  z = u + v;
  const w = v - (z - u);
  t = z * z;
  t1 = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const r = (z * t1) / (t1 - 2 - (w + z * w));
  z = 1 - (r - z);
  j = highWord(z);
  j = (j + (n << 20)) | 0;
  if (j >> 20 <= 0)
    z = scalbn(z, n); // subnormal result
  else z = withHighWord(z, j);
  return s * z;
}

// ---------------------------------------------------------------------------------------------------
// hypot (V8's Math.hypot builtin)
// ---------------------------------------------------------------------------------------------------

/**
 * √(Σ vᵢ²) without overflow, exactly as V8's `Math.hypot` (math.tq) computes it: ∞ if any value is
 * infinite, else NaN if any is NaN, else 0 if all are zero; otherwise every |vᵢ| is divided by the
 * largest, the squares are added with Kahan compensation, and √sum is scaled back. Not an fdlibm
 * function (V8 never used e_hypot.c for it), so it is defined by that algorithm.
 */
export function hypot(...values: number[]): number {
  let max = 0;
  let nan = false;
  for (const v of values) {
    const a = Math.abs(v);
    if (a !== a) nan = true;
    else if (a > max) max = a;
  }
  if (max === Infinity) return Infinity;
  if (nan) return NaN;
  if (max === 0) return 0;
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const n = Math.abs(v) / max;
    const summand = n * n - compensation;
    const preliminary = sum + summand;
    compensation = preliminary - sum - summand;
    sum = preliminary;
  }
  return Math.sqrt(sum) * max;
}
