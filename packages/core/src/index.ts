/**
 * `tf` is the tfjs that core computes with (`@tensorflow/tfjs` at core's version), re-exported so
 * that a plugin computing with tensors uses the same engine and the backend the runner selected,
 * without depending on tfjs itself: `import { tf } from '@policy-arena/core'`.
 */
export * as tf from '@tensorflow/tfjs';
export * from './spaces.js';
export * from './rng.js';
export * as libm from '@policy-arena/libm';
export * from './env.js';
export * from './trajectory.js';
export * from './plugin.js';
export * from './gaussian-mlp.js';
export * from './policy.js';
export * from './mlp-kernels.js';
export * from './surrogate-kernels.js';
export * from './constrained-step.js';
export * from './policy-file.js';
export * from './evaluation.js';
export * from './backend.js';
export * from './distributions.js';
export * from './optimize.js';
export * from './plugin-check.js';
export * from './rollout.js';
export * from './cpu-time.js';
export * from './advantages.js';
export * from './features.js';
export * from './least-squares.js';
export * from './baselines.js';
export * from './value-mlp.js';
export * from './first-order.js';
export * from './policy-gradient.js';
