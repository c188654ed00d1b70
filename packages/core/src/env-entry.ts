/**
 * `@policy-arena/core/env`: what an environment needs — spaces, the seeded RNG, the Env interface
 * and trajectory batches — without tfjs, so env worker threads start without loading it.
 */
export * from './spaces.js';
export * from './rng.js';
export * from './env.js';
export * from './trajectory.js';
