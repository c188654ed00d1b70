/**
 * Max KL (Eq. 12, §8.1): single-path TRPO with the constraint max over the sampled states of
 * KL(π_old(·|sₙ) ‖ π_θ(·|sₙ)) ≤ δ instead of the mean.
 *
 * How the step is found: the search direction is the natural gradient s ≈ A⁻¹g of the mean KL
 * (as TRPO). The maximal step is the largest one whose per-state quadratic KL models all stay
 * within δ: β = sqrt(2δ / maxₙ sᵀAₙs), with sᵀAₙs = ‖M^½ Jₙ s‖² + 2‖s_r‖² from one Jacobian-vector
 * product over all states. The line search then shrinks β until the surrogate improves and the
 * exact max KL ≤ δ. Each evaluation costs the same as mean-KL TRPO's (one forward pass); what
 * slows it is that maxₙ grows with the batch (outlying states), so steps shrink as batches grow —
 * the paper ran it on cart-pole only. See EXPERIMENTS.md for measurements.
 */
import { definePlugin } from '@policy-arena/core';
import { singlePathOptimizer, trustRegionSchema } from './trust-region-config.js';

export const maxKl = definePlugin({
  name: 'max-kl',
  description: 'TRPO with the max-over-states KL constraint of Eq. (12) instead of the mean',
  configSchema: trustRegionSchema,
  create: (config, { policy }) =>
    singlePathOptimizer(config, policy, {
      fisher: 'analytic',
      constraint: 'max-kl',
      stepRule: { kind: 'line-search' },
    }),
});
