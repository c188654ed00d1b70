/**
 * Fast kernels for the Gaussian MLP policy of Appendix D, without tfjs: float32 WebAssembly SIMD
 * (assembly/mlp.ts, compiled by AssemblyScript into dist/mlp-kernels.wasm at build time) over one
 * batch of states, with float64 accumulation of every gradient and reduction.
 *
 * Notation (θ layout of `GaussianMlp`): layers l = 1..L, z_l = h_{l−1} W_l + b_l, h_0 = s,
 * h_l = tanh(z_l) for l < L, μ = z_L; r is the log-std vector, σ = exp(r). J = ∂μ/∂θ per state.
 *
 * - `forward`: μ for every state, caching every hidden activation h_l.
 * - `jvp`: J v per state by a tangent pass over the cached activations
 *   (ż_l = h_{l−1} Ẇ_l + ḃ_l + ḣ_{l−1} W_l, ḣ_l = (1 − h_l²) ⊙ ż_l).
 * - `vjp`: Jᵀ u summed over states by a backward pass (∂W_l = h_{l−1}ᵀ δ_l, δ_{l−1} = (δ_l W_lᵀ) ⊙ (1 − h²)).
 * - `fisherVectorProduct`: the analytic Fisher-vector product of Appendix C.1 in Gauss–Newton form,
 *   A v = (1/N) Σₙ Jₙᵀ M Jₙ v + 2 v_r with M = diag(1/σ²), the exact KL Hessian at θ_old. Since θ_old
 *   is fixed across the conjugate-gradient iterations, the per-state Jacobians of the scaled output
 *   with respect to each hidden pre-activation, Ĝ_l = diag(1/σ) ∂μ/∂z_l (actDim × width_l), are built
 *   once (`prepareFisher`, a backward pass of the output rows) and then
 *     Ĵ v = Σ_l Ĝ_l (h_{l−1} Ẇ_l + ḃ_l)   and   Ĵᵀ u: δ_l = Ĝ_lᵀ u, ∂W_l = Σₙ h_{l−1} δ_lᵀ,
 *   where the last layer has Ĝ_L = diag(1/σ). This costs two GEMMs per layer (about 2.2 forward passes
 *   per product for the 12-50-50-3 network), against four for a tangent pass plus a backward pass.
 * - `empiricalFisherVectorProduct` (§6): F v = (1/N) Gᵀ(G v), Gₙ = ∇ log π(aₙ|sₙ) = [Ĵₙᵀ zₙ; zₙ² − 1],
 *   z = (a − μ)/σ, with the same cached Ĝ.
 * - `perStateFisherQuadratic`: qₙ = ‖diag(1/σ) Jₙ s‖² + 2‖s_r‖², the per-state model of Eq. (12).
 *
 * `GaussianSurrogateKernels` (surrogate-kernels.ts) adds the sample side of the trust-region step:
 * the surrogate of Eq. (14) or the self-normalized one of Eq. (17), its gradient at θ_old, and the
 * mean and max KL.
 *
 * Node only: the module is read from the package's dist folder with `fs` (kernel-instances.ts).
 */
import type { GaussianMlp, MlpLayer } from './gaussian-mlp.js';
import { acquireInstance, growInstance, releaseInstance } from './kernel-instances.js';
import type { KernelExports } from './kernel-instances.js';
/** Rows per kernel call: small enough that a block's activations stay in the L2 cache. */
const BLOCK = 128;
const pad4 = (x: number) => (x + 3) & ~3;

interface LayerBuffers {
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

/** Kernels over one fixed batch of states (n × obsDim) for one network shape. */
export class GaussianMlpKernels {
  readonly n: number;
  readonly obsDim: number;
  readonly actDim: number;
  readonly numParams: number;
  readonly logStdOffset: number;
  private readonly ex: KernelExports;
  private readonly layers: LayerBuffers[];
  private readonly X: number;
  /** Means μ (n × ldAct) at θ_old, and at the trial parameters of `forwardMeans`. */
  private readonly mu: number;
  private readonly muTrial: number;
  /** Per-block hidden activations for `forwardMeans` (BLOCK × max width). */
  private readonly hScratch: number[];
  /** Output-side rows: U (n × actDim) for vjp inputs / FVP intermediates. */
  private readonly U: number;
  private readonly zero: number;
  /** Wᵀ_L / σ (actDim × ld_{L−1}), the first Ĝ before the tanh derivative. */
  private readonly B: number;
  private readonly ldAct: number;
  private f32: Float32Array;
  private f64: Float64Array;
  private readonly logStd: Float64Array;
  private readonly invStd: Float64Array;
  private fisherReady = false;
  /** Bytes the layout needs with the Ĝ blocks. */
  private readonly fisherBytes: number;
  /** The cached activations and μ are those of θ_old. */
  private forwardReady = false;

