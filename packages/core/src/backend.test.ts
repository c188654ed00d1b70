import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, activeBackend, initBackend } from './backend.js';
import { GaussianPolicy, gaussianFisherVectorProduct } from './policy.js';
import { Rng } from './rng.js';

function fvpOnce(): Float64Array {
  const rng = Rng.fromSeed(1);
  const policy = GaussianPolicy.create({ obsDim: 3, actDim: 2, hidden: [5] }, rng);
  const obs = tf.tensor2d(
    Float32Array.from({ length: 30 }, () => rng.normal()),
    [10, 3],
  );
  const theta = policy.paramsTensor();
  const v = Float64Array.from({ length: policy.numParams }, () => rng.normal());
  const out = gaussianFisherVectorProduct(policy, obs, theta, v);
  tf.dispose([obs, theta]);
  return out;
}

describe('initBackend', () => {
  afterAll(async () => {
    await initBackend('wasm');
  });

  it('runs the same math on wasm and cpu', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const a = fvpOnce();
    await initBackend('cpu');
    expect(activeBackend()).toBe('cpu');
    const b = fvpOnce();
    a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(x))));
  });

  it("names what to install when 'tensorflow' (tfjs-node) is absent", async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(BackendUnavailableError);
    await expect(initBackend('tensorflow')).rejects.toThrow(/npm install @tensorflow\/tfjs-node/);
  });

  it('rejects an unknown backend with the valid choices', async () => {
    await expect(initBackend('gpu' as never)).rejects.toThrow(
      /unknown backend "gpu"; valid: wasm, cpu, tensorflow/,
    );
  });
});

describe('the tf re-export', () => {
  it('is core’s tfjs: one engine, so a plugin’s tensors run on the backend initBackend chose', async () => {
    const core = await import('./index.js');
    expect(core.tf.engine()).toBe(tf.engine());
    expect(await initBackend('wasm')).toBe('wasm');
    expect(core.tf.getBackend()).toBe('wasm');
  });
});
