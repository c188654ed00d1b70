/**
 * Diagonal Gaussian action distributions N(μ, diag(σ²)) with a state-independent log-std vector
 * (Appendix D): log-probability, entropy and KL, as tfjs ops (for gradients) and in float64 (for
 * checks and bookkeeping).
 */
import * as tf from '@tensorflow/tfjs';
import * as libm from '@policy-arena/libm';

const LOG_2PI = libm.log(2 * Math.PI);

/** log π(a|s) per row: −½ Σ_d ((a_d − μ_d)/σ_d)² − Σ_d log σ_d − (D/2) log 2π. */
export function gaussianLogProb(mean: tf.Tensor2D, logStd: tf.Tensor1D, actions: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const d = mean.shape[1];
    const z = tf.div(tf.sub(actions, mean), tf.exp(logStd));
    return tf.sub(
      tf.mul(-0.5, tf.sum(tf.square(z), 1)),
      tf.add(tf.sum(logStd), 0.5 * d * LOG_2PI),
    ) as tf.Tensor1D;
  });
}

/**
 * KL(π₀ ‖ π₁) per row for diagonal Gaussians:
 *   Σ_d [ log σ₁ − log σ₀ + (σ₀² + (μ₀ − μ₁)²) / (2σ₁²) − ½ ].
 */
export function gaussianKl(
  mean0: tf.Tensor2D,
  logStd0: tf.Tensor1D,
  mean1: tf.Tensor2D,
  logStd1: tf.Tensor1D,
): tf.Tensor1D {
  return tf.tidy(() => {
    const var0 = tf.exp(tf.mul(2, logStd0));
    const var1 = tf.exp(tf.mul(2, logStd1));
    const quad = tf.div(tf.add(var0, tf.square(tf.sub(mean0, mean1))), tf.mul(2, var1));
    return tf.add(tf.sum(tf.sub(quad, 0.5), 1), tf.sum(tf.sub(logStd1, logStd0))) as tf.Tensor1D;
  });
}

/** Differential entropy Σ_d (log σ_d + ½ log 2πe) — the same for every state. */
export function gaussianEntropy(logStd: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.add(tf.sum(logStd), 0.5 * logStd.shape[0] * (LOG_2PI + 1)) as tf.Scalar);
}

// ---- float64 versions (row-major n × d arrays) ----

export function gaussianLogProb64(
  mean: Float64Array,
  logStd: Float64Array,
  actions: Float64Array,
): Float64Array {
  const d = logStd.length;
  const n = mean.length / d;
  let sumLogStd = 0;
  for (let j = 0; j < d; j++) sumLogStd += logStd[j]!;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < d; j++) {
      const z = (actions[i * d + j]! - mean[i * d + j]!) / libm.exp(logStd[j]!);
      q += z * z;
    }
    out[i] = -0.5 * q - sumLogStd - 0.5 * d * LOG_2PI;
  }
  return out;
}

export function gaussianKl64(
  mean0: Float64Array,
  logStd0: Float64Array,
  mean1: Float64Array,
  logStd1: Float64Array,
): Float64Array {
  const d = logStd0.length;
  const n = mean0.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let kl = 0;
    for (let j = 0; j < d; j++) {
      const v0 = libm.exp(2 * logStd0[j]!);
      const v1 = libm.exp(2 * logStd1[j]!);
      const dm = mean0[i * d + j]! - mean1[i * d + j]!;
      kl += logStd1[j]! - logStd0[j]! + (v0 + dm * dm) / (2 * v1) - 0.5;
    }
    out[i] = kl;
  }
  return out;
}

export function gaussianEntropy64(logStd: Float64Array): number {
  let s = 0;
  for (const l of logStd) s += l + 0.5 * (LOG_2PI + 1);
  return s;
}

export function mean64(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return x.length === 0 ? NaN : s / x.length;
}

export function max64(x: Float64Array): number {
  let m = -Infinity;
  for (const v of x) if (v > m) m = v;
  return m;
}
