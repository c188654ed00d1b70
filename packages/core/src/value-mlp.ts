/**
 * A small fitted value function: V(s, t) = μ_y + σ_y · f_w([s, τ]), τ = t / horizon, with f_w a
 * tanh MLP (linear output) fitted by full-batch Adam steps (first-order.ts; Kingma & Ba 2015) on
 * the mean squared error to standardized targets (yₜ − μ_y)/σ_y.
 *
 * Targets change scale as the policy improves (cart-pole's returns grow tenfold), so μ_y and σ_y
 * are reset to the targets' mean and std at every fit, and the output layer is rescaled so that
 * the network's predictions are unchanged by it — "preserving outputs precisely" (van Hasselt et
 * al. 2016, "Learning values across many orders of magnitude", Pop-Art): W ← W σ/σ′,
 * b ← (σ b + μ − μ′)/σ′. Each fit then continues from the previous one (a warm start).
 *
 * The network reuses the Gaussian policy's mean network (gaussian-mlp.ts: Glorot-uniform
 * weights, zero biases, 0.1-scaled output layer); its log-std slot is unused. Predictions run in
 * float64, gradients in tfjs float32 (every tensor disposed). Deterministic: no minibatch sampling.
 */
import * as tf from '@tensorflow/tfjs';
import type { ValueEstimates } from './advantages.js';
import type { Baseline, BaselineBatch } from './baselines.js';
import { Adam } from './first-order.js';
import { jsonNumbers } from './json-values.js';
import type { Json } from './plugin.js';
import { GaussianPolicy } from './policy.js';
import type { Rng } from './rng.js';

export interface MlpBaselineOptions {
  readonly obsDim: number;
  /** The task's horizon, for the time input τ = t / horizon (`ctx.envSpec.maxEpisodeSteps`). */
  readonly horizon: number;
  /** Hidden layer sizes (default [32, 32]). */
  readonly hidden?: readonly number[];
  /** Adam's α (default 0.01). */
  readonly learningRate?: number;
  /** Full-batch Adam steps per `fit` (default 50). */
  readonly fitSteps?: number;
}

/** A tanh MLP value function of the state and the time step, fitted by Adam. */
export class MlpBaseline implements Baseline {
  readonly obsDim: number;
  readonly horizon: number;
  readonly fitSteps: number;
  private readonly net: GaussianPolicy;
  private readonly adam: Adam;
  private params: Float64Array;
  private targetMean = 0;
  private targetStd = 1;
  private fitted = false;

  /** `rng` draws the initial weights (e.g. `deps.rng.split('value-init')`). */
  constructor(options: MlpBaselineOptions, rng: Rng) {
    this.obsDim = options.obsDim;
    if (!(options.horizon > 0))
      throw new RangeError(`MlpBaseline: horizon must be > 0, got ${options.horizon}`);
    this.horizon = options.horizon;
    this.fitSteps = options.fitSteps ?? 50;
    if (!(Number.isInteger(this.fitSteps) && this.fitSteps >= 1))
      throw new RangeError(`MlpBaseline: fitSteps must be an integer ≥ 1, got ${this.fitSteps}`);
    const config = {
      obsDim: this.obsDim + 1,
      actDim: 1,
      hidden: options.hidden ?? [32, 32],
      outputInitScale: 0.1,
    };
    this.net = GaussianPolicy.create(config, rng);
    this.params = this.net.getParams();
    this.adam = new Adam({ learningRate: options.learningRate ?? 0.01 });
  }

  /** Rows [s, τ] of every step, then of every episode's final observation (zeros when absent). */
  private inputs(batch: BaselineBatch, finals: boolean): Float64Array {
    const d = this.obsDim + 1;
    if (batch.obsDim !== this.obsDim)
      throw new RangeError(`MlpBaseline: built for obsDim ${this.obsDim}, the batch has ${batch.obsDim}`);
    const rows = batch.numSteps + (finals ? batch.episodes.length : 0);
    const x = new Float64Array(rows * d);
    for (const ep of batch.episodes) {
      for (let k = 0; k < ep.length; k++) {
        const t = ep.start + k;
        x.set(batch.observations.subarray(t * this.obsDim, (t + 1) * this.obsDim), t * d);
        x[t * d + this.obsDim] = k / this.horizon;
      }
    }
    if (finals) {
      batch.episodes.forEach((ep, e) => {
        const row = (batch.numSteps + e) * d;
        if (ep.finalObservation) x.set(ep.finalObservation, row);
        x[row + this.obsDim] = ep.length / this.horizon;
      });
    }
    return x;
  }

