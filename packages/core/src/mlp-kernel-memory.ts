/**
 * Where the kernels of mlp-kernels.ts keep their data: one WebAssembly memory per batch, laid out
 * once by a bump allocator (64-byte aligned, rows padded to multiples of 4 floats for SIMD), and
 * the conversions between θ's float64 layout (`GaussianMlp`) and the padded float32 matrices the
 * kernels read, and back from their float64 gradient accumulators.
 *
 * Kept apart from the passes so that the passes read as the math (which matrix feeds which GEMM)
 * rather than as pointer arithmetic; every pointer here is a byte offset into `ex.memory`.
 */
import type { GaussianMlp, MlpLayer } from './gaussian-mlp.js';
import { acquireInstance, growInstance, releaseInstance } from './kernel-instances.js';
import type { KernelExports } from './kernel-instances.js';

/** Rows per kernel call: small enough that a block's activations stay in the L2 cache. */
export const BLOCK = 128;
export const pad4 = (x: number) => (x + 3) & ~3;

export interface LayerBuffers {
  readonly layer: MlpLayer;
  readonly ldIn: number;
  readonly ldOut: number;
  /** W (ldIn × ldOut) and b (ldOut) at θ_old; Wᵀ (ldOut × ldIn). */
  readonly W: number;
  readonly b: number;
  readonly WT: number;
  /** Trial parameters for `forwardMeans` (line search), same layout. */
  readonly Wt: number;
  readonly bt: number;
  /** Direction (tangent) W and b. */
  readonly dW: number;
  readonly db: number;
  /** float64 gradient accumulators for W and b. */
  readonly gW: number;
  readonly gb: number;
  /** Block scratch: T (tangent / pre-activation) and D (∂/∂z), BLOCK × ldOut each. */
  readonly T: number;
  readonly D: number;
  /** Cached output activations h_l (n × ldOut), hidden layers only. */
  readonly H: number;
  /** Ĝ_l (n × actDim × ldOut), hidden layers only, after `prepareFisher`. */
  readonly G: number;
}

/** The memory of one batch of n states for one network shape, and θ's way in and out of it. */
export class MlpKernelMemory {
  readonly ex: KernelExports;
  readonly layers: LayerBuffers[];
  /** The states (n × ld_0), zero-padded. */
  readonly X: number;
  /** Means μ (n × ldAct) at θ_old, and at the trial parameters of `forwardMeans`. */
  readonly mu: number;
  readonly muTrial: number;
  /** Per-block hidden activations for `forwardMeans` (BLOCK × max width). */
  readonly hScratch: number[];
  /** Output-side rows: U (n × actDim) for vjp inputs / FVP intermediates. */
  readonly U: number;
  /** A row of zeros, the bias of the GEMMs that have none. */
  readonly zero: number;
  /** Wᵀ_L / σ (actDim × ld_{L−1}), the first Ĝ before the tanh derivative. */
  readonly B: number;
  readonly ldAct: number;
  readonly actDim: number;
  readonly logStdOffset: number;
  /** Views of the memory; replaced when it grows. */
  f32: Float32Array;
  f64: Float64Array;
  /** Bytes the layout needs with the Ĝ blocks. */
  private readonly fisherBytes: number;

  constructor(
    mlp: GaussianMlp,
    observations: Float64Array,
    readonly n: number,
  ) {
    this.ldAct = pad4(mlp.actDim);
    this.actDim = mlp.actDim;
    this.logStdOffset = mlp.logStdOffset;
    let top = 64;
    const alloc = (bytes: number) => {
      const p = top;
      top += (bytes + 63) & ~63;
      return p;
    };
    const L = mlp.layers.length;
    const act = mlp.actDim;
    const maxLd = Math.max(...mlp.layers.map((l) => pad4(l.outputs)), pad4(mlp.obsDim));
    this.X = alloc(n * pad4(mlp.obsDim) * 4);
    this.layers = mlp.layers.map((layer, l) => {
      const ldIn = pad4(layer.inputs);
      const ldOut = pad4(layer.outputs);
      const hidden = l < L - 1;
      return {
        layer,
        ldIn,
        ldOut,
        W: alloc(ldIn * ldOut * 4),
        b: alloc(ldOut * 4),
        WT: alloc(ldIn * ldOut * 4),
        Wt: alloc(ldIn * ldOut * 4),
        bt: alloc(ldOut * 4),
        dW: alloc(ldIn * ldOut * 4),
        db: alloc(ldOut * 4),
        gW: alloc(ldIn * ldOut * 8),
        gb: alloc(ldOut * 8),
        T: alloc(BLOCK * ldOut * 4),
        D: alloc(BLOCK * ldOut * 4),
        H: hidden ? alloc(n * ldOut * 4) : 0,
        G: 0,
      };
    });
    this.mu = alloc(n * this.ldAct * 4);
    this.muTrial = alloc(n * this.ldAct * 4);
    this.hScratch = mlp.layers.map((l) => alloc(BLOCK * pad4(l.outputs) * 4));
    this.U = alloc(n * act * 4);
    this.zero = alloc(maxLd * 4);
    this.B = alloc(act * maxLd * 4);
    const withoutFisher = top;
    // Ĝ for the hidden layers, last: the memory grows to include it only when `prepareFisher` runs
    // (a batch used only for the gradient and the line search never needs it).
    for (let l = 0; l < L - 1; l++) {
      (this.layers[l] as { G: number }).G = alloc(n * act * this.layers[l]!.ldOut * 4);
    }
    this.fisherBytes = top;
    this.ex = acquireInstance(withoutFisher);
    this.f32 = new Float32Array(this.ex.memory.buffer);
    this.f64 = new Float64Array(this.ex.memory.buffer);
    this.f32.fill(0, this.zero >> 2, (this.zero >> 2) + maxLd);

    // Observations, zero-padded to ld_0 columns.
    const ld0 = this.layers[0]!.ldIn;
    const x0 = this.X >> 2;
    if (ld0 === mlp.obsDim) {
      this.f32.set(observations, x0);
    } else {
      for (let i = 0; i < n; i++) {
        this.f32.set(observations.subarray(i * mlp.obsDim, (i + 1) * mlp.obsDim), x0 + i * ld0);
        this.f32.fill(0, x0 + i * ld0 + mlp.obsDim, x0 + (i + 1) * ld0);
      }
    }
  }

