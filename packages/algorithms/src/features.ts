/**
 * Hand-made state-time features, as rllab's LinearFeatureBaseline and REPS use them:
 *
 *   φ(s, t) = [clip(s, ±10), clip(s, ±10)², τ, τ², τ³, 1],   τ = t / horizon
 *
 * (2·obsDim + 4 features). [reconstructed: rllab uses τ = t/100, which is t/horizon on cart-pole's
 * horizon of 100; dividing by the horizon keeps τ³ ≤ 1 on the 1000-step MuJoCo tasks.]
 */
import type { TrajectoryBatch } from '@policy-arena/core';

export function featureCount(obsDim: number, constant = true): number {
  return 2 * obsDim + 3 + (constant ? 1 : 0);
}

/** numSteps × featureCount(obsDim, constant), row-major; t restarts at 0 with every episode. */
export function stateTimeFeatures(
  batch: Pick<TrajectoryBatch, 'observations' | 'obsDim' | 'numSteps' | 'episodes'>,
  horizon: number,
  constant = true,
): Float64Array {
  const { obsDim } = batch;
  const F = featureCount(obsDim, constant);
  const out = new Float64Array(batch.numSteps * F);
  for (const ep of batch.episodes) {
    for (let k = 0; k < ep.length; k++) {
      const t = ep.start + k;
      const row = t * F;
      for (let j = 0; j < obsDim; j++) {
        const o = Math.min(10, Math.max(-10, batch.observations[t * obsDim + j]!));
        out[row + j] = o;
        out[row + obsDim + j] = o * o;
      }
      const tau = k / horizon;
      out[row + 2 * obsDim] = tau;
      out[row + 2 * obsDim + 1] = tau * tau;
      out[row + 2 * obsDim + 2] = tau * tau * tau;
      if (constant) out[row + 2 * obsDim + 3] = 1;
    }
  }
  return out;
}
