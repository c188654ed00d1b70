/**
 * The single-path estimator (§5.1) that trpo-single-path, natural-gradient, empirical-fim and
 * max-kl share: whole episodes of π_old, Q̂ₜ = Σ_{k≥t} γ^{k−t} r_k along each trajectory, and the
 * importance-sampled surrogate of Eq. (14) with q = π_old,
 *     L(θ) = (1/N) Σₙ ρₙ wₙ,   ρₙ = π_θ(aₙ|sₙ)/π_old(aₙ|sₙ),
 * where the weights wₙ are Q̂ₙ, or (Q̂ₙ − mean)/std with the `normalize` baseline.
 */
import { rewardToGo, standardize } from '@policy-arena/core';
import type { IterationContext, RatioSurrogate } from '@policy-arena/core';

export interface SinglePathSamples {
  /** N × obsDim. */
  readonly observations: Float64Array;
  /** N × actDim. */
  readonly actions: Float64Array;
  /** wₙ: Q̂ₙ or its normalization. */
  readonly weights: Float64Array;
}

/** Roll out π_old until the batch has `ctx.stepsPerIteration` steps; weights from Q̂ (§5.1). */
export async function singlePathSamples(
  ctx: IterationContext,
  config: { readonly discount: number; readonly baseline: 'none' | 'normalize' },
): Promise<SinglePathSamples> {
  const batch = await ctx.sampleTrajectories(ctx.stepsPerIteration);
  const q = rewardToGo(batch, config.discount);
  return {
    observations: batch.observations,
    actions: batch.actions,
    weights: surrogateWeights(q, config.baseline),
  };
}

/** Q̂ or (Q̂ − mean)/std: a constant baseline and scale, which leave the gradient's direction unbiased. */
export function surrogateWeights(q: Float64Array, baseline: 'none' | 'normalize'): Float64Array {
  return baseline === 'none' ? q : standardize(q);
}

/** Eq. (14): L(ρ) = (1/N) Σₙ ρₙ wₙ, so ∂L/∂ log πₙ = ρₙ wₙ / N. */
export function importanceSampledSurrogate(weights: Float64Array): RatioSurrogate {
  const n = weights.length;
  return {
    samples: n,
    value(ratios, dLogProb) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += ratios[i]! * weights[i]!;
        if (dLogProb) dLogProb[i] = (ratios[i]! * weights[i]!) / n;
      }
      return s / n;
    },
  };
}
