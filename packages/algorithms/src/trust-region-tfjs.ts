/**
 * The policy side of the trust-region step as tfjs ops on float32 tensors: the reference the
 * WebAssembly kernels (trust-region-kernels.ts) are tested against. The gradient of any
 * `RatioSurrogate` at θ_old is ∇_θ Σₙ cₙ log π_θ(aₙ|sₙ) with cₙ = ∂L/∂ log πₙ taken at ρ = 1, so
 * tf.grad differentiates only the log-probabilities; ratios at other θ are formed in tfjs and the
 * surrogate evaluated on them in float64.
 */
import * as tf from '@tensorflow/tfjs';
import {
  empiricalFisherVectorProduct,
  gaussianFisherVectorProduct,
  gaussianKl,
  gaussianLogProb,
  libm,
  perStateFisherQuadratic,
} from '@policy-arena/core';
import type { FisherChoice, PolicyEvaluation, PolicyStepOps, TrustRegionProblem } from './trust-region.js';

export function tfjsOps(
  problem: TrustRegionProblem,
  thetaOld: Float64Array,
  subsetRows: Int32Array,
  fisher: FisherChoice,
): PolicyStepOps {
  const { policy, observations, actions, surrogate } = problem;
  const n = actions.length / policy.actDim;
  const obsT = tf.tensor2d(Float32Array.from(observations), [n, policy.obsDim]);
  const actT = tf.tensor2d(Float32Array.from(actions), [n, policy.actDim]);
  const thetaOldT = policy.paramsTensor(thetaOld);
  const oldMean = policy.meanTensor(obsT, thetaOldT);
  const oldLogStd = policy.logStdTensor(thetaOldT);
  const oldLogProb = gaussianLogProb(oldMean, oldLogStd, actT);
  const subset = tf.tensor1d(subsetRows, 'int32');
  const subObs = tf.gather(obsT, subset) as tf.Tensor2D;
  const subAct = tf.gather(actT, subset) as tf.Tensor2D;

  const evaluate = (theta: Float64Array): PolicyEvaluation => {
    const [logRatio, kls] = tf.tidy(() => {
      const th = policy.paramsTensor(theta);
      const mean = policy.meanTensor(obsT, th);
      const logStd = policy.logStdTensor(th);
      const kl = gaussianKl(oldMean, oldLogStd, mean, logStd);
      return [tf.sub(gaussianLogProb(mean, logStd, actT), oldLogProb), tf.stack([tf.mean(kl), tf.max(kl)])];
    });
    const ratios = Float64Array.from(logRatio.dataSync(), libm.exp);
    const [meanKl, maxKl] = kls.dataSync();
    tf.dispose([logRatio, kls]);
    return { surrogate: surrogate.value(ratios), meanKl: meanKl!, maxKl: maxKl! };
  };
  return {
    gradient: () => {
      const coefficients = new Float64Array(n);
      surrogate.value(new Float64Array(n).fill(1), coefficients);
      const cT = tf.tensor1d(Float32Array.from(coefficients));
      const gT = tf.tidy(() =>
        tf.grad((th) => {
          const t = th as tf.Tensor1D;
          return tf.sum(
            tf.mul(cT, gaussianLogProb(policy.meanTensor(obsT, t), policy.logStdTensor(t), actT)),
          );
        })(thetaOldT),
      );
      const g = Float64Array.from(gT.dataSync());
      tf.dispose([cT, gT]);
      return g;
    },
    fisherProduct: (v) =>
      fisher === 'analytic'
        ? gaussianFisherVectorProduct(policy, subObs, thetaOldT, v)
        : empiricalFisherVectorProduct(policy, subObs, subAct, thetaOldT, v),
    perStateQuadratic: (s) => perStateFisherQuadratic(policy, obsT, thetaOldT, s),
    evaluate,
    before: () => evaluate(thetaOld),
    dispose: () =>
      tf.dispose([obsT, actT, thetaOldT, oldMean, oldLogStd, oldLogProb, subset, subObs, subAct]),
  };
}
