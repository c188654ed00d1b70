/**
 * rllab's LinearFeatureBaseline, subtracted from Q̂ by RWR and REPS (`baseline: 'linear'`), now
 * lives in @policy-arena/core (baselines.ts there: `LinearFeatureBaseline` and this in-sample
 * `linearBaselineResiduals`); re-exported here, where it has always been exported.
 */
export { linearBaselineResiduals } from '@policy-arena/core';
