/**
 * The sample side of the trust-region step, on the kernels of mlp-kernels.ts: a surrogate given as a
 * function of the likelihood ratios (`RatioSurrogate`: Eq. 14, Eq. 17, or a plugin's own), its
 * gradient at θ_old, and the mean and max KL.
 */
import type { GaussianMlpKernels } from './mlp-kernels.js';
import * as libm from '@policy-arena/libm';

/**
 * A surrogate objective written as a function of the per-sample likelihood ratios
 *     ρₙ = π_θ(aₙ|sₙ) / π_old(aₙ|sₙ),
 * which is how every estimator of §5 reads: Eq. (14) is (1/N) Σₙ ρₙ Q̂ₙ, vine's Eq. (17) normalizes
 * the ratios within each state's group. Whatever the estimator, ∇_θ L = Σₙ (∂L/∂ log πₙ) ∇_θ log πₙ,
 * so the policy side only needs the coefficients ∂L/∂ log πₙ = ρₙ ∂L/∂ρₙ.
 */
export interface RatioSurrogate {
  /** N: the samples it is defined on, in the order of the batch. */
  readonly samples: number;
  /** L(ρ). With `dLogProb`, also writes ∂L/∂ log π_θ(aₙ|sₙ) = ρₙ ∂L/∂ρₙ into it. */
  value(ratios: Float64Array, dLogProb?: Float64Array): number;
}

export interface SurrogateEvaluation {
  /** L(θ) of the `RatioSurrogate`. */
  readonly surrogate: number;
  /** Mean and max over samples of KL(π_old(·|sₙ) ‖ π_θ(·|sₙ)). */
  readonly meanKl: number;
  readonly maxKl: number;
}

/**
 * The sample side of the trust-region step (§5–6) over a `GaussianMlpKernels` batch at θ_old, with
 * the actions aₙ taken and a `RatioSurrogate` L(ρ): L at any θ, its gradient at θ_old,
 * ∇L = Σₙ (∂L/∂ log πₙ) ∇ log πₙ with
 *   ∂ log πₙ/∂μₙ = (aₙ − μₙ)/σ²,  ∂ log πₙ/∂r = zₙ² − 1,  z = (a − μ)/σ,
 * and the mean and max KL(π_old ‖ π_θ) for the line search. Log-ratios are formed in float64 from the
 * float32 means, so ρ = 1 exactly at θ_old.
 */
export class GaussianSurrogateKernels {
  readonly n: number;
  private readonly act: number;
  private readonly oldMeans: Float64Array;
  private readonly oldLogStd: Float64Array;
  /** −½ Σ_d zₙ_d² at θ_old. */
  private readonly oldQuad: Float64Array;
  private readonly ratio: Float64Array;

  constructor(
    readonly kernels: GaussianMlpKernels,
    private readonly actions: Float64Array,
    private readonly surrogate: RatioSurrogate,
    thetaOld: Float64Array,
  ) {
    this.n = kernels.n;
    this.act = kernels.actDim;
    if (actions.length !== this.n * this.act) {
      throw new RangeError(
        `GaussianSurrogateKernels: actions must be n × actDim = ${this.n * this.act} long, got ${actions.length}`,
      );
    }
    if (surrogate.samples !== this.n) {
      throw new RangeError(
        `GaussianSurrogateKernels: the surrogate is defined on ${surrogate.samples} samples, the batch has ${this.n}`,
      );
    }
    kernels.setParams(thetaOld);
    this.oldMeans = new Float64Array(this.n * this.act);
    this.oldLogStd = thetaOld.slice(kernels.logStdOffset, kernels.logStdOffset + this.act);
    this.oldQuad = new Float64Array(this.n);
    this.ratio = new Float64Array(this.n);
  }

  private old: { value: number; gradient: Float64Array } | null = null;