  constructor(mlp: GaussianMlp, observations: Float64Array, params: Float64Array = mlp.getParams()) {
    const n = observations.length / mlp.obsDim;
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(
        `GaussianMlpKernels: ${observations.length} values is not n × obsDim ${mlp.obsDim}`,
      );
    }
    this.n = n;
    this.obsDim = mlp.obsDim;
    this.actDim = mlp.actDim;
    this.numParams = mlp.numParams;
    this.logStdOffset = mlp.logStdOffset;
    this.ldAct = pad4(mlp.actDim);
    this.logStd = new Float64Array(mlp.actDim);
    this.invStd = new Float64Array(mlp.actDim);

    // Layout: a bump allocator over one memory, 64-byte aligned.
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
    this.setParams(params);
  }

  /**
   * Hands the WebAssembly memory back to a small pool, so that the next batch of the same size (the
   * next update) reuses it instead of faulting in fresh pages; the object is unusable afterwards.
   * Optional: without it the memory is garbage-collected with the object.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    releaseInstance(this.ex);
  }

  private disposed = false;

  /** Sets θ_old (the point of `forward`, `jvp`, `vjp` and the Fisher products); drops the Ĝ cache. */
  setParams(theta: Float64Array): void {
    this.checkLength(theta, 'setParams');
    this.writeWeights(theta, 'old');
    for (let d = 0; d < this.actDim; d++) {
      this.logStd[d] = theta[this.logStdOffset + d]!;
      this.invStd[d] = Math.exp(-this.logStd[d]!);
    }
    this.fisherReady = false;
    this.forwardReady = false;
  }

  private checkLength(v: ArrayLike<number>, what: string): void {
    if (v.length !== this.numParams) {
      throw new RangeError(`GaussianMlpKernels.${what}: got ${v.length} values, expected ${this.numParams}`);
    }
  }

  private writeWeights(theta: ArrayLike<number>, which: 'old' | 'trial' | 'direction'): void {
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

  private inputOf(l: number, useScratch: boolean, r0: number): { ptr: number; ld: number } {
    if (l === 0) return { ptr: this.X + r0 * this.layers[0]!.ldIn * 4, ld: this.layers[0]!.ldIn };
    const prev = this.layers[l - 1]!;
    return useScratch
      ? { ptr: this.hScratch[l - 1]!, ld: prev.ldOut }
      : { ptr: prev.H + r0 * prev.ldOut * 4, ld: prev.ldOut };
  }

  /** μ at θ_old for every state (n × actDim), caching the hidden activations. */
  forward(): Float64Array {
    this.runForward(false);
    return this.readMeans(this.mu);
  }

  /**
   * μ at other parameters (the line search's trial points) without touching θ_old or the caches;
   * returns a view of the float32 means with row stride `meanStride` (valid until the next call).
   */
  forwardMeans(theta: Float64Array): Float32Array {
    this.checkLength(theta, 'forwardMeans');
    this.writeWeights(theta, 'trial');
    this.runForward(true);
    return this.f32.subarray(this.muTrial >> 2, (this.muTrial >> 2) + this.n * this.ldAct);
  }

  /** The float32 means at θ_old from the last `forward` (row stride `meanStride`). */
  meansView(): Float32Array {
    return this.f32.subarray(this.mu >> 2, (this.mu >> 2) + this.n * this.ldAct);
  }

  get meanStride(): number {
    return this.ldAct;
  }

  private runForward(trial: boolean): void {
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) this.forwardBlock(r0, Math.min(BLOCK, this.n - r0), trial);
    if (!trial) this.forwardReady = true;
  }

  private ensureForward(): void {
    if (!this.forwardReady) this.runForward(false);
  }

  private forwardBlock(r0: number, rows: number, trial: boolean): void {
    const ex = this.ex;
    const L = this.layers.length;
    const out = trial ? this.muTrial : this.mu;
    for (let l = 0; l < L; l++) {
      const lb = this.layers[l]!;
      const { ptr, ld } = this.inputOf(l, trial, r0);
      const last = l === L - 1;
      const C = last ? out + r0 * this.ldAct * 4 : trial ? this.hScratch[l]! : lb.H + r0 * lb.ldOut * 4;
      const W = trial ? lb.Wt : lb.W;
      ex.gemm(ptr, ld, W, lb.ldOut, trial ? lb.bt : lb.b, C, lb.ldOut, rows, ld, lb.ldOut, 0);
      if (!last) ex.tanhInPlace(C, rows * lb.ldOut);
    }
  }

