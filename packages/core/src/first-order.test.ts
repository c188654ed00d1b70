import { describe, expect, it } from 'vitest';
import { Adam, Sgd } from './first-order.js';
import type { FirstOrderOptimizer } from './first-order.js';
import type { Json } from './plugin.js';

/** A gradient sequence that changes sign and scale, per coordinate. */
const gradients = Array.from({ length: 8 }, (_, k) =>
  Float64Array.of(Math.sin(k + 1), 3 * Math.cos(2 * k), -0.01 * k),
);
const theta0 = Float64Array.of(0.5, -1, 2);

function run(opt: FirstOrderOptimizer, from: Float64Array, grads: Float64Array[]): Float64Array {
  let theta = from;
  for (const g of grads) theta = opt.step(theta, g);
  return theta;
}

describe('Adam (Kingma & Ba 2015, Algorithm 1)', () => {
  it('equals the paper’s update, rolled by hand per coordinate', () => {
    const [alpha, b1, b2, eps] = [0.05, 0.8, 0.95, 1e-6];
    const expected = Array.from(theta0);
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    gradients.forEach((g, k) => {
      const t = k + 1;
      for (let i = 0; i < 3; i++) {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!; // biased first moment
        v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2; // biased second raw moment
        const mHat = m[i]! / (1 - b1 ** t);
        const vHat = v[i]! / (1 - b2 ** t);
        expected[i] = expected[i]! - (alpha * mHat) / (Math.sqrt(vHat) + eps);
      }
    });
    const got = run(new Adam({ learningRate: alpha, beta1: b1, beta2: b2, epsilon: eps }), theta0, gradients);
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 14));
  });

  it('its first step moves every coordinate by α against the gradient’s sign; maximize ascends', () => {
    const g = Float64Array.of(5, -0.001, 0);
    const down = new Adam({ learningRate: 0.1 }).step(theta0, g);
    expect(down[0]).toBeCloseTo(0.4, 6);
    expect(down[1]).toBeCloseTo(-0.9, 4);
    expect(down[2]).toBe(2);
    const up = new Adam({ learningRate: 0.1, maximize: true }).step(theta0, g);
    expect(up[0]).toBeCloseTo(0.6, 6);
  });

  it('resumes exactly from its state through JSON', () => {
    const a = new Adam({ learningRate: 0.03 });
    const mid = run(a, theta0, gradients.slice(0, 3));
    const saved = JSON.parse(JSON.stringify(a.state())) as Json;
    const b = new Adam({ learningRate: 0.03 });
    b.load(saved);
    expect(b.steps).toBe(3);
    expect(run(b, mid, gradients.slice(3))).toEqual(run(a, mid, gradients.slice(3)));
    expect(new Adam().state()).toBeNull();
    expect(() => b.load({ t: 0, m: [], v: [] })).toThrow(/state.t must be an integer ≥ 1/);
    expect(() => b.load({ t: 2, m: [1, 2], v: [1] })).toThrow(/state.v must be an array of 2 finite numbers/);
  });
});

describe('Sgd', () => {
  it('θ ← θ − αg; with momentum u ← μu + g, θ ← θ − αu (by hand)', () => {
    const plain = run(new Sgd({ learningRate: 0.1 }), theta0, gradients.slice(0, 2));
    for (let i = 0; i < 3; i++)
      expect(plain[i]).toBeCloseTo(theta0[i]! - 0.1 * (gradients[0]![i]! + gradients[1]![i]!), 14);
    const heavy = run(new Sgd({ learningRate: 0.1, momentum: 0.9 }), theta0, gradients.slice(0, 2));
    for (let i = 0; i < 3; i++) {
      const u1 = gradients[0]![i]!;
      const u2 = 0.9 * u1 + gradients[1]![i]!;
      expect(heavy[i]).toBeCloseTo(theta0[i]! - 0.1 * u1 - 0.1 * u2, 14);
    }
    const up = new Sgd({ learningRate: 0.1, maximize: true }).step(theta0, gradients[0]!);
    expect(up[0]).toBeCloseTo(theta0[0]! + 0.1 * gradients[0]![0]!, 14);
  });

  it('resumes exactly from its state through JSON, and checks lengths', () => {
    const a = new Sgd({ learningRate: 0.1, momentum: 0.5 });
    const mid = run(a, theta0, gradients.slice(0, 4));
    const b = new Sgd({ learningRate: 0.1, momentum: 0.5 });
    b.load(JSON.parse(JSON.stringify(a.state())) as Json);
    expect(run(b, mid, gradients.slice(4))).toEqual(run(a, mid, gradients.slice(4)));
    expect(() => a.step(theta0, Float64Array.of(1))).toThrow(/3 parameters but 1 gradient entries/);
    expect(() => new Sgd({ learningRate: 0 })).toThrow(/learningRate must be a finite number > 0/);
  });
});
