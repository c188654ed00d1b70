/**
 * Hand-made state-time features, as rllab's LinearFeatureBaseline and REPS use them:
 *
 *   φ(s, t) = [clip(s, ±10), clip(s, ±10)², τ, τ², τ³, 1],   τ = t / horizon
 *
 * (2·obsDim + 4 features; without the constant when a fit adds its own intercept). t counts the
 * steps of each episode from 0. [reconstructed: rllab uses τ = t/100, which is t/horizon on
 * cart-pole's horizon of 100; dividing by the horizon keeps τ³ ≤ 1 on the 1000-step MuJoCo tasks.]
 */
import type { TrajectoryBatch } from './trajectory.js';

/** The length of φ(s, t): 2·obsDim + 3, plus 1 with the constant. */
export function stateTimeFeatureCount(obsDim: number, constant = true): number {
  return 2 * obsDim + 3 + (constant ? 1 : 0);
}

/** φ(s, t) of one observation at step t of its episode, written into `out` at `offset`. */
export function stateTimeFeaturesInto(
  observation: ArrayLike<number>,
  t: number,
  horizon: number,
  constant: boolean,
  out: Float64Array,
  offset = 0,
): void {
  const obsDim = observation.length;
  for (let j = 0; j < obsDim; j++) {
    const o = Math.min(10, Math.max(-10, observation[j]!));
    out[offset + j] = o;
    out[offset + obsDim + j] = o * o;
  }
  const tau = t / horizon;
  out[offset + 2 * obsDim] = tau;
  out[offset + 2 * obsDim + 1] = tau * tau;
  out[offset + 2 * obsDim + 2] = tau * tau * tau;
  if (constant) out[offset + 2 * obsDim + 3] = 1;
}

/** numSteps × stateTimeFeatureCount(obsDim, constant), row-major; t restarts at 0 with every episode. */
export function stateTimeFeatures(
  batch: Pick<TrajectoryBatch, 'observations' | 'obsDim' | 'numSteps' | 'episodes'>,
  horizon: number,
  constant = true,
): Float64Array {
  const { obsDim } = batch;
  const F = stateTimeFeatureCount(obsDim, constant);
  const out = new Float64Array(batch.numSteps * F);
  for (const ep of batch.episodes) {
    for (let k = 0; k < ep.length; k++) {
      const t = ep.start + k;
      stateTimeFeaturesInto(
        batch.observations.subarray(t * obsDim, (t + 1) * obsDim),
        k,
        horizon,
        constant,
        out,
        t * F,
      );
    }
  }
  return out;
}
