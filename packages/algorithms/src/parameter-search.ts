/**
 * Helpers of the black-box searches over the flat policy parameters θ (mean weights, biases and
 * log-std), CEM and CMA-ES: one module both import, so that neither plugin imports the other.
 */
import { libm } from '@policy-arena/core';

/**
 * Range of the log-std entries of evaluated candidates: [log 1e-6, 5]. A black-box search can
 * sample any log-std, and exp(r) overflows to ∞ for r > 709 (the env rejects non-finite actions);
 * beyond σ = e⁵ ≈ 148 (actions are clipped to [−1, 1]) a larger σ changes nothing. The lower end is
 * rllab's min_std 1e-6. [reconstructed]
 */
export const LOG_STD_RANGE: readonly [number, number] = [libm.log(1e-6), 5];

/** Clamps θ's log-std entries into LOG_STD_RANGE, in place; returns θ. */
export function clampLogStd(theta: Float64Array, logStdOffset: number): Float64Array {
  const [lo, hi] = LOG_STD_RANGE;
  for (let i = logStdOffset; i < theta.length; i++) theta[i] = Math.min(hi, Math.max(lo, theta[i]!));
  return theta;
}
