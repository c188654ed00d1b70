/**
 * The policy side of the trust-region step on the float32 WebAssembly SIMD kernels of
 * `@policy-arena/core`: one `GaussianMlpKernels` batch for the surrogate and the KL, another on the
 * Fisher subsample for the products, with activations and per-state output Jacobians cached at
 * θ_old across the conjugate-gradient iterations.
 */
import { GaussianMlpKernels, GaussianSurrogateKernels } from '@policy-arena/core';
import type { FisherChoice, PolicyStepOps, TrustRegionProblem } from './trust-region.js';

function gatherRows(x: Float64Array, width: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++)
    out.set(x.subarray(rows[i]! * width, (rows[i]! + 1) * width), i * width);
  return out;
}

/** The WebAssembly kernels: one batch for the surrogate and KL, the subsample for Fisher products. */
export function kernelOps(
  problem: TrustRegionProblem,
  thetaOld: Float64Array,
  subset: Int32Array,
  fisher: FisherChoice,
): PolicyStepOps {
  const { policy, observations, actions } = problem;
  const n = actions.length / policy.actDim;
  const all = new GaussianMlpKernels(policy, observations, thetaOld);
  const surrogate = new GaussianSurrogateKernels(all, actions, problem.surrogate, thetaOld);
  // The whole batch in any order is the whole batch: reuse its caches.
  const whole = subset.length === n;
  const sub = whole
    ? all
    : new GaussianMlpKernels(policy, gatherRows(observations, policy.obsDim, subset), thetaOld);
  const subActions =
    fisher === 'empirical' ? (whole ? actions : gatherRows(actions, policy.actDim, subset)) : null;
  let value0 = NaN;
  return {
    gradient: () => {
      const { value, gradient } = surrogate.gradient();
      value0 = value;
      return gradient;
    },
    fisherProduct: (v) =>
      subActions ? sub.empiricalFisherVectorProduct(v, subActions) : sub.fisherVectorProduct(v),
    perStateQuadratic: (s) => all.perStateFisherQuadratic(s),
    evaluate: (theta) => surrogate.evaluate(theta),
    // At θ_old the ratios are 1 and the KL 0 exactly (the same float32 means).
    before: () =>
      Number.isNaN(value0) ? surrogate.evaluate(thetaOld) : { surrogate: value0, meanKl: 0, maxKl: 0 },
    dispose: () => {
      all.dispose();
      if (sub !== all) sub.dispose();
    },
  };
}
