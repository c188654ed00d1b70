import type { AlgorithmPlugin } from '@policy-arena/core';
import { cem } from './cem.js';
import { cma } from './cma.js';
import { reps } from './reps.js';
import { rwr } from './rwr.js';
import { empiricalFim } from './empirical-fim.js';
import { maxKl } from './max-kl.js';
import { naturalGradient } from './natural-gradient.js';
import { trpoSinglePath } from './trpo-single-path.js';
import { trpoVine } from './trpo-vine.js';

export { trpoSinglePath, trpoSinglePathSchema } from './trpo-single-path.js';
export type { TrpoSinglePathConfig } from './trpo-single-path.js';
export { trpoVine, trpoVineSchema, selfNormalizedSurrogate } from './trpo-vine.js';
export type { TrpoVineConfig } from './trpo-vine.js';
export { naturalGradient, naturalGradientSchema, NATURAL_GRADIENT_STEP_GRID } from './natural-gradient.js';
export { empiricalFim } from './empirical-fim.js';
export { maxKl, maxKlConstraint } from './max-kl.js';
export { trustRegionSchema, trustRegionSchemaFields, lineSearchRule } from './trust-region-config.js';
export type { TrustRegionConfig } from './trust-region-config.js';
export { importanceSampledSurrogate, singlePathSamples, surrogateWeights } from './single-path.js';
export type { SinglePathSamples } from './single-path.js';
export { trustRegionStep, meanKlConstraint } from './trust-region.js';
export type {
  FisherChoice,
  KlConstraint,
  KlStatistics,
  PolicyEvaluation,
  TrustRegionImplementation,
  TrustRegionProblem,
  TrustRegionRule,
  TrustRegionSettings,
  TrustRegionStats,
} from './trust-region.js';

/** Every built-in algorithm, in one explicit list (no registration by import side effect). */
export const builtinPlugins: readonly AlgorithmPlugin[] = [
  trpoSinglePath,
  trpoVine,
  naturalGradient,
  empiricalFim,
  maxKl,
  cem,
  cma,
  rwr,
  reps,
];

export { cem, cemSchema, cemUpdate, eliteCount, budgetPopulation } from './cem.js';
export type { CemConfig, CemUpdate } from './cem.js';
export { cma, cmaSchema, covarianceFor, budgetEpisodes } from './cma.js';
export type { CmaConfig } from './cma.js';
export { rwr, rwrSchema, shiftedWeights } from './rwr.js';
export type { RwrConfig } from './rwr.js';
export { reps, repsSchema, repsDual, featureDifferences, solveEta } from './reps.js';
export type { RepsConfig, RepsDual } from './reps.js';
export { weightedGaussianFit } from './weighted-fit.js';
export type { WeightedFitOptions, WeightedFitResult } from './weighted-fit.js';
export { minimizeLbfgs } from './lbfgs.js';
export type { LbfgsOptions, LbfgsResult, ValueAndGradient } from './lbfgs.js';
// linearBaselineResiduals, weightedLeastSquares and the state-time features moved to
// @policy-arena/core beside the other helpers plugins share; still exported here, under their old
// names, for code that imports them from this package.
export { linearBaselineResiduals } from './linear-baseline.js';
export { weightedLeastSquares } from './weighted-fit.js';
export { stateTimeFeatures, featureCount } from './features.js';
