/**
 * Baselines b(sₜ, t) ≈ V(sₜ) for variance reduction (Âₜ = Q̂ₜ − b(sₜ, t), or GAE's V), fitted by
 * regression on targets such as the reward-to-go Q̂ (advantages.ts):
 *
 * - `TimeBaseline`: b(t) = the mean of the targets at step t of the fitted episodes, a function of
 *   the time step alone (steps beyond the longest fitted episode take its last value);
 * - `LinearFeatureBaseline`: rllab's LinearFeatureBaseline, b(s, t) = βᵀφ(s, t) + β₀ on the
 *   state-time features φ(s, t) = [clip(s, ±10), clip(s, ±10)², τ, τ², τ³] of features.ts,
 *   β = argmin Σₜ (Q̂ₜ − βᵀφₜ − β₀)² + λ‖β‖² (least-squares.ts; λ = `ridge`, rllab's reg_coeff 1e-5);
 * - `MlpBaseline` (value-mlp.ts): a small tanh MLP fitted by Adam.
 *
 * Each predicts V(sₜ) for every step and V(s_T) at each truncated episode's final observation
 * (`EpisodeInfo.finalObservation`, at t = the episode's length) for bootstrapping; after a
 * termination V(s_T) = 0. Before the first fit every prediction is 0. rllab fits the baseline after
 * computing the advantages (each batch uses the previous batch's fit); `fit` then `predict` on one
 * batch is the in-sample variant RWR and REPS use (`linearBaselineResiduals`).
 */
import type { ValueEstimates } from './advantages.js';
import { stateTimeFeatureCount, stateTimeFeatures, stateTimeFeaturesInto } from './features.js';
import { jsonNumbers } from './json-values.js';
import { weightedLeastSquares } from './least-squares.js';
import type { Json } from './plugin.js';
import type { TrajectoryBatch } from './trajectory.js';

/** The batch fields a baseline reads. */
export type BaselineBatch = Pick<TrajectoryBatch, 'observations' | 'obsDim' | 'numSteps' | 'episodes'>;

export interface Baseline {
  /** V(sₜ) per step and V(s_T) per episode (0 after a termination or without s_T). */
  predict(batch: BaselineBatch): ValueEstimates;
  /** Regresses on `targets`, one per step (e.g. the reward-to-go or GAE's λ-returns). */
  fit(batch: BaselineBatch, targets: Float64Array): void;
  /** What `load` needs to predict (and fit on) exactly as now, as plain JSON. */
  state(): Json;
  load(state: Json): void;
}

function checkTargets(name: string, batch: BaselineBatch, targets: Float64Array): void {
  if (targets.length !== batch.numSteps)
    throw new RangeError(`${name}.fit: ${targets.length} targets for ${batch.numSteps} steps`);
}

/** b(t): the mean target at step t of an episode. */
export class TimeBaseline implements Baseline {
  private means: Float64Array = new Float64Array(0);

  private at(t: number): number {
    const n = this.means.length;
    return n === 0 ? 0 : this.means[Math.min(t, n - 1)]!;
  }

  predict(batch: BaselineBatch): ValueEstimates {
    const values = new Float64Array(batch.numSteps);
    const finalValues = new Float64Array(batch.episodes.length);
    batch.episodes.forEach((ep, e) => {
      for (let k = 0; k < ep.length; k++) values[ep.start + k] = this.at(k);
      if (ep.truncated) finalValues[e] = this.at(ep.length);
    });
    return { values, finalValues };
  }

  fit(batch: BaselineBatch, targets: Float64Array): void {
    checkTargets('TimeBaseline', batch, targets);
    let longest = 0;
    for (const ep of batch.episodes) longest = Math.max(longest, ep.length);
    const sums = new Float64Array(longest);
    const counts = new Float64Array(longest);
    for (const ep of batch.episodes) {
      for (let k = 0; k < ep.length; k++) {
        sums[k]! += targets[ep.start + k]!;
        counts[k]!++;
      }
    }
    this.means = Float64Array.from(sums, (s, k) => s / counts[k]!);
  }

