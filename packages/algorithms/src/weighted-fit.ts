/**
 * Weighted maximum-likelihood refit of the Gaussian policy, shared by RWR and REPS (their M-step):
 *
 *   θ' = argmax_θ Σᵢ wᵢ log π_θ(aᵢ|sᵢ),   π_θ(a|s) = N(μ_θ(s), diag(exp r)²),  wᵢ ≥ 0.
 *
 * With a state-independent log-std r the problem separates. For any fixed σ the mean part is the
 * weighted least-squares problem
 *   min Σᵢ wᵢ Σ_d (aᵢ_d − μ_d(sᵢ))² / (2σ_d²),
 * and for a fixed mean the optimal variance is the weighted residual variance
 *   σ_d² = Σᵢ wᵢ (aᵢ_d − μ_d(sᵢ))² / Σᵢ wᵢ.
 *
 * - Linear policy (μ(s) = Wᵀs + b, cart-pole): each action dimension is an independent weighted
 *   least-squares problem in x = [s, 1], solved exactly from the normal equations
 *   (Xᵀ diag(w) X) β = Xᵀ diag(w) a_d in float64 by Cholesky (`weightedLeastSquares` of
 *   @policy-arena/core); then σ from the new residuals. This is
 *   the exact joint maximum — what rllab's L-BFGS converges to.
 * - MLP policy: the mean network is fitted by `fitIterations` L-BFGS iterations (float64
 *   bookkeeping, tfjs float32 gradients) on the weighted squared error at σ_old, from the current
 *   parameters; then σ in closed form at the new mean. [reconstructed: rllab runs L-BFGS on the
 *   joint weighted log-likelihood from the current parameters, 20 iterations for ERWR and 50 for
 *   REPS; fitting the mean first and σ in closed form reaches the same maximum with a better
 *   conditioned problem, since the log-std gradient no longer competes with the mean's.]
 *
 * σ is floored at `minStd` (rllab's GaussianMLPPolicy `min_std` 1e-6) so a degenerate weighting
 * (one sample with all the weight) cannot produce log 0.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianKl64, libm, weightedLeastSquares } from '@policy-arena/core';
import type { GaussianPolicy } from '@policy-arena/core';
import { Type } from '@sinclair/typebox';
import { minimizeLbfgs } from './lbfgs.js';

/** The weighted least squares of the closed-form fit, from @policy-arena/core (least-squares.ts). */
export { weightedLeastSquares };

/** The config fields of the weighted fit, shared by RWR and REPS (which differ only in rllab's iteration cap). */
export function weightedFitSchemaFields(fitIterations: number, source: string) {
  return {
    fitIterations: Type.Integer({
      default: fitIterations,
      minimum: 1,
      description: `L-BFGS iterations of the weighted ML fit for MLP policies (the linear policy is fitted exactly). [reconstructed: ${source}]`,
    }),
    minStd: Type.Number({
      default: 1e-6,
      exclusiveMinimum: 0,
      description:
        'Floor on the fitted action standard deviation. [reconstructed: rllab GaussianMLPPolicy min_std 1e-6]',
    }),
  };
}

export interface WeightedFitOptions {
  /** L-BFGS iterations for an MLP mean (unused for the linear policy). */
  readonly fitIterations: number;
  /** Floor on each fitted standard deviation. */
  readonly minStd: number;
  /** Force the iterative path even for a linear policy (tests compare it with the closed form). */
  readonly forceIterative?: boolean;
}

export interface WeightedFitResult {
  readonly params: Float64Array;
  readonly method: 'closed-form' | 'lbfgs';
  /** L-BFGS iterations used (0 for the closed form). */
  readonly iterations: number;
}

/** Weights scaled to sum to one (throws when they are not finite, negative, or all zero). */
export function normalizeWeights(weights: Float64Array): Float64Array {
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0 && Number.isFinite(w)))
      throw new RangeError(`weightedGaussianFit: weights must be finite and ≥ 0, got ${w}`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError('weightedGaussianFit: the weights sum to 0');
  return Float64Array.from(weights, (w) => w / total);
}