  /**
   * L and ∇L at θ_old in one forward–backward sweep. At θ_old every ratio is 1, so ∂L/∂ log πₙ is
   * known before the forward pass and each block is seeded as soon as its means are computed.
   */
  private atOld(): { value: number; gradient: Float64Array } {
    if (this.old) return this.old;
    const { act } = this;
    this.ratio.fill(1);
    const c = new Float64Array(this.n);
    const value = this.surrogateOfRatios(c);
    const inv = Array.from(this.oldLogStd, (r) => libm.exp(-r));
    const gr = new Float64Array(act);
    const { actions, oldMeans, oldQuad } = this;
    const gradient = this.kernels.forwardBackward((r0, rows, f32, mo, ms, dOff, ds) => {
      for (let i = 0; i < rows; i++) {
        const n = r0 + i;
        let q = 0;
        for (let d = 0; d < act; d++) {
          const mu = f32[mo + i * ms + d]!;
          oldMeans[n * act + d] = mu;
          const z = (actions[n * act + d]! - mu) * inv[d]!;
          q += z * z;
          f32[dOff + i * ds + d] = c[n]! * z * inv[d]!; // c · (a − μ)/σ²
          gr[d]! += c[n]! * (z * z - 1);
        }
        oldQuad[n] = -0.5 * q;
      }
    });
    for (let d = 0; d < act; d++) gradient[this.kernels.logStdOffset + d] = gr[d]!;
    this.old = { value, gradient };
    return this.old;
  }

  /** −½ Σ_d ((aₙ − μₙ)/σ)² per sample for means with row stride `stride`. */
  private quadratic(means: ArrayLike<number>, stride: number, logStd: Float64Array): Float64Array {
    const act = this.act;
    const inv = Array.from(logStd, (r) => libm.exp(-r));
    const out = new Float64Array(this.n);
    for (let i = 0; i < this.n; i++) {
      let q = 0;
      for (let d = 0; d < act; d++) {
        const z = (this.actions[i * act + d]! - means[i * stride + d]!) * inv[d]!;
        q += z * z;
      }
      out[i] = -0.5 * q;
    }
    return out;
  }

  /** L from the ratios ρ in `this.ratio`; with `coefficients`, also ∂L/∂ log πₙ. */
  private surrogateOfRatios(coefficients?: Float64Array): number {
    return this.surrogate.value(this.ratio, coefficients);
  }

  /** ∇L(θ_old) in θ's layout, and L(θ_old). */
  gradient(): { value: number; gradient: Float64Array } {
    const { value, gradient } = this.atOld();
    return { value, gradient: Float64Array.from(gradient) };
  }

  /** L, mean KL and max KL at θ (one forward pass over the batch; θ_old and its caches are kept). */
  evaluate(theta: Float64Array): SurrogateEvaluation {
    this.atOld();
    const { n, act } = this;
    const means = this.kernels.forwardMeans(theta);
    const stride = this.kernels.meanStride;
    const logStd = theta.slice(this.kernels.logStdOffset, this.kernels.logStdOffset + act);
    const quad = this.quadratic(means, stride, logStd);
    let dLogStd = 0;
    let klConst = 0;
    const half1 = new Float64Array(act);
    for (let d = 0; d < act; d++) {
      const r0 = this.oldLogStd[d]!;
      const r1 = logStd[d]!;
      dLogStd += r1 - r0;
      klConst += r1 - r0 + libm.exp(2 * r0 - 2 * r1) / 2 - 0.5;
      half1[d] = libm.exp(-2 * r1) / 2;
    }
    let sumKl = 0;
    let maxKl = -Infinity;
    for (let i = 0; i < n; i++) {
      this.ratio[i] = libm.exp(quad[i]! - this.oldQuad[i]! - dLogStd);
      let kl = klConst;
      for (let d = 0; d < act; d++) {
        const dm = this.oldMeans[i * act + d]! - means[i * stride + d]!;
        kl += dm * dm * half1[d]!;
      }
      sumKl += kl;
      if (kl > maxKl) maxKl = kl;
    }
    return { surrogate: this.surrogateOfRatios(), meanKl: sumKl / n, maxKl };
  }
}
