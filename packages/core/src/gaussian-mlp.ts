/**
 * The float64 side of the Gaussian policies of Appendix D, without tfjs: the parameter layout and the
 * plain-array forward pass used for acting in the rollout loop (no tensor call per env step). Env
 * worker threads import it through `@policy-arena/core/env` to act without loading tfjs.
 *
 * π_θ(a|s) = N(μ_θ(s), diag(exp(r))²) with a mean network μ_θ — linear (cart-pole: 4 weights + 1
 * bias + 1 log-std = 6 parameters) or an MLP with tanh hidden layers — and a state-independent
 * log-std vector r. All parameters live in one flat float64 vector θ = [W₁, b₁, …, W_L, b_L, r]
 * (each W row-major, input × output).
 */
import type { Rng } from './rng.js';
import * as libm from '@policy-arena/libm';

export interface GaussianPolicyConfig {
  readonly obsDim: number;
  readonly actDim: number;
  /** Hidden layer sizes; [] is the linear policy. Table 2: 30 (swimmer), 50 (hopper, walker). */
  readonly hidden?: readonly number[];
  /** Initial log standard deviation of every action dimension (rllab, modular_rl: 0). */
  readonly initLogStd?: number;
  /**
   * Scale of the output layer's Glorot-uniform initialization. 1 is rllab's; smaller values start
   * with actions closer to zero-mean noise.
   */
  readonly outputInitScale?: number;
}

export interface MlpLayer {
  readonly inputs: number;
  readonly outputs: number;
  /** Offset of W (inputs × outputs, row-major) in θ. */
  readonly w: number;
  /** Offset of b in θ. */
  readonly b: number;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`GaussianPolicy: ${name} must be a positive integer, got ${v}`);
  return v;
}

export class GaussianMlp {
  readonly obsDim: number;
  readonly actDim: number;
  readonly hidden: readonly number[];
  readonly numParams: number;
  /** Offset of the log-std vector r in θ. */
  readonly logStdOffset: number;
  /** Offsets of every layer's W and b in θ. */
  readonly layers: readonly MlpLayer[];
  protected readonly theta: Float64Array;
  private readonly scratch: Float64Array[];

  constructor(config: GaussianPolicyConfig, params?: Float64Array) {
    this.obsDim = positiveInt('obsDim', config.obsDim);
    this.actDim = positiveInt('actDim', config.actDim);
    this.hidden = (config.hidden ?? []).map((h, i) => positiveInt(`hidden[${i}]`, h));
    const sizes = [this.obsDim, ...this.hidden, this.actDim];
    const layers: MlpLayer[] = [];
    let offset = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inputs = sizes[l]!;
      const outputs = sizes[l + 1]!;
      layers.push({ inputs, outputs, w: offset, b: offset + inputs * outputs });
      offset += inputs * outputs + outputs;
    }
    this.layers = layers;
    this.logStdOffset = offset;
    this.numParams = offset + this.actDim;
    this.theta = new Float64Array(this.numParams);
    this.scratch = sizes.map((s) => new Float64Array(s));
    if (params) this.setParams(params);
    else this.theta.fill(config.initLogStd ?? 0, this.logStdOffset);
  }

  /**
   * A network with rllab's initialization: Glorot-uniform weights, zero biases, log-std = initLogStd.
   */
  static create(config: GaussianPolicyConfig, rng: Rng): GaussianMlp {
    return new GaussianMlp(config).initialize(config, rng);
  }

  /** Draws the initial weights (see `create`) from `rng`; returns this. */
  protected initialize(config: GaussianPolicyConfig, rng: Rng): this {
    const theta = this.getParams();
    this.layers.forEach((layer, l) => {
      const limit = Math.sqrt(6 / (layer.inputs + layer.outputs));
      const scale = l === this.layers.length - 1 ? (config.outputInitScale ?? 1) : 1;
      for (let i = 0; i < layer.inputs * layer.outputs; i++)
        theta[layer.w + i] = scale * rng.uniformIn(-limit, limit);
    });
    this.setParams(theta);
    return this;
  }

  get config(): GaussianPolicyConfig {
    return { obsDim: this.obsDim, actDim: this.actDim, hidden: this.hidden };
  }

  /** A copy of θ. */
  getParams(): Float64Array {
    return Float64Array.from(this.theta);
  }

  setParams(params: ArrayLike<number>): void {
    if (params.length !== this.numParams) {
      throw new RangeError(
        `GaussianPolicy.setParams: got ${params.length} parameters, expected ${this.numParams}`,
      );
    }
    for (let i = 0; i < params.length; i++) {
      if (!Number.isFinite(params[i]!))
        throw new RangeError(`GaussianPolicy.setParams: parameter ${i} is ${params[i]}`);
    }
    this.theta.set(params);
  }

  /** A network of the same shape with other parameters. */
  withParams(params: Float64Array): GaussianMlp {
    return new GaussianMlp(this.config, params);
  }

  logStd(): Float64Array {
    return this.theta.slice(this.logStdOffset);
  }

  // ---------------- float64 side ----------------

  /** μ_θ(s) for one observation, written into `out`. */
  meanInto(obs: ArrayLike<number>, out: Float64Array, theta: Float64Array = this.theta): Float64Array {
    let x: ArrayLike<number> = obs;
    for (let l = 0; l < this.layers.length; l++) {
      const { inputs, outputs, w, b } = this.layers[l]!;
      const last = l === this.layers.length - 1;
      const y = last ? out : this.scratch[l + 1]!;
      for (let j = 0; j < outputs; j++) y[j] = theta[b + j]!;
      for (let i = 0; i < inputs; i++) {
        const xi = x[i]!;
        const row = w + i * outputs;
        for (let j = 0; j < outputs; j++) y[j]! += xi * theta[row + j]!;
      }
      if (!last) for (let j = 0; j < outputs; j++) y[j] = libm.tanh(y[j]!);
      x = y;
    }
    return out;
  }

  /** μ_θ(s) for n observations (n × obsDim row-major) → n × actDim. */
  means(observations: Float64Array, theta: Float64Array = this.theta): Float64Array {
    const n = observations.length / this.obsDim;
    if (!Number.isInteger(n)) {
      throw new RangeError(
        `GaussianPolicy.means: ${observations.length} values is not a multiple of obsDim ${this.obsDim}`,
      );
    }
    const out = new Float64Array(n * this.actDim);
    for (let i = 0; i < n; i++) {
      this.meanInto(
        observations.subarray(i * this.obsDim, (i + 1) * this.obsDim),
        out.subarray(i * this.actDim, (i + 1) * this.actDim),
        theta,
      );
    }
    return out;
  }

  /** Samples a ~ π_θ(·|s) for one observation: μ + σ ⊙ ε, ε ~ N(0, I) from `rng`. */
  act(obs: ArrayLike<number>, rng: Rng, out: Float64Array = new Float64Array(this.actDim)): Float64Array {
    this.meanInto(obs, out);
    for (let j = 0; j < this.actDim; j++)
      out[j]! += libm.exp(this.theta[this.logStdOffset + j]!) * rng.normal();
    return out;
  }

  /** Samples one action per row of an n × obsDim matrix. */
  actBatch(observations: Float64Array, rng: Rng): Float64Array {
    const out = this.means(observations);
    for (let i = 0; i < out.length; i++) {
      out[i]! += libm.exp(this.theta[this.logStdOffset + (i % this.actDim)]!) * rng.normal();
    }
    return out;
  }
}
