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
import { definePlugin, max64 } from '@policy-arena/core';
import { importanceSampledSurrogate, singlePathSamples } from './single-path.js';
import { trustRegionStep } from './trust-region.js';
import type { KlConstraint } from './trust-region.js';
import { lineSearchRule, trustRegionSchema } from './trust-region-config.js';

/** Eq. (12): the max over the sampled states is bounded; its maximal step keeps every sᵀAₙs ≤ 2δ/β². */
export const maxKlConstraint: KlConstraint = {
  bounded: (kl) => kl.maxKl,
  curvature: (s, perStateQuadratic) => max64(perStateQuadratic(s)),
};

export const maxKl = definePlugin({
  name: 'max-kl',
  description: 'TRPO with the max-over-states KL constraint of Eq. (12) instead of the mean',
  configSchema: trustRegionSchema,
  create: (config, { policy }) => ({
    async iterate(ctx) {
      const { observations, actions, weights } = await singlePathSamples(ctx, config); // §5.1
      return trustRegionStep(
        { policy, observations, actions, surrogate: importanceSampledSurrogate(weights) }, // Eq. 14
        config,
        lineSearchRule(config, maxKlConstraint), // maxₙ KL ≤ δ, Eq. 12
        ctx.rng.split('trust-region'),
      );
    },
    state: () => ({}),
    load: () => {},
  }),
});
