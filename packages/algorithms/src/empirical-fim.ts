/**
 * Empirical FIM (§6, §8.1): single-path TRPO with the Fisher matrix estimated as the covariance of
 * the per-sample score vectors, F = (1/N) Σₙ ∇log π(aₙ|sₙ) ∇log π(aₙ|sₙ)ᵀ, instead of the analytic
 * Hessian of the KL. Products F v = (1/N) Gᵀ(G v) never materialize per-sample gradients
 * (`empiricalFisherVectorProduct` in @policy-arena/core). Everything else is trpo-single-path.
 */
import { definePlugin } from '@policy-arena/core';
import { importanceSampledSurrogate, singlePathSamples } from './single-path.js';
import { meanKlConstraint, trustRegionStep } from './trust-region.js';
import { lineSearchRule, trustRegionSchema } from './trust-region-config.js';

export const empiricalFim = definePlugin({
  name: 'empirical-fim',
  description:
    'TRPO with the empirical Fisher matrix (covariance of score vectors) in place of the KL Hessian (§6)',
  configSchema: trustRegionSchema,
  create: (config, { policy }) => ({
    async iterate(ctx) {
      const { observations, actions, weights } = await singlePathSamples(ctx, config); // §5.1
      return trustRegionStep(
        {
          policy,
          observations,
          actions,
          surrogate: importanceSampledSurrogate(weights), // Eq. 14
          fisher: 'empirical', // F = mean of score outer products, §6
        },
        config,
        lineSearchRule(config, meanKlConstraint),
        ctx.rng.split('trust-region'),
      );
    },
    state: () => ({}),
    load: () => {},
  }),
});
