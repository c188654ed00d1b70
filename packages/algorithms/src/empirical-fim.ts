/**
 * Empirical FIM (§6, §8.1): single-path TRPO with the Fisher matrix estimated as the covariance of
 * the per-sample score vectors, F = (1/N) Σₙ ∇log π(aₙ|sₙ) ∇log π(aₙ|sₙ)ᵀ, instead of the analytic
 * Hessian of the KL. Products F v = (1/N) Gᵀ(G v) never materialize per-sample gradients
 * (`empiricalFisherVectorProduct` in @policy-arena/core). Everything else is trpo-single-path.
 */
import { definePlugin } from '@policy-arena/core';
import { singlePathOptimizer, trustRegionSchema } from './trust-region-config.js';

export const empiricalFim = definePlugin({
  name: 'empirical-fim',
  description:
    'TRPO with the empirical Fisher matrix (covariance of score vectors) in place of the KL Hessian (§6)',
  configSchema: trustRegionSchema,
  create: (config, { policy }) =>
    singlePathOptimizer(config, policy, {
      fisher: 'empirical',
      constraint: 'mean-kl',
      stepRule: { kind: 'line-search' },
    }),
});
