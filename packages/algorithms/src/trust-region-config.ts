/**
 * The settings the TRPO-family plugins share, with their sources, and the line-search rule made
 * from them.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { KlConstraint, TrustRegionRule } from './trust-region.js';

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

export const trustRegionSchema = Type.Object(trustRegionSchemaFields, { additionalProperties: false });
export type TrustRegionConfig = Static<typeof trustRegionSchema>;

/** The line-search rule of App. C from a plugin's settings, bounding `constraint` by δ = stepSize. */
export function lineSearchRule(
  config: Pick<TrustRegionConfig, 'stepSize' | 'backtrackRatio' | 'maxBacktracks' | 'acceptRatio'>,
  constraint: KlConstraint,
): TrustRegionRule {
  const { stepSize, backtrackRatio, maxBacktracks, acceptRatio } = config;
  return { kind: 'line-search', constraint, stepSize, backtrackRatio, maxBacktracks, acceptRatio };
}
