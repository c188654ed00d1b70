import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import type { Json } from './plugin.js';
import { Rng } from './rng.js';
import { TrajectoryBuilder } from './trajectory.js';
import { MlpBaseline } from './value-mlp.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Episodes of 2-dimensional states whose value is a smooth function of the state and the step. */
function batch(seed: number) {
  const rng = Rng.fromSeed(seed);
  const b = new TrajectoryBuilder(2, 1);
  for (let e = 0; e < 20; e++) {
    const length = 10 + rng.int(10);
    for (let t = 0; t < length; t++) b.push([rng.normal(), rng.normal()], [0], 0);
    b.endEpisode(e % 2 === 0, e % 2 === 1, Float64Array.of(rng.normal(), rng.normal()));
  }
  const built = b.build();
  const target = (s0: number, s1: number, tau: number) => 200 + 50 * Math.tanh(s0) - 30 * s1 * s1 + 80 * tau;
  const targets = new Float64Array(built.numSteps);
  for (const ep of built.episodes)
    for (let k = 0; k < ep.length; k++) {
      const t = ep.start + k;
      targets[t] = target(built.observations[2 * t]!, built.observations[2 * t + 1]!, k / 20);
    }
  return { batch: built, targets, target };
}

function mse(a: Float64Array, b: Float64Array): number {
  return a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / a.length;
}

describe('MlpBaseline', () => {
  it('fits targets of any scale far better than their mean, predicts V(s_T) for cut episodes, leaks no tensor', () => {
    const { batch: b, targets, target } = batch(1);
    const baseline = new MlpBaseline(
      { obsDim: 2, horizon: 20, fitSteps: 300, hidden: [16] },
      Rng.fromSeed(7),
    );
    expect(Array.from(baseline.predict(b).values).every((v) => v === 0)).toBe(true);
    const before = tf.memory().numTensors;
    baseline.fit(b, targets);
    expect(tf.memory().numTensors).toBe(before);
    const { values, finalValues } = baseline.predict(b);
    const mean = targets.reduce((s, v) => s + v, 0) / targets.length;
    const variance = mse(targets, new Float64Array(targets.length).fill(mean));
    expect(mse(values, targets)).toBeLessThan(0.02 * variance);
    b.episodes.forEach((ep, e) => {
      if (ep.terminated) expect(finalValues[e]).toBe(0);
      else {
        const s = ep.finalObservation!;
        // Held-out states (no step of the batch is s_T), still within a third of a std.
        expect(Math.abs(finalValues[e]! - target(s[0]!, s[1]!, ep.length / 20))).toBeLessThan(
          Math.sqrt(variance) / 3,
        );
      }
    });
  });

  it('rescales its output layer with the targets (Pop-Art): a new scale alone leaves predictions unchanged', () => {
    const { batch: b, targets } = batch(2);
    const baseline = new MlpBaseline({ obsDim: 2, horizon: 20, fitSteps: 20 }, Rng.fromSeed(3));
    baseline.fit(b, targets);
    const before = baseline.predict(b).values;
    // Adam steps of 1e-12 change nothing measurable: what moves the predictions is the new (μ, σ).
    const frozen = new MlpBaseline(
      { obsDim: 2, horizon: 20, fitSteps: 1, learningRate: 1e-12 },
      Rng.fromSeed(3),
    );
    frozen.load(baseline.state());
    frozen.fit(
      b,
      targets.map((y) => 1000 + 10 * y),
    );
    const after = frozen.predict(b).values;
    before.forEach((v, t) => expect(after[t]).toBeCloseTo(v, 6));
  });

  it('resumes exactly from its state through JSON: same predictions, same next fit', () => {
    const one = batch(3);
    const two = batch(4);
    const options = { obsDim: 2, horizon: 20, fitSteps: 10 };
    const a = new MlpBaseline(options, Rng.fromSeed(5));
    a.fit(one.batch, one.targets);
    const b = new MlpBaseline(options, Rng.fromSeed(999)); // other initial weights, overwritten by load
    b.load(JSON.parse(JSON.stringify(a.state())) as Json);
    expect(b.predict(two.batch)).toEqual(a.predict(two.batch));
    a.fit(two.batch, two.targets);
    b.fit(two.batch, two.targets);
    expect(b.state()).toEqual(a.state());
    expect(() => b.load({ params: [1, 2] })).toThrow(/state.params must be an array of \d+ finite numbers/);
  });
});
