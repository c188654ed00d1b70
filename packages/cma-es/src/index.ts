/**
 * `@policy-arena/cma-es`: a standalone ask/tell CMA-ES in TypeScript with zero runtime dependencies.
 *
 * - {@link CmaEs}: (μ/μ_w, λ)-CMA-ES with purecma 3.0.0's default parameters, full (`'full'`) or
 *   separable (`'diagonal'`, sep-CMA-ES) covariance, seeded and serializable.
 * - {@link minimize}: the ask/evaluate/tell loop in one call.
 * - {@link symmetricEigen}: the Householder + implicit QL symmetric eigensolver it uses.
 * - {@link Xoshiro128}: the seeded generator it uses.
 *
 * @packageDocumentation
 */

export { CmaEs } from './cma-es.js';
export { minimize, type MinimizeResult } from './minimize.js';
export {
  strategyParameters,
  type CovarianceModel,
  type LazyGap,
  type StrategyParameters,
} from './parameters.js';
export { type BestSolution, type CmaEsOptions, type CmaEsState, type StopReason } from './types.js';
export { symmetricEigen, symmetricEigenInPlace, type SymmetricEigen } from './eigen.js';
export { Xoshiro128, type RngState } from './rng.js';
export { type JsonFloat } from './encoding.js';
export { sphere, ellipsoid, rosenbrock } from './functions.js';