  /**
   * One sweep over the batch at θ_old that returns Σₙ Jₙᵀ (∂f/∂μₙ) for a per-sample seed: block by
   * block, the forward pass (caching the activations and μ), then `seed` writes ∂f/∂μ for the block's
   * rows into `f32[dOffset + i·dStride + d]` given their means at `f32[meanOffset + i·meanStride + d]`,
   * then the backward pass — while the block's activations are still in cache. Log-std entries are 0.
   */
  forwardBackward(
    seed: (
      r0: number,
      rows: number,
      f32: Float32Array,
      meanOffset: number,
      meanStride: number,
      dOffset: number,
      dStride: number,
    ) => void,
    out: Float64Array = new Float64Array(this.numParams),
  ): Float64Array {
    this.clearGradients();
    const last = this.layers[this.layers.length - 1]!;
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, this.n - r0);
      this.forwardBlock(r0, rows, false);
      const D = last.D >> 2;
      this.f32.fill(0, D, D + rows * last.ldOut);
      seed(r0, rows, this.f32, (this.mu >> 2) + r0 * this.ldAct, this.ldAct, D, last.ldOut);
      this.backwardBlock(r0, rows);
    }
    this.forwardReady = true;
    return this.readGradients(out, 1);
  }

  private readMeans(ptr: number): Float64Array {
    const out = new Float64Array(this.n * this.actDim);
    const m = ptr >> 2;
    for (let i = 0; i < this.n; i++) {
      for (let d = 0; d < this.actDim; d++) out[i * this.actDim + d] = this.f32[m + i * this.ldAct + d]!;
    }
    return out;
  }

  /**
   * J v per state (n × actDim), the directional derivative of μ at θ_old along v, by a tangent pass
   * over the activations cached at θ_old (running the forward pass first when needed).
   */
  jvp(v: ArrayLike<number>, out: Float64Array = new Float64Array(this.n * this.actDim)): Float64Array {
    this.checkLength(v, 'jvp');
    this.ensureForward();
    this.writeWeights(v, 'direction');
    const ex = this.ex;
    const L = this.layers.length;
    const act = this.actDim;
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, this.n - r0);
      for (let l = 0; l < L; l++) {
        const lb = this.layers[l]!;
        const { ptr, ld } = this.inputOf(l, false, r0);
        // ż_l = h_{l−1} Ẇ_l + ḃ_l (+ ḣ_{l−1} W_l)
        ex.gemm(ptr, ld, lb.dW, lb.ldOut, lb.db, lb.T, lb.ldOut, rows, ld, lb.ldOut, 0);
        if (l > 0) {
          const prev = this.layers[l - 1]!;
          ex.mulDtanh(prev.T, prev.H + r0 * prev.ldOut * 4, rows, prev.ldOut); // ḣ_{l−1}
          ex.gemm(
            prev.T,
            prev.ldOut,
            lb.W,
            lb.ldOut,
            this.zero,
            lb.T,
            lb.ldOut,
            rows,
            prev.ldOut,
            lb.ldOut,
            1,
          );
        }
      }
      const T = this.layers[L - 1]!.T >> 2;
      for (let i = 0; i < rows; i++) {
        for (let d = 0; d < act; d++) out[(r0 + i) * act + d] = this.f32[T + i * this.ldAct + d]!;
      }
    }
    return out;
  }

  /**
   * Σₙ Jₙᵀ uₙ for u (n × actDim): the gradient of Σₙ uₙ · μ(sₙ) at θ_old, in θ's layout (the log-std
   * entries are 0), by a backward pass over the cached activations.
   */
  vjp(u: ArrayLike<number>, out: Float64Array = new Float64Array(this.numParams)): Float64Array {
    if (u.length !== this.n * this.actDim) {
      throw new RangeError(
        `GaussianMlpKernels.vjp: got ${u.length} values, expected ${this.n * this.actDim}`,
      );
    }
    this.ensureForward();
    const L = this.layers.length;
    const act = this.actDim;
    this.clearGradients();
    const last = this.layers[L - 1]!;
    const D = last.D >> 2;
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, this.n - r0);
      this.f32.fill(0, D, D + rows * last.ldOut);
      for (let i = 0; i < rows; i++) {
        for (let d = 0; d < act; d++) this.f32[D + i * last.ldOut + d] = u[(r0 + i) * act + d]!;
      }
      this.backwardBlock(r0, rows);
    }
    return this.readGradients(out, 1);
  }

  /** Backward from the last layer's D (filled for this block) down to the first layer. */
  private backwardBlock(r0: number, rows: number): void {
    const ex = this.ex;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const lb = this.layers[l]!;
      const { ptr, ld } = this.inputOf(l, false, r0);
      ex.gemmTN(ptr, ld, lb.D, lb.ldOut, rows, ld, lb.ldOut, lb.gW, lb.ldOut, lb.gb);
      if (l > 0) {
        const prev = this.layers[l - 1]!;
        // δ_{l−1} = (δ_l W_lᵀ) ⊙ (1 − h_{l−1}²)
        ex.gemm(lb.D, lb.ldOut, lb.WT, lb.ldIn, this.zero, prev.D, prev.ldOut, rows, lb.ldOut, lb.ldIn, 0);
        ex.mulDtanh(prev.D, prev.H + r0 * prev.ldOut * 4, rows, prev.ldOut);
      }
    }
  }

  private clearGradients(): void {
    for (const lb of this.layers) {
      this.f64.fill(0, lb.gW >> 3, (lb.gW >> 3) + lb.ldIn * lb.ldOut);
      this.f64.fill(0, lb.gb >> 3, (lb.gb >> 3) + lb.ldOut);
    }
  }

  private readGradients(out: Float64Array, scale: number): Float64Array {
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

  /**
   * Builds Ĝ_l = diag(1/σ) ∂μ/∂z_l per state for the hidden layers at θ_old:
   * Ĝ_{L−1} = (W_Lᵀ/σ) ⊙ (1 − h_{L−1}²), Ĝ_{l} = (Ĝ_{l+1} W_{l+1}ᵀ) ⊙ (1 − h_l²).
   */
  prepareFisher(): void {
    growInstance(this.ex, this.fisherBytes);
    this.f32 = new Float32Array(this.ex.memory.buffer);
    this.f64 = new Float64Array(this.ex.memory.buffer);
    this.ensureForward();
    const ex = this.ex;
    const L = this.layers.length;
    const act = this.actDim;
    if (L > 1) {
      const last = this.layers[L - 1]!;
      const B = this.B >> 2;
      const ld = last.ldIn;
      this.f32.fill(0, B, B + act * ld);
      for (let d = 0; d < act; d++) {
        for (let j = 0; j < last.layer.inputs; j++) {
          this.f32[B + d * ld + j] = this.invStd[d]! * this.f32[(last.W >> 2) + j * last.ldOut + d]!;
        }
      }
    }
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, this.n - r0);
      for (let l = L - 2; l >= 0; l--) {
        const lb = this.layers[l]!;
        const G = lb.G + r0 * act * lb.ldOut * 4;
        const H = lb.H + r0 * lb.ldOut * 4;
        if (l === L - 2) {
          ex.jacobianInit(G, this.B, H, rows, act, lb.ldOut);
        } else {
          const next = this.layers[l + 1]!;
          const Gn = next.G + r0 * act * next.ldOut * 4;
          ex.gemm(
            Gn,
            next.ldOut,
            next.WT,
            next.ldIn,
            this.zero,
            G,
            lb.ldOut,
            rows * act,
            next.ldOut,
            lb.ldOut,
            0,
          );
          ex.mulDtanhBlocks(G, H, rows, act, lb.ldOut);
        }
      }
    }
    this.fisherReady = true;
  }

  /** A v = (1/N) Σₙ Jₙᵀ M Jₙ v + 2 v_r (Appendix C.1), at θ_old; builds the Ĝ cache on first use. */
  fisherVectorProduct(
    v: ArrayLike<number>,
    out: Float64Array = new Float64Array(this.numParams),
  ): Float64Array {
    return this.gaussNewtonProduct(v, out, null);
  }

  /**
   * F v = (1/N) Σₙ gₙ gₙᵀ v with gₙ = ∇ log π(aₙ|sₙ) (§6), at θ_old; `actions` n × actDim.
   */
  empiricalFisherVectorProduct(
    v: ArrayLike<number>,
    actions: ArrayLike<number>,
    out: Float64Array = new Float64Array(this.numParams),
  ): Float64Array {
    if (actions.length !== this.n * this.actDim) {
      throw new RangeError(
        `GaussianMlpKernels.empiricalFisherVectorProduct: got ${actions.length} action values, expected ${this.n * this.actDim}`,
      );
    }
    return this.gaussNewtonProduct(v, out, actions);
  }

  private gaussNewtonProduct(
    v: ArrayLike<number>,
    out: Float64Array,
    actions: ArrayLike<number> | null,
  ): Float64Array {
    this.checkLength(v, 'fisherVectorProduct');
    if (!this.fisherReady) this.prepareFisher();
    this.writeWeights(v, 'direction');
    this.clearGradients();
    const ex = this.ex;
    const f = this.f32;
    const L = this.layers.length;
    const act = this.actDim;
    const last = this.layers[L - 1]!;
    const invStd = this.invStd;
    const mu = this.mu >> 2;
    const vr = Array.from({ length: act }, (_, d) => v[this.logStdOffset + d]!);
    const gr = new Float64Array(act); // log-std part of the empirical product
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, this.n - r0);
      const U = this.U + r0 * act * 4;
      const u = U >> 2;
      f.fill(0, u, u + rows * act);
      // Ĵ v = Σ_l Ĝ_l (h_{l−1} Ẇ_l + ḃ_l)
      for (let l = 0; l < L; l++) {
        const lb = this.layers[l]!;
        const { ptr, ld } = this.inputOf(l, false, r0);
        ex.gemm(ptr, ld, lb.dW, lb.ldOut, lb.db, lb.T, lb.ldOut, rows, ld, lb.ldOut, 0);
        if (l < L - 1) ex.blockDot(lb.G + r0 * act * lb.ldOut * 4, lb.T, U, rows, act, lb.ldOut);
      }
      const T = last.T >> 2;
      const D = last.D >> 2;
      for (let i = 0; i < rows; i++) {
        let c = 0;
        for (let d = 0; d < act; d++) {
          const jv = f[u + i * act + d]! + invStd[d]! * f[T + i * last.ldOut + d]!;
          if (actions) {
            const z = (actions[(r0 + i) * act + d]! - f[mu + (r0 + i) * this.ldAct + d]!) * invStd[d]!;
            c += z * jv + (z * z - 1) * vr[d]!;
          } else {
            f[u + i * act + d] = jv;
          }
        }
        if (actions) {
          // u'ₙ = (gₙ · v) zₙ for the mean part; the log-std part is Σₙ (gₙ · v)(zₙ² − 1).
          for (let d = 0; d < act; d++) {
            const z = (actions[(r0 + i) * act + d]! - f[mu + (r0 + i) * this.ldAct + d]!) * invStd[d]!;
            f[u + i * act + d] = c * z;
            gr[d]! += c * (z * z - 1);
          }
        }
        for (let d = 0; d < last.ldOut; d++)
          f[D + i * last.ldOut + d] = d < act ? invStd[d]! * f[u + i * act + d]! : 0;
      }
      // Ĵᵀ u: δ_L = u/σ, δ_l = Ĝ_lᵀ u, ∂W_l += h_{l−1}ᵀ δ_l
      for (let l = 0; l < L; l++) {
        const lb = this.layers[l]!;
        if (l < L - 1) ex.blockTdot(lb.G + r0 * act * lb.ldOut * 4, U, lb.D, rows, act, lb.ldOut);
        const { ptr, ld } = this.inputOf(l, false, r0);
        ex.gemmTN(ptr, ld, lb.D, lb.ldOut, rows, ld, lb.ldOut, lb.gW, lb.ldOut, lb.gb);
      }
    }
    this.readGradients(out, 1 / this.n);
    for (let d = 0; d < act; d++) {
      out[this.logStdOffset + d] = actions ? gr[d]! / this.n : 2 * vr[d]!;
    }
    return out;
  }

  /** qₙ = Σ_d (Jₙ s)_d² / σ_d² + 2‖s_r‖² per state (the per-state ½ sᵀAₙs, without the ½). */
  perStateFisherQuadratic(s: ArrayLike<number>): Float64Array {
    const js = this.jvp(s);
    let sr = 0;
    for (let d = 0; d < this.actDim; d++) sr += s[this.logStdOffset + d]! ** 2;
    const q = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      let t = 2 * sr;
      for (let d = 0; d < this.actDim; d++) t += (js[i * this.actDim + d]! * this.invStd[d]!) ** 2;
      q[i] = t;
    }
    return q;
  }
}