export function weightedGaussianFit(
  policy: GaussianPolicy,
  observations: Float64Array,
  actions: Float64Array,
  weights: Float64Array,
  options: WeightedFitOptions,
): WeightedFitResult {
  const { obsDim, actDim } = policy;
  const w = normalizeWeights(weights);
  const params = policy.getParams();
  let method: WeightedFitResult['method'];
  let iterations = 0;
  if (policy.hidden.length === 0 && !options.forceIterative) {
    // θ layout of the linear policy: W (obsDim × actDim, row-major), then b, then r.
    const beta = weightedLeastSquares(observations, obsDim, actions, actDim, w);
    params.set(beta.subarray(0, (obsDim + 1) * actDim), 0);
    method = 'closed-form';
  } else {
    const fitted = fitMeanIteratively(policy, observations, actions, w, params, options.fitIterations);
    params.set(fitted.params);
    iterations = fitted.iterations;
    method = 'lbfgs';
  }
  // σ_d² = Σᵢ wᵢ (aᵢ_d − μ_d(sᵢ))² at the new mean (w sums to 1).
  const means = policy.means(observations, params);
  const variance = new Float64Array(actDim);
  for (let i = 0; i < w.length; i++) {
    for (let d = 0; d < actDim; d++) {
      const r = actions[i * actDim + d]! - means[i * actDim + d]!;
      variance[d]! += w[i]! * (r * r);
    }
  }
  const minLogStd = libm.log(options.minStd);
  for (let d = 0; d < actDim; d++) {
    params[policy.logStdOffset + d] = Math.max(0.5 * libm.log(variance[d]!), minLogStd);
  }
  return { params, method, iterations };
}

/**
 * L-BFGS on the mean parameters: f(θ) = Σᵢ wᵢ Σ_d (aᵢ_d − μ_θ(sᵢ)_d)² / (2σ_d²) with σ = σ_old
 * fixed (its entries of θ get zero gradient and stay put).
 */
function fitMeanIteratively(
  policy: GaussianPolicy,
  observations: Float64Array,
  actions: Float64Array,
  w: Float64Array,
  theta0: Float64Array,
  maxIterations: number,
): { params: Float64Array; iterations: number } {
  const n = w.length;
  const S = tf.tensor2d(Float32Array.from(observations), [n, policy.obsDim]);
  const A = tf.tensor2d(Float32Array.from(actions), [n, policy.actDim]);
  const halfInvVar = tf.tensor1d(Float32Array.from(policy.logStd(), (r) => 0.5 * libm.exp(-2 * r)));
  const W = tf.tensor2d(Float32Array.from(w), [n, 1]);
  const lossOf = (th: tf.Tensor1D): tf.Scalar =>
    tf.sum(tf.mul(W, tf.mul(tf.square(tf.sub(A, policy.meanTensor(S, th))), halfInvVar)));
  const valueAndGrad = tf.valueAndGrad(lossOf);
  try {
    const result = minimizeLbfgs(
      (x) => {
        const th = tf.tensor1d(Float32Array.from(x));
        const { value, grad } = valueAndGrad(th);
        const out = { value: value.dataSync()[0]!, gradient: Float64Array.from(grad.dataSync()) };
        tf.dispose([th, value, grad]);
        return out;
      },
      theta0,
      { maxIterations, gradientTolerance: 1e-7, valueTolerance: 1e-9 },
    );
    return { params: result.x, iterations: result.iterations };
  } finally {
    tf.dispose([S, A, halfInvVar, W]);
  }
}

export interface RefitResult {
  readonly fit: WeightedFitResult;
  /** Mean over the batch's states of KL(π_before ‖ π_after). */
  readonly meanKl: number;
  /** Mean of the fitted standard deviations. */
  readonly meanStd: number;
}

/**
 * The M-step RWR and REPS share: refit the policy to the weighted samples, install the new
 * parameters, and report how far the policy moved (mean KL over the batch's states) and its
 * fitted noise level.
 */
export function refitPolicy(
  policy: GaussianPolicy,
  observations: Float64Array,
  actions: Float64Array,
  weights: Float64Array,
  options: WeightedFitOptions,
): RefitResult {
  const oldParams = policy.getParams();
  const fit = weightedGaussianFit(policy, observations, actions, weights, options);
  policy.setParams(fit.params);
  const kl = gaussianKl64(
    policy.means(observations, oldParams),
    oldParams.subarray(policy.logStdOffset),
    policy.means(observations, fit.params),
    fit.params.subarray(policy.logStdOffset),
  );
  const logStd = fit.params.subarray(policy.logStdOffset);
  return {
    fit,
    meanKl: kl.reduce((a, b) => a + b, 0) / kl.length,
    meanStd: logStd.reduce((a, r) => a + libm.exp(r), 0) / policy.actDim,
  };
}
