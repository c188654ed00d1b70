import type { AlgorithmPlugin } from '@policy-arena/core';
import { empiricalFim } from './empirical-fim.js';
import { maxKl } from './max-kl.js';
import { naturalGradient } from './natural-gradient.js';
import { trpoSinglePath } from './trpo-single-path.js';
import { trpoVine } from './trpo-vine.js';

export { trpoSinglePath, trpoSinglePathSchema } from './trpo-single-path.js';
export type { TrpoSinglePathConfig } from './trpo-single-path.js';
export { trpoVine, trpoVineSchema, branchRollout } from './trpo-vine.js';
export type { TrpoVineConfig, BranchTrace } from './trpo-vine.js';
export { naturalGradient, naturalGradientSchema, NATURAL_GRADIENT_STEP_GRID } from './natural-gradient.js';
export { empiricalFim } from './empirical-fim.js';
export { maxKl } from './max-kl.js';
export {
  trustRegionSchema,
  trustRegionSchemaFields,
  surrogateWeights,
  singlePathOptimizer,
} from './trust-region-config.js';
export type { TrustRegionConfig } from './trust-region-config.js';
export { trustRegionStep, TRPO_STRATEGY } from './trust-region.js';
export type {
  TrustRegionSettings,
  TrustRegionStats,
  TrustRegionStrategy,
  SurrogateProblem,
  FisherChoice,
  ConstraintChoice,
  StepRule,
} from './trust-region.js';

/** Every built-in algorithm, in one explicit list (no registration by import side effect). */
export const builtinPlugins: readonly AlgorithmPlugin[] = [
  trpoSinglePath,
  trpoVine,
  naturalGradient,
  empiricalFim,
  maxKl,
] as unknown as readonly AlgorithmPlugin[];
