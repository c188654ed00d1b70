/**
 * `@policy-arena/core/env`: what an environment needs — spaces, the seeded RNG, the Env interface,
 * trajectory batches — and the float64 Gaussian MLP for acting, all without tfjs, so env worker
 * threads start (and act) without loading it.
 */
export * from './spaces.js';
export * from './rng.js';
export * as libm from '@policy-arena/libm';
export * from './env.js';
export * from './trajectory.js';
export * from './gaussian-mlp.js';
export * from './rollout.js';
export * from './cpu-time.js';
