/**
 * rllab's LinearFeatureBaseline: the reward-to-go's least-squares fit on the state-time features
 * of features.ts, subtracted as a baseline. RWR and REPS both offer it; it lives here so that
 * neither plugin imports the other.
 */
import type { TrajectoryBatch } from '@policy-arena/core';
import { featureCount, stateTimeFeatures } from './features.js';
import { weightedLeastSquares } from './weighted-fit.js';

/** Q̂ minus its least-squares fit on the state-time features (rllab's LinearFeatureBaseline). */
export function linearBaselineResiduals(
  batch: TrajectoryBatch,
  q: Float64Array,
  horizon: number,
): Float64Array {
  const F = featureCount(batch.obsDim, false);
  const phi = stateTimeFeatures(batch, horizon, false);
  const beta = weightedLeastSquares(phi, F, q, 1, new Float64Array(q.length).fill(1));
  return Float64Array.from(q, (qt, t) => {
    let b = beta[F]!;
    for (let f = 0; f < F; f++) b += beta[f]! * phi[t * F + f]!;
    return qt - b;
  });
}