  /** Grows the memory to hold the Ĝ blocks (a no-op once it does), renewing the views. */
  growForFisher(): void {
    growInstance(this.ex, this.fisherBytes);
    this.f32 = new Float32Array(this.ex.memory.buffer);
    this.f64 = new Float64Array(this.ex.memory.buffer);
  }

  /** Hands the instance back to the pool (kernel-instances.ts). */
  release(): void {
    releaseInstance(this.ex);
  }

  /** θ (or a direction) into the padded W and b of `which`, and Wᵀ along with θ_old. */
  writeWeights(theta: ArrayLike<number>, which: 'old' | 'trial' | 'direction'): void {
    const f = this.f32;
    for (const lb of this.layers) {
      const { layer, ldIn, ldOut } = lb;
      const W = (which === 'old' ? lb.W : which === 'trial' ? lb.Wt : lb.dW) >> 2;
      const b = (which === 'old' ? lb.b : which === 'trial' ? lb.bt : lb.db) >> 2;
      f.fill(0, W, W + ldIn * ldOut);
      f.fill(0, b, b + ldOut);
      for (let i = 0; i < layer.inputs; i++) {
        for (let j = 0; j < layer.outputs; j++)
          f[W + i * ldOut + j] = theta[layer.w + i * layer.outputs + j]!;
      }
      for (let j = 0; j < layer.outputs; j++) f[b + j] = theta[layer.b + j]!;
      if (which === 'old') {
        const WT = lb.WT >> 2;
        f.fill(0, WT, WT + ldIn * ldOut);
        for (let i = 0; i < layer.inputs; i++) {
          for (let j = 0; j < layer.outputs; j++)
            f[WT + j * ldIn + i] = theta[layer.w + i * layer.outputs + j]!;
        }
      }
    }
  }

  /** The input of layer l for the block starting at row r0: the states, or the previous layer's h. */
  inputOf(l: number, useScratch: boolean, r0: number): { ptr: number; ld: number } {
    if (l === 0) return { ptr: this.X + r0 * this.layers[0]!.ldIn * 4, ld: this.layers[0]!.ldIn };
    const prev = this.layers[l - 1]!;
    return useScratch
      ? { ptr: this.hScratch[l - 1]!, ld: prev.ldOut }
      : { ptr: prev.H + r0 * prev.ldOut * 4, ld: prev.ldOut };
  }

  /** The float32 means at `ptr` (row stride ldAct) as n × actDim float64. */
  readMeans(ptr: number): Float64Array {
    const actDim = this.actDim;
    const out = new Float64Array(this.n * actDim);
    const m = ptr >> 2;
    for (let i = 0; i < this.n; i++) {
      for (let d = 0; d < actDim; d++) out[i * actDim + d] = this.f32[m + i * this.ldAct + d]!;
    }
    return out;
  }

  clearGradients(): void {
    for (const lb of this.layers) {
      this.f64.fill(0, lb.gW >> 3, (lb.gW >> 3) + lb.ldIn * lb.ldOut);
      this.f64.fill(0, lb.gb >> 3, (lb.gb >> 3) + lb.ldOut);
    }
  }

  /** The accumulated gradients, times `scale`, into θ's layout; the log-std entries are set to 0. */
  readGradients(out: Float64Array, scale: number): Float64Array {
    const g = this.f64;
    for (const { layer, ldOut, gW, gb } of this.layers) {
      const W = gW >> 3;
      const b = gb >> 3;
      for (let i = 0; i < layer.inputs; i++) {
        for (let j = 0; j < layer.outputs; j++)
          out[layer.w + i * layer.outputs + j] = scale * g[W + i * ldOut + j]!;
      }
      for (let j = 0; j < layer.outputs; j++) out[layer.b + j] = scale * g[b + j]!;
    }
    for (let d = 0; d < this.actDim; d++) out[this.logStdOffset + d] = 0;
    return out;
  }
}
