/**
 * Gradients of the Gaussian policy's log-likelihood with respect to its flat parameters θ, for
 * policy-gradient plugins (tfjs autodiff; every tensor is disposed before they return):
 *
 *   policyLogProbGradient:  ∇_θ Σₙ wₙ log π_θ(aₙ|sₙ)
 *   surrogateGradient:      ∇_θ L(θ) at θ = θ_old, with L the surrogate of the TRPO paper's
 *                           Eq. (14), L(θ) = (1/N) Σₙ π_θ(aₙ|sₙ)/π_old(aₙ|sₙ) Âₙ; since
 *                           ∇_θ ρₙ = ∇_θ log π_θ at θ_old, it is (1/N) Σₙ Âₙ ∇_θ log π_θ(aₙ|sₙ),
 *                           the REINFORCE / vanilla policy gradient (Williams 1992).
 *
 * log π_θ(a|s) = −½ Σ_d ((a_d − μ_θ(s)_d)/σ_d)² − Σ_d log σ_d − (D/2) log 2π, σ = exp(r) (Appendix D).
 * The network runs in float32 (tfjs); the result is returned as float64.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianLogProb } from './distributions.js';
import type { GaussianPolicy } from './policy.js';
import type { TrajectoryBatch } from './trajectory.js';

/** State-action samples: n × obsDim observations and n × actDim actions, row-major. */
export type StateActionSamples = Pick<TrajectoryBatch, 'observations' | 'actions'>;

/**
 * ∇_θ Σₙ wₙ log π_θ(aₙ|sₙ) at the policy's current parameters (or at `theta`), as a float64 array
 * of `policy.numParams` entries in θ's layout. n is `weights.length`.
 */
export function policyLogProbGradient(
  policy: GaussianPolicy,
  samples: StateActionSamples,
  weights: Float64Array,
  theta: Float64Array = policy.getParams(),
): Float64Array {
  const n = weights.length;
  const { obsDim, actDim } = policy;
  if (samples.observations.length !== n * obsDim || samples.actions.length !== n * actDim) {
    throw new RangeError(
      `policyLogProbGradient: ${n} weights, but ${samples.observations.length / obsDim} observations and ${samples.actions.length / actDim} actions`,
    );
  }
  if (theta.length !== policy.numParams)
    throw new RangeError(
      `policyLogProbGradient: θ has ${theta.length} entries, expected ${policy.numParams}`,
    );
  const gradient = tf.tidy(() => {
    const S = tf.tensor2d(Float32Array.from(samples.observations), [n, obsDim]);
    const A = tf.tensor2d(Float32Array.from(samples.actions), [n, actDim]);
    const w = tf.tensor1d(Float32Array.from(weights));
    return tf.grad((th) => {
      const t = th as tf.Tensor1D;
      return tf.sum(tf.mul(w, gaussianLogProb(policy.meanTensor(S, t), policy.logStdTensor(t), A)));
    })(policy.paramsTensor(theta));
  });
  try {
    return Float64Array.from(gradient.dataSync());
  } finally {
    gradient.dispose();
  }
}

/**
 * The gradient at θ_old of the surrogate L(θ) = (1/N) Σₙ ρₙ(θ) Âₙ (Eq. 14): the vanilla policy
 * gradient (1/N) Σₙ Âₙ ∇_θ log π_θ(aₙ|sₙ) for advantages Âₙ (e.g. `standardize(rewardToGo(…))`
 * or GAE). Ascend it to improve the policy.
 */
export function surrogateGradient(
  policy: GaussianPolicy,
  samples: StateActionSamples,
  advantages: Float64Array,
): Float64Array {
  const n = advantages.length;
  if (n === 0) throw new RangeError('surrogateGradient: no samples');
  return policyLogProbGradient(
    policy,
    samples,
    Float64Array.from(advantages, (a) => a / n),
  );
}