  predict(batch: BaselineBatch): ValueEstimates {
    const values = new Float64Array(batch.numSteps);
    const finalValues = new Float64Array(batch.episodes.length);
    if (!this.fitted) return { values, finalValues };
    const out = this.net.means(this.inputs(batch, true), this.params);
    for (let t = 0; t < batch.numSteps; t++) values[t] = this.targetMean + this.targetStd * out[t]!;
    batch.episodes.forEach((ep, e) => {
      if (ep.truncated && ep.finalObservation)
        finalValues[e] = this.targetMean + this.targetStd * out[batch.numSteps + e]!;
    });
    return { values, finalValues };
  }

  fit(batch: BaselineBatch, targets: Float64Array): void {
    const n = batch.numSteps;
    if (targets.length !== n)
      throw new RangeError(`MlpBaseline.fit: ${targets.length} targets for ${n} steps`);
    let mean = 0;
    for (const y of targets) mean += y / n;
    let variance = 0;
    for (const y of targets) {
      const d = y - mean;
      variance += (d * d) / n;
    }
    const std = Math.max(Math.sqrt(variance), 1e-6);
    if (this.fitted) {
      // Pop-Art: the output layer absorbs the change of (μ_y, σ_y), so predictions stay as they were.
      const out = this.net.layers.at(-1)!;
      const scale = this.targetStd / std;
      for (let i = 0; i < out.inputs; i++) this.params[out.w + i] = this.params[out.w + i]! * scale;
      this.params[out.b] = (this.targetStd * this.params[out.b]! + this.targetMean - mean) / std;
    }
    this.targetMean = mean;
    this.targetStd = std;

    const d = this.obsDim + 1;
    const X = tf.tensor2d(Float32Array.from(this.inputs(batch, false)), [n, d]);
    const Y = tf.tensor2d(
      Float32Array.from(targets, (y) => (y - mean) / std),
      [n, 1],
    );
    const lossGradient = tf.grad((th) =>
      tf.mean(tf.square(tf.sub(this.net.meanTensor(X, th as tf.Tensor1D), Y))),
    );
    try {
      for (let step = 0; step < this.fitSteps; step++) {
        const g = tf.tidy(() => lossGradient(this.net.paramsTensor(this.params)));
        const gradient = Float64Array.from(g.dataSync());
        g.dispose();
        this.params = this.adam.step(this.params, gradient);
      }
    } finally {
      tf.dispose([X, Y]);
    }
    this.fitted = true;
  }

  state(): Json {
    return {
      params: Array.from(this.params),
      targetMean: this.targetMean,
      targetStd: this.targetStd,
      fitted: this.fitted,
      adam: this.adam.state(),
    };
  }

  load(state: Json): void {
    const s = state as {
      params?: unknown;
      targetMean?: unknown;
      targetStd?: unknown;
      fitted?: unknown;
      adam?: Json;
    };
    if (typeof s !== 'object' || s === null) throw new TypeError('MlpBaseline state must be an object');
    const params = jsonNumbers(s.params, 'MlpBaseline state.params', this.net.numParams);
    if (typeof s.targetMean !== 'number' || typeof s.targetStd !== 'number' || !(s.targetStd > 0))
      throw new TypeError('MlpBaseline state.targetMean and targetStd must be numbers (targetStd > 0)');
    this.adam.load(s.adam ?? null);
    this.params = params;
    this.targetMean = s.targetMean;
    this.targetStd = s.targetStd;
    this.fitted = s.fitted === true;
  }
}
