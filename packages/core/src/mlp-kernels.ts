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
 * - `fisherVectorProduct` and `empiricalFisherVectorProduct`: the analytic Fisher-vector product of
 *   Appendix C.1 in Gauss–Newton form and the empirical one of §6, on per-state output Jacobians
 *   cached across the conjugate-gradient iterations (mlp-fisher-kernels.ts says how).
 * - `perStateFisherQuadratic`: qₙ = ‖diag(1/σ) Jₙ s‖² + 2‖s_r‖², the per-state model of Eq. (12).
 *
 * `GaussianSurrogateKernels` (surrogate-kernels.ts) adds the sample side of the trust-region step:
 * the surrogate of Eq. (14) or the self-normalized one of Eq. (17), its gradient at θ_old, and the
 * mean and max KL.
 *
 * The memory layout and θ's conversions to and from it are in mlp-kernel-memory.ts. Node only: the
 * module is read from the package's dist folder with `fs` (kernel-instances.ts).
 */
import type { GaussianMlp } from './gaussian-mlp.js';
import { buildOutputJacobians, gaussNewtonProduct } from './mlp-fisher-kernels.js';
import { BLOCK, MlpKernelMemory } from './mlp-kernel-memory.js';
import * as libm from '@policy-arena/libm';

/** Kernels over one fixed batch of states (n × obsDim) for one network shape. */
export class GaussianMlpKernels {
  readonly n: number;
  readonly obsDim: number;
  readonly actDim: number;
  readonly numParams: number;
  readonly logStdOffset: number;
  private readonly m: MlpKernelMemory;
  private readonly logStd: Float64Array;
  private readonly invStd: Float64Array;
  private fisherReady = false;
  /** The cached activations and μ are those of θ_old. */
  private forwardReady = false;
  private disposed = false;

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
    this.logStd = new Float64Array(mlp.actDim);
    this.invStd = new Float64Array(mlp.actDim);
    this.m = new MlpKernelMemory(mlp, observations, n);
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
    this.m.release();
  }

  /** Sets θ_old (the point of `forward`, `jvp`, `vjp` and the Fisher products); drops the Ĝ cache. */
  setParams(theta: Float64Array): void {
    this.checkLength(theta, 'setParams');
    this.m.writeWeights(theta, 'old');
    for (let d = 0; d < this.actDim; d++) {
      this.logStd[d] = theta[this.logStdOffset + d]!;
      this.invStd[d] = libm.exp(-this.logStd[d]!);
    }
    this.fisherReady = false;
    this.forwardReady = false;
  }

  private checkLength(v: ArrayLike<number>, what: string): void {
    if (v.length !== this.numParams) {
      throw new RangeError(`GaussianMlpKernels.${what}: got ${v.length} values, expected ${this.numParams}`);
    }
  }

  /** μ at θ_old for every state (n × actDim), caching the hidden activations. */
  forward(): Float64Array {
    this.runForward(false);
    return this.m.readMeans(this.m.mu);
  }

  /**
   * μ at other parameters (the line search's trial points) without touching θ_old or the caches;
   * returns a view of the float32 means with row stride `meanStride` (valid until the next call).
   */
  forwardMeans(theta: Float64Array): Float32Array {
    this.checkLength(theta, 'forwardMeans');
    this.m.writeWeights(theta, 'trial');
    this.runForward(true);
    const m = this.m;
    return m.f32.subarray(m.muTrial >> 2, (m.muTrial >> 2) + this.n * m.ldAct);
  }

  /** The float32 means at θ_old from the last `forward` (row stride `meanStride`). */
  meansView(): Float32Array {
    const m = this.m;
    return m.f32.subarray(m.mu >> 2, (m.mu >> 2) + this.n * m.ldAct);
  }

  get meanStride(): number {
    return this.m.ldAct;
  }

  private runForward(trial: boolean): void {
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) this.forwardBlock(r0, Math.min(BLOCK, this.n - r0), trial);
    if (!trial) this.forwardReady = true;
  }

  private ensureForward(): void {
    if (!this.forwardReady) this.runForward(false);
  }

  private forwardBlock(r0: number, rows: number, trial: boolean): void {
    const m = this.m;
    const ex = m.ex;
    const L = m.layers.length;
    const out = trial ? m.muTrial : m.mu;
    for (let l = 0; l < L; l++) {
      const lb = m.layers[l]!;
      const { ptr, ld } = m.inputOf(l, trial, r0);
      const last = l === L - 1;
      const C = last ? out + r0 * m.ldAct * 4 : trial ? m.hScratch[l]! : lb.H + r0 * lb.ldOut * 4;
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
    const m = this.m;
    m.clearGradients();
    const last = m.layers[m.layers.length - 1]!;
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, this.n - r0);
      this.forwardBlock(r0, rows, false);
      const D = last.D >> 2;
      m.f32.fill(0, D, D + rows * last.ldOut);
      seed(r0, rows, m.f32, (m.mu >> 2) + r0 * m.ldAct, m.ldAct, D, last.ldOut);
      this.backwardBlock(r0, rows);
    }
    this.forwardReady = true;
    return m.readGradients(out, 1);
  }

  /**
   * J v per state (n × actDim), the directional derivative of μ at θ_old along v, by a tangent pass
   * over the activations cached at θ_old (running the forward pass first when needed).
   */
  jvp(v: ArrayLike<number>, out: Float64Array = new Float64Array(this.n * this.actDim)): Float64Array {
    this.checkLength(v, 'jvp');
    this.ensureForward();
    const m = this.m;
    m.writeWeights(v, 'direction');
    const ex = m.ex;
    const L = m.layers.length;
    const act = this.actDim;
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, this.n - r0);
      for (let l = 0; l < L; l++) {
        const lb = m.layers[l]!;
        const { ptr, ld } = m.inputOf(l, false, r0);
        // ż_l = h_{l−1} Ẇ_l + ḃ_l (+ ḣ_{l−1} W_l)
        ex.gemm(ptr, ld, lb.dW, lb.ldOut, lb.db, lb.T, lb.ldOut, rows, ld, lb.ldOut, 0);
        if (l > 0) {
          const prev = m.layers[l - 1]!;
          ex.mulDtanh(prev.T, prev.H + r0 * prev.ldOut * 4, rows, prev.ldOut); // ḣ_{l−1}
          ex.gemm(prev.T, prev.ldOut, lb.W, lb.ldOut, m.zero, lb.T, lb.ldOut, rows, prev.ldOut, lb.ldOut, 1);
        }
      }
      const T = m.layers[L - 1]!.T >> 2;
      for (let i = 0; i < rows; i++) {
        for (let d = 0; d < act; d++) out[(r0 + i) * act + d] = m.f32[T + i * m.ldAct + d]!;
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
    const m = this.m;
    const L = m.layers.length;
    const act = this.actDim;
    m.clearGradients();
    const last = m.layers[L - 1]!;
    const D = last.D >> 2;
    for (let r0 = 0; r0 < this.n; r0 += BLOCK) {
      const rows = Math.min(BLOCK, this.n - r0);
      m.f32.fill(0, D, D + rows * last.ldOut);
      for (let i = 0; i < rows; i++) {
        for (let d = 0; d < act; d++) m.f32[D + i * last.ldOut + d] = u[(r0 + i) * act + d]!;
      }
      this.backwardBlock(r0, rows);
    }
    return m.readGradients(out, 1);
  }

  /** Backward from the last layer's D (filled for this block) down to the first layer. */
  private backwardBlock(r0: number, rows: number): void {
    const m = this.m;
    const ex = m.ex;
    for (let l = m.layers.length - 1; l >= 0; l--) {
      const lb = m.layers[l]!;
      const { ptr, ld } = m.inputOf(l, false, r0);
      ex.gemmTN(ptr, ld, lb.D, lb.ldOut, rows, ld, lb.ldOut, lb.gW, lb.ldOut, lb.gb);
      if (l > 0) {
        const prev = m.layers[l - 1]!;
        // δ_{l−1} = (δ_l W_lᵀ) ⊙ (1 − h_{l−1}²)
        ex.gemm(lb.D, lb.ldOut, lb.WT, lb.ldIn, m.zero, prev.D, prev.ldOut, rows, lb.ldOut, lb.ldIn, 0);
        ex.mulDtanh(prev.D, prev.H + r0 * prev.ldOut * 4, rows, prev.ldOut);
      }
    }
  }

  /**
   * Builds Ĝ_l = diag(1/σ) ∂μ/∂z_l per state for the hidden layers at θ_old (mlp-fisher-kernels.ts),
   * growing the memory to hold them.
   */
  prepareFisher(): void {
    this.m.growForFisher();
    this.ensureForward();
    buildOutputJacobians(this.m, this.invStd);
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
    return gaussNewtonProduct(this.m, this.invStd, v, out, actions);
  }

  /** qₙ = Σ_d (Jₙ s)_d² / σ_d² + 2‖s_r‖² per state (the per-state ½ sᵀAₙs, without the ½). */
  perStateFisherQuadratic(s: ArrayLike<number>): Float64Array {
    const js = this.jvp(s);
    let sr = 0;
    for (let d = 0; d < this.actDim; d++) {
      const v = s[this.logStdOffset + d]!;
      sr += v * v;
    }
    const q = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      let t = 2 * sr;
      for (let d = 0; d < this.actDim; d++) {
        const u = js[i * this.actDim + d]! * this.invStd[d]!;
        t += u * u;
      }
      q[i] = t;
    }
    return q;
  }
}
