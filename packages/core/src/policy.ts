/**
 * Gaussian policies (Appendix D): π_θ(a|s) = N(μ_θ(s), diag(exp(r))²) with a mean network μ_θ —
 * linear (cart-pole: 4 weights + 1 bias + 1 log-std = 6 parameters) or an MLP with tanh hidden
 * layers — and a state-independent log-std vector r.
 *
 * All parameters live in one flat float64 vector θ = [W₁, b₁, …, W_L, b_L, r] (each W row-major,
 * input × output), so optimizers see plain vectors. Two forward passes compute the same network:
 * - float64 on plain arrays, for acting in the rollout loop (no tensor call per env step);
 * - tfjs on a flat float32 θ tensor, differentiable with respect to θ, for policy updates.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianLogProb } from './distributions.js';
import { GaussianMlp } from './gaussian-mlp.js';
import type { GaussianPolicyConfig, MlpLayer } from './gaussian-mlp.js';
import type { Rng } from './rng.js';

export type { GaussianPolicyConfig } from './gaussian-mlp.js';

/**
 * A Gaussian MLP policy: the float64 side (parameter layout, acting) from `GaussianMlp`, plus the
 * tfjs side for updates.
 */
export class GaussianPolicy extends GaussianMlp {
  /**
   * A policy with rllab's initialization: Glorot-uniform weights, zero biases, log-std = initLogStd.
   */
  static override create(config: GaussianPolicyConfig, rng: Rng): GaussianPolicy {
    return new GaussianPolicy(config).initialize(config, rng);
  }

  /** A policy of the same shape with other parameters. */
  override withParams(params: Float64Array): GaussianPolicy {
    return new GaussianPolicy(this.config, params);
  }

  // ---------------- tfjs side ----------------

  /** θ as a float32 tensor (the caller disposes it). */
  paramsTensor(theta: Float64Array = this.theta): tf.Tensor1D {
    return tf.tensor1d(Float32Array.from(theta));
  }

  /** μ_θ(S) for observations S [n, obsDim], differentiable in θ. */
  meanTensor(observations: tf.Tensor2D, theta: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      let x: tf.Tensor2D = observations;
      this.layers.forEach((layer, l) => {
        const { W, b } = this.layerTensors(theta, layer);
        x = tf.add(tf.matMul(x, W), b) as tf.Tensor2D;
        if (l < this.layers.length - 1) x = tf.tanh(x);
      });
      return x;
    });
  }

  /** r, the log-std vector, differentiable in θ. */
  logStdTensor(theta: tf.Tensor1D): tf.Tensor1D {
    return tf.slice(theta, [this.logStdOffset], [this.actDim]);
  }

  /**
   * J v: the directional derivative of μ_θ(S) along v (forward mode, by a tangent pass through the
   * network: ż = Ẇx + Wẋ + ḃ, ḣ = (1 − tanh²z) ⊙ ż). Exact, and no second derivatives — tfjs's
   * second-order gradients of tanh are wrong (tfjs#3252).
   */
  meanJvp(observations: tf.Tensor2D, theta: tf.Tensor1D, v: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      let x: tf.Tensor2D = observations;
      let dx: tf.Tensor2D | null = null; // the input does not depend on θ
      this.layers.forEach((layer, l) => {
        const { W, b } = this.layerTensors(theta, layer);
        const { W: dW, b: db } = this.layerTensors(v, layer);
        const z = tf.add(tf.matMul(x, W), b);
        let dz = tf.add(tf.matMul(x, dW), db) as tf.Tensor2D;
        if (dx) dz = tf.add(dz, tf.matMul(dx, W)) as tf.Tensor2D;
        if (l < this.layers.length - 1) {
          const h = tf.tanh(z) as tf.Tensor2D;
          dx = tf.mul(tf.sub(1, tf.square(h)), dz) as tf.Tensor2D;
          x = h;
        } else {
          dx = dz;
        }
      });
      return dx as unknown as tf.Tensor2D;
    });
  }

  private layerTensors(theta: tf.Tensor1D, layer: MlpLayer): { W: tf.Tensor2D; b: tf.Tensor1D } {
    const W = tf.reshape(tf.slice(theta, [layer.w], [layer.inputs * layer.outputs]), [
      layer.inputs,
      layer.outputs,
    ]);
    const b = tf.slice(theta, [layer.b], [layer.outputs]);
    return { W: W as tf.Tensor2D, b };
  }
}

