// WebAssembly SIMD kernels for the Gaussian MLP policy (AssemblyScript, compiled by `asc` at build
// time into dist/mlp-kernels.wasm; see src/mlp-kernels.ts for the math they serve).
//
// Every matrix is float32, row-major, with a row stride (in floats) that is a multiple of 4; every
// pointer is a byte offset into the exported memory, 16-byte aligned. The caller (mlp-kernels.ts)
// owns the memory layout; nothing here allocates. Column counts are multiples of 4 (padding columns
// hold zeros), so every inner loop works on whole f32x4 vectors.

// ---------------------------------------------------------------------------------------------
// C[r, j] = init[r, j] + Σ_i A[r, i] · W[i, j]   for r < rows, j < cols, i < inner
// init = bias[j] (accumulate = 0) or C[r, j] itself (accumulate = 1).
// Register tile: 4 rows × 8 columns (8 accumulators), then 4 × 4, then single rows.
// ---------------------------------------------------------------------------------------------
export function gemm(
  A: usize,
  lda: i32,
  W: usize,
  ldw: i32,
  bias: usize,
  C: usize,
  ldc: i32,
  rows: i32,
  inner: i32,
  cols: i32,
  accumulate: i32,
): void {
  const sa = (<usize>lda) << 2;
  const sw = (<usize>ldw) << 2;
  const sc = (<usize>ldc) << 2;
  const kEnd = (<usize>inner) << 2;
  const cEnd = (<usize>cols) << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a0 = A + <usize>r * sa;
    const a1 = a0 + sa;
    const a2 = a1 + sa;
    const a3 = a2 + sa;
    const c0 = C + <usize>r * sc;
    const c1 = c0 + sc;
    const c2 = c1 + sc;
    const c3 = c2 + sc;
    let j: usize = 0;
    for (; j + 32 <= cEnd; j += 32) {
      let x00: v128, x01: v128, x10: v128, x11: v128, x20: v128, x21: v128, x30: v128, x31: v128;
      if (accumulate) {
        x00 = v128.load(c0 + j);
        x01 = v128.load(c0 + j, 16);
        x10 = v128.load(c1 + j);
        x11 = v128.load(c1 + j, 16);
        x20 = v128.load(c2 + j);
        x21 = v128.load(c2 + j, 16);
        x30 = v128.load(c3 + j);
        x31 = v128.load(c3 + j, 16);
      } else {
        x00 = v128.load(bias + j);
        x01 = v128.load(bias + j, 16);
        x10 = x00;
        x11 = x01;
        x20 = x00;
        x21 = x01;
        x30 = x00;
        x31 = x01;
      }
      let w = W + j;
      for (let k: usize = 0; k < kEnd; k += 4) {
        const w0 = v128.load(w);
        const w1 = v128.load(w, 16);
        const s0 = v128.load32_splat(a0 + k);
        const s1 = v128.load32_splat(a1 + k);
        const s2 = v128.load32_splat(a2 + k);
        const s3 = v128.load32_splat(a3 + k);
        x00 = f32x4.add(x00, f32x4.mul(s0, w0));
        x01 = f32x4.add(x01, f32x4.mul(s0, w1));
        x10 = f32x4.add(x10, f32x4.mul(s1, w0));
        x11 = f32x4.add(x11, f32x4.mul(s1, w1));
        x20 = f32x4.add(x20, f32x4.mul(s2, w0));
        x21 = f32x4.add(x21, f32x4.mul(s2, w1));
        x30 = f32x4.add(x30, f32x4.mul(s3, w0));
        x31 = f32x4.add(x31, f32x4.mul(s3, w1));
        w += sw;
      }
      v128.store(c0 + j, x00);
      v128.store(c0 + j, x01, 16);
      v128.store(c1 + j, x10);
      v128.store(c1 + j, x11, 16);
      v128.store(c2 + j, x20);
      v128.store(c2 + j, x21, 16);
      v128.store(c3 + j, x30);
      v128.store(c3 + j, x31, 16);
    }
    if (j < cEnd) {
      let x0: v128, x1: v128, x2: v128, x3: v128;
      if (accumulate) {
        x0 = v128.load(c0 + j);
        x1 = v128.load(c1 + j);
        x2 = v128.load(c2 + j);
        x3 = v128.load(c3 + j);
      } else {
        x0 = v128.load(bias + j);
        x1 = x0;
        x2 = x0;
        x3 = x0;
      }
      let w = W + j;
      for (let k: usize = 0; k < kEnd; k += 4) {
        const w0 = v128.load(w);
        x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(a0 + k), w0));
        x1 = f32x4.add(x1, f32x4.mul(v128.load32_splat(a1 + k), w0));
        x2 = f32x4.add(x2, f32x4.mul(v128.load32_splat(a2 + k), w0));
        x3 = f32x4.add(x3, f32x4.mul(v128.load32_splat(a3 + k), w0));
        w += sw;
      }
      v128.store(c0 + j, x0);
      v128.store(c1 + j, x1);
      v128.store(c2 + j, x2);
      v128.store(c3 + j, x3);
    }
  }
  for (; r < rows; r++) {
    const a0 = A + <usize>r * sa;
    const c0 = C + <usize>r * sc;
    let j: usize = 0;
    for (; j + 64 <= cEnd; j += 64) {
      let x0 = accumulate ? v128.load(c0 + j) : v128.load(bias + j);
      let x1 = accumulate ? v128.load(c0 + j, 16) : v128.load(bias + j, 16);
      let x2 = accumulate ? v128.load(c0 + j, 32) : v128.load(bias + j, 32);
      let x3 = accumulate ? v128.load(c0 + j, 48) : v128.load(bias + j, 48);
      let w = W + j;
      for (let k: usize = 0; k < kEnd; k += 4) {
        const s = v128.load32_splat(a0 + k);
        x0 = f32x4.add(x0, f32x4.mul(s, v128.load(w)));
        x1 = f32x4.add(x1, f32x4.mul(s, v128.load(w, 16)));
        x2 = f32x4.add(x2, f32x4.mul(s, v128.load(w, 32)));
        x3 = f32x4.add(x3, f32x4.mul(s, v128.load(w, 48)));
        w += sw;
      }
      v128.store(c0 + j, x0);
      v128.store(c0 + j, x1, 16);
      v128.store(c0 + j, x2, 32);
      v128.store(c0 + j, x3, 48);
    }
    // 4 to 12 columns left: one vector at a time.
    for (; j < cEnd; j += 16) {
      let x = accumulate ? v128.load(c0 + j) : v128.load(bias + j);
      let w = W + j;
      for (let k: usize = 0; k < kEnd; k += 4) {
        x = f32x4.add(x, f32x4.mul(v128.load32_splat(a0 + k), v128.load(w)));
        w += sw;
      }
      v128.store(c0 + j, x);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// G[i, j] += Σ_r A[r, i] · D[r, j]  and  g[j] += Σ_r D[r, j]   (float64 accumulators G, g)
// The weight and bias gradients of one layer: A = the layer's inputs, D = ∂/∂z. Sums run in float32
// registers over at most 64 rows, then are added to the float64 accumulators.
// inner and cols are multiples of 4; G has row stride ldg (float64 elements).
// ---------------------------------------------------------------------------------------------
const FLUSH_ROWS = 64;

function flush(g: usize, x: v128): void {
  v128.store(g, f64x2.add(v128.load(g), f64x2.promote_low_f32x4(x)));
  const hi = v128.shuffle<f32>(x, x, 2, 3, 0, 1);
  v128.store(g, f64x2.add(v128.load(g, 16), f64x2.promote_low_f32x4(hi)), 16);
}

export function gemmTN(
  A: usize,
  lda: i32,
  D: usize,
  ldd: i32,
  rows: i32,
  inner: i32,
  cols: i32,
  G: usize,
  ldg: i32,
  gb: usize,
): void {
  const sa = (<usize>lda) << 2;
  const sd = (<usize>ldd) << 2;
  const sg = (<usize>ldg) << 3;
  const cEnd = (<usize>cols) << 2;
  for (let r0 = 0; r0 < rows; r0 += FLUSH_ROWS) {
    const r1 = min(rows, r0 + FLUSH_ROWS);
    // bias gradient
    for (let j: usize = 0; j < cEnd; j += 16) {
      let x = f32x4.splat(0);
      let d = D + <usize>r0 * sd + j;
      for (let r = r0; r < r1; r++) {
        x = f32x4.add(x, v128.load(d));
        d += sd;
      }
      flush(gb + (j << 1), x);
    }
    // weight gradient, tiles of 2 inputs × 8 columns
    for (let i = 0; i < inner; i += 2) {
      const two = i + 1 < inner;
      const ai = A + <usize>r0 * sa + ((<usize>i) << 2);
      const g0 = G + <usize>i * sg;
      const g1 = g0 + sg;
      let j: usize = 0;
      for (; j + 32 <= cEnd; j += 32) {
        let x00 = f32x4.splat(0);
        let x01 = f32x4.splat(0);
        let x10 = f32x4.splat(0);
        let x11 = f32x4.splat(0);
        let a = ai;
        let d = D + <usize>r0 * sd + j;
        for (let r = r0; r < r1; r++) {
          const d0 = v128.load(d);
          const d1 = v128.load(d, 16);
          const s0 = v128.load32_splat(a);
          const s1 = v128.load32_splat(a, 4);
          x00 = f32x4.add(x00, f32x4.mul(s0, d0));
          x01 = f32x4.add(x01, f32x4.mul(s0, d1));
          x10 = f32x4.add(x10, f32x4.mul(s1, d0));
          x11 = f32x4.add(x11, f32x4.mul(s1, d1));
          a += sa;
          d += sd;
        }
        flush(g0 + (j << 1), x00);
        flush(g0 + (j << 1) + 32, x01);
        if (two) {
          flush(g1 + (j << 1), x10);
          flush(g1 + (j << 1) + 32, x11);
        }
      }
      if (j < cEnd) {
        let x0 = f32x4.splat(0);
        let x1 = f32x4.splat(0);
        let a = ai;
        let d = D + <usize>r0 * sd + j;
        for (let r = r0; r < r1; r++) {
          const d0 = v128.load(d);
          x0 = f32x4.add(x0, f32x4.mul(v128.load32_splat(a), d0));
          x1 = f32x4.add(x1, f32x4.mul(v128.load32_splat(a, 4), d0));
          a += sa;
          d += sd;
        }
        flush(g0 + (j << 1), x0);
        if (two) flush(g1 + (j << 1), x1);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Element-wise and per-state helpers
// ---------------------------------------------------------------------------------------------

// tanh on float32 vectors: the odd/even rational approximation of Eigen's ptanh_float
// (Eigen/src/Core/MathFunctionsImpl.h), clamped to ±7.905311, |error| < 4e-7 (checked against
// Math.tanh on a 1e-5 grid over [−20, 20]). Eigen returns x itself for |x| < 4e-4; the rational
// function's own error there is 1.3e-7 relative, so that branch is dropped. The clamp uses pmin/pmax
// (one instruction each; min/max are NaN-propagating sequences), and the constants are hoisted out of
// the loop.
/** X[0 .. count) ← tanh(X), count a multiple of 4. */
export function tanhInPlace(X: usize, count: i32): void {
  const end = X + ((<usize>count) << 2);
  const hi = f32x4.splat(7.90531110763549805);
  const lo = f32x4.splat(-7.90531110763549805);
  const a13 = f32x4.splat(-2.76076847742355e-16);
  const a11 = f32x4.splat(2.00018790482477e-13);
  const a9 = f32x4.splat(-8.60467152213735e-11);
  const a7 = f32x4.splat(5.12229709037114e-8);
  const a5 = f32x4.splat(1.48572235717979e-5);
  const a3 = f32x4.splat(6.37261928875436e-4);
  const a1 = f32x4.splat(4.89352455891786e-3);
  const b6 = f32x4.splat(1.19825839466702e-6);
  const b4 = f32x4.splat(1.18534705686654e-4);
  const b2 = f32x4.splat(2.268434632439e-3);
  const b0 = f32x4.splat(4.89352518554385e-3);
  for (let ptr = X; ptr < end; ptr += 16) {
    const x = f32x4.pmax(f32x4.pmin(v128.load(ptr), hi), lo);
    const x2 = f32x4.mul(x, x);
    let p = f32x4.add(f32x4.mul(x2, a13), a11);
    p = f32x4.add(f32x4.mul(x2, p), a9);
    p = f32x4.add(f32x4.mul(x2, p), a7);
    p = f32x4.add(f32x4.mul(x2, p), a5);
    p = f32x4.add(f32x4.mul(x2, p), a3);
    p = f32x4.add(f32x4.mul(x2, p), a1);
    p = f32x4.mul(x, p);
    let q = f32x4.add(f32x4.mul(x2, b6), b4);
    q = f32x4.add(f32x4.mul(x2, q), b2);
    q = f32x4.add(f32x4.mul(x2, q), b0);
    v128.store(ptr, f32x4.div(p, q));
  }
}

/** D[r, :] ← D[r, :] ⊙ (1 − H[r, :]²) for `rows` rows of stride ld (the tanh derivative). */
export function mulDtanh(D: usize, H: usize, rows: i32, ld: i32): void {
  const count = (<usize>rows * <usize>ld) << 2;
  const one = f32x4.splat(1);
  for (let o: usize = 0; o < count; o += 16) {
    const h = v128.load(H + o);
    v128.store(D + o, f32x4.mul(v128.load(D + o), f32x4.sub(one, f32x4.mul(h, h))));
  }
}

/**
 * The same for the per-state Jacobian blocks: G[r, d, :] ← G[r, d, :] ⊙ (1 − H[r, :]²) for the `act`
 * rows d of each state r.
 */
export function mulDtanhBlocks(G: usize, H: usize, rows: i32, act: i32, ld: i32): void {
  const s = (<usize>ld) << 2;
  const one = f32x4.splat(1);
  let g = G;
  for (let r = 0; r < rows; r++) {
    const h = H + <usize>r * s;
    for (let d = 0; d < act; d++) {
      for (let o: usize = 0; o < s; o += 16) {
        const x = v128.load(h + o);
        v128.store(g + o, f32x4.mul(v128.load(g + o), f32x4.sub(one, f32x4.mul(x, x))));
      }
      g += s;
    }
  }
}

/**
 * The first Jacobian block below the output: G[r, d, :] = B[d, :] ⊙ (1 − H[r, :]²), where B (act × ld)
 * is the output layer's Wᵀ scaled by 1/σ.
 */
export function jacobianInit(G: usize, B: usize, H: usize, rows: i32, act: i32, ld: i32): void {
  const s = (<usize>ld) << 2;
  const one = f32x4.splat(1);
  let g = G;
  for (let r = 0; r < rows; r++) {
    const h = H + <usize>r * s;
    for (let d = 0; d < act; d++) {
      const b = B + <usize>d * s;
      for (let o: usize = 0; o < s; o += 16) {
        const x = v128.load(h + o);
        v128.store(g + o, f32x4.mul(v128.load(b + o), f32x4.sub(one, f32x4.mul(x, x))));
      }
      g += s;
    }
  }
}

function hsum(x: v128): f32 {
  return (
    f32x4.extract_lane(x, 0) +
    f32x4.extract_lane(x, 1) +
    (f32x4.extract_lane(x, 2) + f32x4.extract_lane(x, 3))
  );
}

/** U[r, d] += G[r, d, :] · T[r, :]   (U has row stride `act`, T and G rows have stride ld). */
export function blockDot(G: usize, T: usize, U: usize, rows: i32, act: i32, ld: i32): void {
  const s = (<usize>ld) << 2;
  let g = G;
  let u = U;
  for (let r = 0; r < rows; r++) {
    const t = T + <usize>r * s;
    for (let d = 0; d < act; d++) {
      let x0 = f32x4.splat(0);
      let x1 = f32x4.splat(0);
      let o: usize = 0;
      for (; o + 32 <= s; o += 32) {
        x0 = f32x4.add(x0, f32x4.mul(v128.load(g + o), v128.load(t + o)));
        x1 = f32x4.add(x1, f32x4.mul(v128.load(g + o, 16), v128.load(t + o, 16)));
      }
      if (o < s) x0 = f32x4.add(x0, f32x4.mul(v128.load(g + o), v128.load(t + o)));
      store<f32>(u, load<f32>(u) + hsum(f32x4.add(x0, x1)));
      u += 4;
      g += s;
    }
  }
}

/** D[r, :] = Σ_d U[r, d] · G[r, d, :]. */
export function blockTdot(G: usize, U: usize, D: usize, rows: i32, act: i32, ld: i32): void {
  const s = (<usize>ld) << 2;
  let g = G;
  let u = U;
  for (let r = 0; r < rows; r++) {
    const dr = D + <usize>r * s;
    for (let o: usize = 0; o < s; o += 16) v128.store(dr + o, f32x4.splat(0));
    for (let d = 0; d < act; d++) {
      const c = v128.load32_splat(u);
      for (let o: usize = 0; o < s; o += 16) {
        v128.store(dr + o, f32x4.add(v128.load(dr + o), f32x4.mul(c, v128.load(g + o))));
      }
      u += 4;
      g += s;
    }
  }
}
