/**
 * Natural policy gradient (Kakade 2002; §7, §8.1): the same search direction s ≈ A⁻¹g as TRPO,
 * but a fixed penalty coefficient in place of the KL constraint. Maximizing the penalized model
 *     gᵀΔ − (1/2α) ΔᵀAΔ
 * gives Δ = α·A⁻¹g: the step is α·s, with no line search, so its length scales exactly with α.
 * The paper swept the step size in factors of three and kept the best by final performance
 * (`NATURAL_GRADIENT_STEP_GRID`).
 */
import { Type } from '@sinclair/typebox';
import { definePlugin, libm } from '@policy-arena/core';
import { importanceSampledSurrogate, singlePathSamples } from './single-path.js';
import { trustRegionStep } from './trust-region.js';
import { trustRegionSchemaFields } from './trust-region-config.js';

/** 3^k, k = −4…2 (1/81 … 9): the §8.1 sweep in factors of three [range reconstructed]. */
export const NATURAL_GRADIENT_STEP_GRID: readonly number[] = [-4, -3, -2, -1, 0, 1, 2].map((k) =>
  libm.pow(3, k),
);

const { discount, cgIterations, fisherSubsample, cgDamping, baseline } = trustRegionSchemaFields;

export const naturalGradientSchema = Type.Object(
  {
    stepCoefficient: Type.Number({
      default: 1,
      exclusiveMinimum: 0,
      description:
        'α, the fixed step coefficient: Δθ = α·A⁻¹g (1/α is the penalty on ½ΔᵀAΔ). [reconstructed: the paper swept it in factors of three and gives no range; 1 was the best of NATURAL_GRADIENT_STEP_GRID by final score on cartpole-v1 with normalized weights, see EXPERIMENTS.md]',
    }),
    discount,
    cgIterations,
    fisherSubsample,
    cgDamping,
    baseline,
  },
  { additionalProperties: false },
);

export const naturalGradient = definePlugin({
  name: 'natural-gradient',
  description:
    'Natural policy gradient: the TRPO direction with a fixed step coefficient, no KL constraint (§8.1)',
  configSchema: naturalGradientSchema,
  create: (config, { policy }) => ({
    async iterate(ctx) {
      const { observations, actions, weights } = await singlePathSamples(ctx, config); // §5.1
      return trustRegionStep(
        { policy, observations, actions, surrogate: importanceSampledSurrogate(weights) }, // Eq. 14
        config,
        { kind: 'fixed-penalty', coefficient: config.stepCoefficient }, // Δ = α·A⁻¹g
        ctx.rng.split('trust-region'),
      );
    },
    state: () => ({}),
    load: () => {},
  }),
});
