/**
 * The state-time features φ(s, t) = [clip(s, ±10), clip(s, ±10)², τ, τ², τ³, 1] now live in
 * @policy-arena/core (features.ts there, with the math); re-exported here under the names this
 * package has always exported.
 */
export { stateTimeFeatures, stateTimeFeatureCount as featureCount } from '@policy-arena/core';
