import { describe, expect, it } from 'vitest';
import { CARTPOLE_CONSTANTS as C, CartPoleEnv } from './cartpole.js';
import { checkEnv } from './checker.js';

function stateOf(env: CartPoleEnv) {
  const d = env.snapshot().data;
  return { x: d[0]!, xDot: d[1]!, theta: d[2]!, thetaDot: d[3]! };
}

function setState(env: CartPoleEnv, x: number, xDot: number, theta: number, thetaDot: number) {
  const snap = env.snapshot();
  const data = Float64Array.from(snap.data);
  data.set([x, xDot, theta, thetaDot, 0, 0]);
  env.restore({ envId: snap.envId, data });
}

describe('cartpole-v1', () => {
  it('passes the env checker', () => {
    expect(checkEnv(new CartPoleEnv())).toEqual([]);
  });

  it('has the paper/rllab interface: 4-dim state, 1 normalized force, horizon 100, 10 per upright step', () => {
    const env = new CartPoleEnv();
    expect(env.spec.observationSpace.shape).toEqual([4]);
    expect(env.spec.actionSpace).toMatchObject({ kind: 'box', shape: [1] });
    expect(env.spec.maxEpisodeSteps).toBe(100);
    const obs = env.reset(1);
    const bounds = [0.12, 0.2, 0.01, 0.2];
    obs.forEach((v, i) => expect(Math.abs(v)).toBeLessThanOrEqual(bounds[i]!));
  });

  it('matches the small-angle closed form of the Barto equations for one Euler step', () => {
    const env = new CartPoleEnv();
    env.reset(0);
    const theta0 = 1e-4;
    setState(env, 0, 0, theta0, 0);
    const r = env.step(Float64Array.of(0.5)); // F = 5 N
    const F = 5;
    const M = C.cartMass + C.poleMass;
    const l = C.halfPoleLength;
    // Linearized about θ = 0, θ̇ = 0, ẋ = 0 (sgn 0 = 0): the textbook cart-pole model.
    const thetaAcc = (C.gravity * theta0 - F / M) / (l * (4 / 3 - C.poleMass / M));
    const xAcc = (F - C.poleMass * l * thetaAcc) / M;
    const s = stateOf(env);
    expect(s.x).toBe(0); // explicit Euler: position moves with the old velocity
    expect(s.theta).toBe(theta0);
    expect(s.xDot).toBeCloseTo(C.dt * xAcc, 8);
    expect(s.thetaDot).toBeCloseTo(C.dt * thetaAcc, 8);
    expect(r.reward).toBeCloseTo(10 - (1 - Math.cos(theta0)) - 1e-5 * F * F, 12);
  });

  it('terminates past |θ| > 0.2 or |x| > 2.4 with zero reward, and truncates at the horizon', () => {
    const env = new CartPoleEnv({ maxEpisodeSteps: 3 });
    env.reset(0);
    setState(env, 0, 0, 0.199, 1);
    let r = env.step(Float64Array.of(0));
    expect(r).toMatchObject({ terminated: true, truncated: false, reward: 0 });
    env.reset(0);
    setState(env, 2.399, 1, 0, 0);
    r = env.step(Float64Array.of(0));
    expect(r.terminated).toBe(true);
    env.reset(0);
    setState(env, 0, 0, 0, 0);
    const flags = [0, 1, 2].map(() => env.step(Float64Array.of(0)));
    expect(flags.map((f) => [f.terminated, f.truncated])).toEqual([
      [false, false],
      [false, false],
      [false, true],
    ]);
    expect(() => env.step(Float64Array.of(0))).toThrow(/after the episode ended/);
  });

  it('clips out-of-range forces to ±10 N and refuses wrong-length or NaN actions', () => {
    const env = new CartPoleEnv();
    env.reset(0);
    expect(() => env.step(Float64Array.of(NaN))).toThrow(/action\[0\] is NaN/);
    expect(() => env.step(Float64Array.of(0, 0))).toThrow(/2 entries, expected 1/);
    expect(() => new CartPoleEnv({ maxEpisodeSteps: 0 })).toThrow(/maxEpisodeSteps/);
  });
});
