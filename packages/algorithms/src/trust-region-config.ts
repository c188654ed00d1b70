/**
 * Config fields and the single-path iteration shared by the TRPO-family plugins.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { discountedReturns } from '@policy-arena/core';
import type { GaussianPolicy, IterationContext, IterationExtras, Optimizer } from '@policy-arena/core';
import { trustRegionStep } from './trust-region.js';
import type { TrustRegionSettings, TrustRegionStrategy } from './trust-region.js';

/**
 * Settings every TRPO-family member shares. Each description says whether the value is the
 * paper's ([paper]) or a reconstruction ([reconstructed], with its source).
 */
export const trustRegionSchemaFields = {
  stepSize: Type.Number({
    default: 0.01,
    exclusiveMinimum: 0,
    description: 'δ, the bound on the mean KL divergence per update. [paper: 0.01 for all experiments, §8.1]',
  }),
  discount: Type.Number({
    default: 0.99,
    minimum: 0,
    maximum: 1,
    description: 'γ, the discount of the Q estimates. [paper: 0.99, Table 2]',
  }),
  cgIterations: Type.Integer({
    default: 10,
    minimum: 1,
    description: 'Conjugate-gradient iterations for s ≈ A⁻¹g. [paper: 10, Appendix C]',
  }),
  fisherSubsample: Type.Number({
    default: 0.1,
    exclusiveMinimum: 0,
    maximum: 1,
    description: 'Fraction of states used for Fisher-vector products. [paper: 10 %, Appendix C]',
  }),
  cgDamping: Type.Number({
    default: 0.001,
    minimum: 0,
    description:
      'λ in (A + λI)s = g, for a well-posed solve on small subsamples. [reconstructed: modular_rl cg_damping 1e-3; rllab reg_coeff 1e-5; not in the paper]',
  }),
  backtrackRatio: Type.Number({
    default: 0.8,
    exclusiveMinimum: 0,
    exclusiveMaximum: 1,
    description:
      'Step shrink factor per backtrack; the paper says only "shrink exponentially". [reconstructed: rllab 0.8; modular_rl 0.5]',
  }),
  maxBacktracks: Type.Integer({
    default: 15,
    minimum: 0,
    description:
      'Backtracks after the full step before the update is skipped. [reconstructed: rllab 15; modular_rl 10]',
  }),
  acceptRatio: Type.Number({
    default: 0,
    minimum: 0,
    description:
      'Minimum actual/predicted surrogate improvement; 0 accepts any improvement, as the paper and rllab do. [reconstructed: modular_rl uses 0.1]',
  }),
  baseline: Type.Union([Type.Literal('none'), Type.Literal('normalize')], {
    default: 'normalize',
    description:
      "Weights of the surrogate. 'none': Q̂ itself, the paper's single-path estimator (§5.1). 'normalize': (Q̂ − mean)/std over the batch, a constant baseline and scale (rllab center_adv), which does not bias the gradient direction and learns faster and more reliably (cart-pole, EXPERIMENTS.md). [reconstructed]",
  }),
};

/** Q̂ or (Q̂ − mean)/std. */
export function surrogateWeights(q: Float64Array, baseline: 'none' | 'normalize'): Float64Array {
  if (baseline === 'none') return q;
  let mean = 0;
  for (const v of q) mean += v;
  mean /= q.length;
  let variance = 0;
  for (const v of q) variance += (v - mean) ** 2;
  const std = Math.sqrt(variance / q.length);
  return Float64Array.from(q, (v) => (v - mean) / (std + 1e-8));
}

export const trustRegionSchema = Type.Object(trustRegionSchemaFields, { additionalProperties: false });
export type TrustRegionConfig = Static<typeof trustRegionSchema>;

/**
 * One single-path iteration (§5.1): roll out π_old until the batch has `stepsPerIteration` steps,
 * Q̂ₜ = Σ_{k≥t} γ^{k−t} r_k along each trajectory, then one trust-region step with `strategy`.
 */
export function singlePathOptimizer(
  config: Omit<TrustRegionConfig, 'stepSize'> & Partial<Pick<TrustRegionConfig, 'stepSize'>>,
  policy: GaussianPolicy,
  strategy: TrustRegionStrategy,
): Optimizer {
  const settings: TrustRegionSettings = { stepSize: Infinity, ...config };
  return {
    async iterate(ctx: IterationContext): Promise<IterationExtras> {
      const batch = await ctx.sampleTrajectories(ctx.stepsPerIteration);
      const q = discountedReturns(batch, config.discount);
      return trustRegionStep(
        {
          policy,
          observations: batch.observations,
          actions: batch.actions,
          weights: surrogateWeights(q, config.baseline),
        },
        settings,
        ctx.rng.split('trust-region'),
        strategy,
      );
    },
    state: () => ({}),
    load: () => {},
  };
}