  state(): Json {
    return { means: Array.from(this.means) };
  }

  load(state: Json): void {
    this.means = jsonNumbers((state as { means?: unknown } | null)?.means, 'TimeBaseline state.means');
  }
}

export interface LinearFeatureBaselineOptions {
  /** The task's horizon, for τ = t / horizon (`ctx.envSpec.maxEpisodeSteps`). */
  readonly horizon: number;
  /** λ ≥ 0 on the feature coefficients (default 1e-5, rllab's reg_coeff); see weightedLeastSquares. */
  readonly ridge?: number;
}

/** rllab's LinearFeatureBaseline: least squares on the state-time features. */
export class LinearFeatureBaseline implements Baseline {
  readonly horizon: number;
  readonly ridge: number;
  /** β (stateTimeFeatureCount(obsDim, false) entries) then the intercept β₀; null before a fit. */
  private coefficients: Float64Array | null = null;

  constructor(options: LinearFeatureBaselineOptions) {
    if (!(options.horizon > 0))
      throw new RangeError(`LinearFeatureBaseline: horizon must be > 0, got ${options.horizon}`);
    this.horizon = options.horizon;
    this.ridge = options.ridge ?? 1e-5;
  }

  private value(phi: Float64Array, offset: number, F: number): number {
    const beta = this.coefficients!;
    let b = beta[F]!;
    for (let f = 0; f < F; f++) b += beta[f]! * phi[offset + f]!;
    return b;
  }

  predict(batch: BaselineBatch): ValueEstimates {
    const values = new Float64Array(batch.numSteps);
    const finalValues = new Float64Array(batch.episodes.length);
    if (!this.coefficients) return { values, finalValues };
    const F = stateTimeFeatureCount(batch.obsDim, false);
    if (this.coefficients.length !== F + 1)
      throw new RangeError(
        `LinearFeatureBaseline: fitted for ${this.coefficients.length - 1} features, the batch has ${F}`,
      );
    const phi = stateTimeFeatures(batch, this.horizon, false);
    for (let t = 0; t < batch.numSteps; t++) values[t] = this.value(phi, t * F, F);
    const row = new Float64Array(F);
    batch.episodes.forEach((ep, e) => {
      if (!ep.truncated || !ep.finalObservation) return;
      stateTimeFeaturesInto(ep.finalObservation, ep.length, this.horizon, false, row);
      finalValues[e] = this.value(row, 0, F);
    });
    return { values, finalValues };
  }

  fit(batch: BaselineBatch, targets: Float64Array): void {
    checkTargets('LinearFeatureBaseline', batch, targets);
    const F = stateTimeFeatureCount(batch.obsDim, false);
    const phi = stateTimeFeatures(batch, this.horizon, false);
    const ones = new Float64Array(targets.length).fill(1);
    this.coefficients = weightedLeastSquares(phi, F, targets, 1, ones, { ridge: this.ridge });
  }

  state(): Json {
    return { coefficients: this.coefficients ? Array.from(this.coefficients) : null };
  }

  load(state: Json): void {
    const c = (state as { coefficients?: unknown } | null)?.coefficients;
    this.coefficients = c === null ? null : jsonNumbers(c, 'LinearFeatureBaseline state.coefficients');
  }
}

/**
 * Q̂ minus its in-sample least-squares fit on the state-time features (no ridge unless the fit is
 * singular): the `baseline: 'linear'` of RWR and REPS.
 */
export function linearBaselineResiduals(
  batch: BaselineBatch,
  q: Float64Array,
  horizon: number,
): Float64Array {
  const baseline = new LinearFeatureBaseline({ horizon, ridge: 0 });
  baseline.fit(batch, q);
  const { values } = baseline.predict(batch);
  return Float64Array.from(q, (qt, t) => qt - values[t]!);
}
