/**
 * TRPO, single path (§5.1, Appendix C).
 *
 *   for each iteration:
 *     roll out π_old for whole episodes until the batch has `stepsPerIteration` steps
 *     Q̂(sₜ, aₜ) = Σ_{k≥t} γ^{k−t} r_k along each trajectory                      (§5.1)
 *     maximize L(θ) = mean[π_θ/π_old · Q̂] s.t. mean KL(π_old ‖ π_θ) ≤ δ             (Eq. 14)
 *       by conjugate gradient + maximal step + line search                          (App. C)
 */
import { definePlugin } from '@policy-arena/core';
import { importanceSampledSurrogate, singlePathSamples } from './single-path.js';
import { meanKlConstraint, trustRegionStep } from './trust-region.js';
import { lineSearchRule, trustRegionSchema } from './trust-region-config.js';
import type { TrustRegionConfig } from './trust-region-config.js';

export const trpoSinglePathSchema = trustRegionSchema;
export type TrpoSinglePathConfig = TrustRegionConfig;

export const trpoSinglePath = definePlugin({
  name: 'trpo-single-path',
  description: 'TRPO with single-path Q estimates, conjugate gradient and a KL line search (§5.1, App. C)',
  configSchema: trpoSinglePathSchema,
  create: (config, { policy }) => ({
    async iterate(ctx) {
      const { observations, actions, weights } = await singlePathSamples(ctx, config); // §5.1
      return trustRegionStep(
        { policy, observations, actions, surrogate: importanceSampledSurrogate(weights) }, // Eq. 14
        config,
        lineSearchRule(config, meanKlConstraint), // mean KL ≤ δ, App. C
        ctx.rng.split('trust-region'),
      );
    },
    state: () => ({}),
    load: () => {},
  }),
});
