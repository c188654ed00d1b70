import type { AlgorithmPlugin } from '@policy-arena/core';
import { trpoSinglePath } from './trpo-single-path.js';

export {
  trpoSinglePath,
  trpoSinglePathSchema,
  trustRegionSchemaFields,
  surrogateWeights,
} from './trpo-single-path.js';
export type { TrpoSinglePathConfig } from './trpo-single-path.js';
export { trustRegionStep } from './trust-region.js';
export type { TrustRegionSettings, TrustRegionStats, SurrogateProblem } from './trust-region.js';

/** Every built-in algorithm, in one explicit list (no registration by import side effect). */
export const builtinPlugins: readonly AlgorithmPlugin[] = [trpoSinglePath as unknown as AlgorithmPlugin];
