/**
 * First-order optimizers on flat float64 parameter vectors, with their state as plain JSON so
 * that a plugin's `Optimizer.state()` can checkpoint it and `load()` resume it exactly.
 *
 * SGD with momentum μ (heavy ball, as PyTorch's SGD):
 *   u ← μ u + g,   θ ← θ − α u                       (μ = 0: plain θ ← θ − α g)
 * Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1):
 *   t ← t + 1
 *   m ← β₁ m + (1 − β₁) g,    v ← β₂ v + (1 − β₂) g²
 *   m̂ = m / (1 − β₁ᵗ),        v̂ = v / (1 − β₂ᵗ)
 *   θ ← θ − α m̂ / (√v̂ + ε)                         (α 1e-3, β₁ 0.9, β₂ 0.999, ε 1e-8)
 *
 * Both descend by default; `maximize: true` ascends (θ ← θ + …), for objectives such as the
 * expected return whose gradient a policy-gradient plugin estimates.
 */
import { jsonNumbers } from './json-values.js';
import * as libm from '@policy-arena/libm';
import type { Json } from './plugin.js';

export interface FirstOrderOptimizer {
  /** One update from `params` along `gradient`; returns the new parameters (a new array). */
  step(params: Float64Array, gradient: Float64Array): Float64Array;
  /** The optimizer's state (moments, step count) as plain JSON; `null` before the first step. */
  state(): Json;
  /** Restores a `state()`; the next `step` then equals the one the saved optimizer would take. */
  load(state: Json): void;
}

export interface SgdOptions {
  /** α (default 0.01). */
  readonly learningRate?: number;
  /** μ ∈ [0, 1) (default 0: plain gradient steps). */
  readonly momentum?: number;
  /** Ascend instead of descend (default false). */
  readonly maximize?: boolean;
}

export interface AdamOptions {
  /** α (default 1e-3). */
  readonly learningRate?: number;
  /** β₁ ∈ [0, 1) (default 0.9). */
  readonly beta1?: number;
  /** β₂ ∈ [0, 1) (default 0.999). */
  readonly beta2?: number;
  /** ε > 0 (default 1e-8). */
  readonly epsilon?: number;
  /** Ascend instead of descend (default false). */
  readonly maximize?: boolean;
}

function positive(name: string, value: number): number {
  if (!(value > 0 && Number.isFinite(value)))
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  return value;
}

function unitInterval(name: string, value: number): number {
  if (!(value >= 0 && value < 1)) throw new RangeError(`${name} must be in [0, 1), got ${value}`);
  return value;
}

function checkLengths(name: string, params: Float64Array, gradient: Float64Array, size?: number): void {
  if (gradient.length !== params.length)
    throw new RangeError(`${name}.step: ${params.length} parameters but ${gradient.length} gradient entries`);
  if (size !== undefined && size !== params.length)
    throw new RangeError(`${name}.step: the state is for ${size} parameters, got ${params.length}`);
}

/** Stochastic gradient descent (or ascent), with optional momentum. */
export class Sgd implements FirstOrderOptimizer {
  readonly learningRate: number;
  readonly momentum: number;
  readonly maximize: boolean;
  private velocity: Float64Array | null = null;

  constructor(options: SgdOptions = {}) {
    this.learningRate = positive('Sgd learningRate', options.learningRate ?? 0.01);
    this.momentum = unitInterval('Sgd momentum', options.momentum ?? 0);
    this.maximize = options.maximize ?? false;
  }

  step(params: Float64Array, gradient: Float64Array): Float64Array {
    checkLengths('Sgd', params, gradient, this.velocity?.length);
    const sign = this.maximize ? 1 : -1;
    if (this.momentum === 0)
      return Float64Array.from(params, (p, i) => p + sign * this.learningRate * gradient[i]!);
    const u = (this.velocity ??= new Float64Array(params.length));
    const out = new Float64Array(params.length);
    for (let i = 0; i < params.length; i++) {
      u[i] = this.momentum * u[i]! + gradient[i]!;
      out[i] = params[i]! + sign * this.learningRate * u[i]!;
    }
    return out;
  }

  state(): Json {
    return this.velocity ? { velocity: Array.from(this.velocity) } : null;
  }

  load(state: Json): void {
    if (state === null) {
      this.velocity = null;
      return;
    }
    const s = state as { velocity?: unknown };
    this.velocity = jsonNumbers(s?.velocity, 'Sgd state.velocity');
  }
}

/** Adam (Kingma & Ba 2015, Algorithm 1). */
export class Adam implements FirstOrderOptimizer {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly maximize: boolean;
  private t = 0;
  private m: Float64Array | null = null;
  private v: Float64Array | null = null;

  constructor(options: AdamOptions = {}) {
    this.learningRate = positive('Adam learningRate', options.learningRate ?? 1e-3);
    this.beta1 = unitInterval('Adam beta1', options.beta1 ?? 0.9);
    this.beta2 = unitInterval('Adam beta2', options.beta2 ?? 0.999);
    this.epsilon = positive('Adam epsilon', options.epsilon ?? 1e-8);
    this.maximize = options.maximize ?? false;
  }

  /** Steps taken so far (t of the bias corrections). */
  get steps(): number {
    return this.t;
  }

  step(params: Float64Array, gradient: Float64Array): Float64Array {
    checkLengths('Adam', params, gradient, this.m?.length);
    const m = (this.m ??= new Float64Array(params.length));
    const v = (this.v ??= new Float64Array(params.length));
    const { beta1, beta2 } = this;
    this.t++;
    const c1 = 1 - libm.pow(beta1, this.t);
    const c2 = 1 - libm.pow(beta2, this.t);
    const sign = this.maximize ? 1 : -1;
    const out = new Float64Array(params.length);
    for (let i = 0; i < params.length; i++) {
      const g = gradient[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      out[i] =
        params[i]! + (sign * this.learningRate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + this.epsilon);
    }
    return out;
  }

  state(): Json {
    if (!this.m || !this.v) return null;
    return { t: this.t, m: Array.from(this.m), v: Array.from(this.v) };
  }

  load(state: Json): void {
    if (state === null) {
      this.t = 0;
      this.m = this.v = null;
      return;
    }
    const s = state as { t?: unknown; m?: unknown; v?: unknown };
    if (typeof s !== 'object' || !Number.isInteger(s.t) || !((s.t as number) >= 1))
      throw new TypeError('Adam state.t must be an integer ≥ 1 (or the whole state null)');
    const m = jsonNumbers(s.m, 'Adam state.m');
    const v = jsonNumbers(s.v, 'Adam state.v', m.length);
    this.t = s.t as number;
    this.m = m;
    this.v = v;
  }
}
