/**
 * Advantage estimates from a trajectory batch, per step, within each episode.
 *
 * Reward-to-go, the single-path Q estimate of the TRPO paper (Schulman et al. 2015, §5.1):
 *   Q̂ₜ = Σ_{k=t}^{T−1} γ^{k−t} r_k  [+ γ^{T−t} V(s_T) when the episode was truncated]
 *
 * Generalized advantage estimation (Schulman, Moritz, Levine, Jordan & Abbeel 2016,
 * "High-Dimensional Continuous Control Using Generalized Advantage Estimation", Eq. 16):
 *   δₜ = rₜ + γ V(sₜ₊₁) − V(sₜ),      Â_t = Σ_{l≥0} (γλ)^l δₜ₊ₗ   (within the episode)
 * computed backwards as Âₜ = δₜ + γλ Âₜ₊₁. λ = 0 gives the TD residual δₜ; λ = 1 gives Q̂ₜ − V(sₜ).
 * Âₜ + V(sₜ) is the λ-return, the usual regression target of the value function.
 *
 * The value after the last step, V(s_T): exactly 0 after a termination (nothing follows); after a
 * truncation (the horizon, or the sampler) the task could have gone on, so V(s_T) of the episode's
 * final observation stands in for the rest (Pardo et al. 2018, "Time Limits in Reinforcement
 * Learning"). `ValueEstimates.finalValues` carries it per episode; the baselines of baselines.ts
 * and value-mlp.ts fill it from `EpisodeInfo.finalObservation`.
 *
 * Normalization: `standardize(x)` = (x − mean x) / (std x + ε), population std (rllab's
 * `center_adv`), a constant baseline and scale per batch.
 */
import { discountedReturns } from './trajectory.js';
import type { EpisodeInfo, TrajectoryBatch } from './trajectory.js';

/** The batch fields the estimators read. */
export type RewardBatch = Pick<TrajectoryBatch, 'rewards' | 'episodes' | 'numSteps'>;

/** A value function's estimates on a batch. */
export interface ValueEstimates {
  /** V(sₜ) for each step of the batch. */
  readonly values: Float64Array;
  /**
   * V(s_T) per episode (in `batch.episodes` order) at its final observation. Read only for
   * truncated episodes: after a termination the value is 0 whatever this says.
   */
  readonly finalValues: Float64Array;
}

function checkGamma(name: string, gamma: number): void {
  if (!(gamma >= 0 && gamma <= 1)) throw new RangeError(`${name}: gamma must be in [0, 1], got ${gamma}`);
}

function checkFinalValues(name: string, batch: RewardBatch, finalValues: Float64Array): void {
  if (finalValues.length !== batch.episodes.length) {
    throw new RangeError(`${name}: ${finalValues.length} final values for ${batch.episodes.length} episodes`);
  }
}

/**
 * Discounted reward-to-go Q̂ₜ (§5.1). Without `finalValues` the tail after a truncation is taken as
 * 0, as the paper's estimator does (`discountedReturns`, exactly); with them a truncated episode
 * e bootstraps Q̂_{T−1} = r_{T−1} + γ·finalValues[e].
 */
export function rewardToGo(batch: RewardBatch, gamma: number, finalValues?: Float64Array): Float64Array {
  checkGamma('rewardToGo', gamma);
  if (!finalValues) return discountedReturns(batch, gamma);
  checkFinalValues('rewardToGo', batch, finalValues);
  const index = new Map<EpisodeInfo, number>(batch.episodes.map((ep, e) => [ep, e]));
  return discountedReturns(batch, gamma, (ep) => finalValues[index.get(ep)!]!);
}

/**
 * GAE(γ, λ) advantages Âₜ (Eq. 16), per step. `estimates.values` are V(sₜ) for every step and
 * `estimates.finalValues` V(s_T) per episode (used for truncated episodes only).
 */
export function generalizedAdvantages(
  batch: RewardBatch,
  estimates: ValueEstimates,
  gamma: number,
  lambda: number,
): Float64Array {
  checkGamma('generalizedAdvantages', gamma);
  if (!(lambda >= 0 && lambda <= 1))
    throw new RangeError(`generalizedAdvantages: lambda must be in [0, 1], got ${lambda}`);
  const { values, finalValues } = estimates;
  if (values.length !== batch.numSteps)
    throw new RangeError(`generalizedAdvantages: ${values.length} values for ${batch.numSteps} steps`);
  checkFinalValues('generalizedAdvantages', batch, finalValues);
  const out = new Float64Array(batch.numSteps);
  batch.episodes.forEach((ep, e) => {
    let next = ep.truncated ? finalValues[e]! : 0; // V(sₜ₊₁)
    let acc = 0; // Âₜ₊₁
    for (let t = ep.start + ep.length - 1; t >= ep.start; t--) {
      const v = values[t]!;
      const delta = batch.rewards[t]! + gamma * next - v;
      acc = delta + gamma * lambda * acc;
      out[t] = acc;
      next = v;
    }
  });
  return out;
}

/**
 * (x − mean) / (std + ε) over all entries, with the population std (1/n) — zero mean and unit
 * spread, for advantages of any scale. ε (default 1e-8) keeps a constant x finite (all zeros).
 */
export function standardize(x: Float64Array, epsilon = 1e-8): Float64Array {
  const n = x.length;
  if (n === 0) return new Float64Array(0);
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of x) variance += (v - mean) * (v - mean);
  const std = Math.sqrt(variance / n);
  return Float64Array.from(x, (v) => (v - mean) / (std + epsilon));
}