/**
 * The analytic Fisher-vector product of Appendix C.1 in Gauss–Newton form: A v = (1/N) Σ_n Jₙᵀ M Jₙ v,
 * where Jₙ = ∂(μ(sₙ), r)/∂θ and M is the Hessian of KL(π_old ‖ π) in the distribution parameters:
 * 1/σ² for each mean output and 2 for each log-std entry. This is exactly the Hessian of the mean
 * KL at θ = θ_old, with no second derivatives of the network.
 *
 * `observations` are the states the KL is averaged over (the 10 % subsample of Appendix C).
 */
export function gaussianFisherVectorProduct(
  policy: GaussianPolicy,
  observations: tf.Tensor2D,
  theta: tf.Tensor1D,
  v: Float64Array,
): Float64Array {
  const n = observations.shape[0];
  const result = tf.tidy(() => {
    const vT = tf.tensor1d(Float32Array.from(v));
    const invVar = tf.exp(tf.mul(-2, policy.logStdTensor(theta)));
    // u = M J v / N for the mean part, held constant in the VJP below.
    const u = tf.div(tf.mul(policy.meanJvp(observations, theta, vT), invVar), n);
    // Jᵀu as the gradient of ⟨μ_θ(S), u⟩ with respect to θ (one VJP).
    const jtu = tf.grad((th) => tf.sum(tf.mul(policy.meanTensor(observations, th as tf.Tensor1D), u)))(theta);
    return jtu;
  });
  const out = Float64Array.from(result.dataSync());
  result.dispose();
  // Log-std block: M = 2 and J = I for every state, so its contribution is 2 v_r.
  for (let j = 0; j < policy.actDim; j++) out[policy.logStdOffset + j]! += 2 * v[policy.logStdOffset + j]!;
  return out;
}

/**
 * The empirical Fisher-vector product (§6): F v = (1/N) Gᵀ(G v), where row n of G is the score
 * ∇_θ log π_θ(aₙ|sₙ). Neither G nor any per-sample gradient is materialized:
 * - G v is the directional derivative of every log-probability along v, from the mean's J v:
 *   (G v)ₙ = Σ_d (aₙ − μₙ)_d/σ_d² · (J v)ₙ_d + Σ_d (zₙ_d² − 1) · v_r_d,   z = (a − μ)/σ;
 * - Gᵀu is one VJP: ∇_θ Σₙ uₙ log π_θ(aₙ|sₙ).
 */
export function empiricalFisherVectorProduct(
  policy: GaussianPolicy,
  observations: tf.Tensor2D,
  actions: tf.Tensor2D,
  theta: tf.Tensor1D,
  v: Float64Array,
): Float64Array {
  const n = observations.shape[0];
  const result = tf.tidy(() => {
    const vT = tf.tensor1d(Float32Array.from(v));
    const logStd = policy.logStdTensor(theta);
    const invVar = tf.exp(tf.mul(-2, logStd));
    const diff = tf.sub(actions, policy.meanTensor(observations, theta));
    const jv = policy.meanJvp(observations, theta, vT);
    const vr = tf.slice(vT, [policy.logStdOffset], [policy.actDim]);
    const gv = tf.add(
      tf.sum(tf.mul(tf.mul(diff, invVar), jv), 1),
      tf.sum(tf.mul(tf.sub(tf.mul(tf.square(diff), invVar), 1), vr), 1),
    );
    const u = tf.div(gv, n);
    return tf.grad((th) => {
      const t = th as tf.Tensor1D;
      return tf.sum(
        tf.mul(u, gaussianLogProb(policy.meanTensor(observations, t), policy.logStdTensor(t), actions)),
      );
    })(theta);
  });
  const out = Float64Array.from(result.dataSync());
  result.dispose();
  return out;
}

/**
 * The quadratic model of each state's KL along a direction s (Appendix C.1, per state):
 * ½ sᵀAₙs with Aₙ = JₙᵀMJₙ, i.e. qₙ = Σ_d (Jₙ s)_d²/σ_d² + 2‖s_r‖², returned as qₙ (without the ½).
 */
export function perStateFisherQuadratic(
  policy: GaussianPolicy,
  observations: tf.Tensor2D,
  theta: tf.Tensor1D,
  s: Float64Array,
): Float64Array {
  const q = tf.tidy(() => {
    const sT = tf.tensor1d(Float32Array.from(s));
    const invVar = tf.exp(tf.mul(-2, policy.logStdTensor(theta)));
    return tf.sum(tf.mul(tf.square(policy.meanJvp(observations, theta, sT)), invVar), 1);
  });
  let sr = 0;
  for (let j = 0; j < policy.actDim; j++) {
    const v = s[policy.logStdOffset + j]!;
    sr += v * v;
  }
  const out = Float64Array.from(q.dataSync(), (x) => x + 2 * sr);
  q.dispose();
  return out;
}
