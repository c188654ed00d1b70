/**
 * cartpole-v1: the cart-pole balancing task of the TRPO paper (§8.1, "based on the formulation from
 * Barto et al. (1983)"), in the form rllab used, which the paper's Figure 4 axis (0–10 per step)
 * matches.
 *
 * Dynamics: Barto et al. (1983) with their friction terms, explicit Euler (as Barto and gym),
 *   θ̈ = [g sinθ + cosθ·(−F − m_p l θ̇² sinθ + μ_c sgn ẋ)/(m_c+m_p) − μ_p θ̇/(m_p l)]
 *        / [l (4/3 − m_p cos²θ/(m_c+m_p))]
 *   ẍ = [F + m_p l (θ̇² sinθ − θ̈ cosθ) − μ_c sgn ẋ] / (m_c+m_p)
 * with g = 9.8, m_c = 1, m_p = 0.1, l = 0.5 (half the pole), μ_c = 5e-4, μ_p = 2e-6.
 * From rllab: step dt = 0.05 s, force F ∈ [−10, 10] N, reward 10 − (1 − cos θ) − 1e-5 F² per step
 * while upright and 0 on the step that falls, failure when |x| > 2.4 or |θ| > 0.2 rad, reset
 * (x, ẋ, θ, θ̇) ~ U(±0.05·(2.4, 4, 0.2, 4)).
 * Actions are normalized: a ∈ [−1, 1] (values outside are clipped) maps to F = 10·a newtons.
 * Horizon 100 steps (rllab's TRPO cart-pole example), reported as `truncated`.
 */
import { Rng, box, checkAction, libm } from '@policy-arena/core/env';
import type { Env, EnvOptions, EnvRegistration, EnvSpec, EnvState, StepResult } from '@policy-arena/core';

export const CARTPOLE_CONSTANTS = {
  gravity: 9.8,
  cartMass: 1.0,
  poleMass: 0.1,
  halfPoleLength: 0.5,
  cartFriction: 0.0005,
  poleFriction: 0.000002,
  dt: 0.05,
  maxForce: 10,
  xLimit: 2.4,
  thetaLimit: 0.2,
  resetScale: [0.12, 0.2, 0.01, 0.2] as const,
  horizon: 100,
} as const;

const C = CARTPOLE_CONSTANTS;

/** The terms of `info.rewardTerms`, in the order in which they add up to the reward. */
export const CARTPOLE_REWARD_TERMS: readonly string[] = ['alive', 'upright', 'control'];

export class CartPoleEnv implements Env {
  readonly spec: EnvSpec;
  private x = 0;
  private xDot = 0;
  private theta = 0;
  private thetaDot = 0;
  private steps = 0;
  private needsReset = true;
  private rng: Rng = Rng.fromSeed(0, 'cartpole');

  constructor(options: EnvOptions = {}) {
    const horizon = options.maxEpisodeSteps ?? C.horizon;
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new RangeError(`cartpole-v1: maxEpisodeSteps must be a positive integer, got ${horizon}`);
    }
    this.spec = {
      id: 'cartpole-v1',
      observationSpace: box(
        [-C.xLimit, -Infinity, -C.thetaLimit, -Infinity],
        [C.xLimit, Infinity, C.thetaLimit, Infinity],
      ),
      actionSpace: box(-1, 1, 1),
      maxEpisodeSteps: horizon,
      maxRewardPerStep: 10,
      dt: C.dt,
      rewardTerms: CARTPOLE_REWARD_TERMS,
      description: 'Cart-pole balancing (Barto et al. 1983, rllab reward), 4-dim state, 1 normalized force',
    };
  }

  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.rng = Rng.fromSeed(seed, 'cartpole');
    const [sx, sv, st, sw] = C.resetScale;
    this.x = this.rng.uniformIn(-sx, sx);
    this.xDot = this.rng.uniformIn(-sv, sv);
    this.theta = this.rng.uniformIn(-st, st);
    this.thetaDot = this.rng.uniformIn(-sw, sw);
    this.steps = 0;
    this.needsReset = false;
    return this.observe();
  }

  /** Cart position (m), pole angle from upright (rad) and the pole's half length, for drawing. */
  pose(): { x: number; theta: number; halfPoleLength: number } {
    return { x: this.x, theta: this.theta, halfPoleLength: C.halfPoleLength };
  }

  step(action: Float64Array): StepResult {
    if (this.needsReset)
      throw new Error('cartpole-v1: step() called before reset() or after the episode ended');
    checkAction(this.spec, action);
    const force = C.maxForce * Math.min(1, Math.max(-1, action[0]!));

    const totalMass = C.cartMass + C.poleMass;
    const sinT = libm.sin(this.theta);
    const cosT = libm.cos(this.theta);
    const sgnXDot = Math.sign(this.xDot);
    const thetaDot2 = this.thetaDot * this.thetaDot;
    const temp =
      (-force - C.poleMass * C.halfPoleLength * thetaDot2 * sinT + C.cartFriction * sgnXDot) / totalMass;
    const thetaAcc =
      (C.gravity * sinT + cosT * temp - (C.poleFriction * this.thetaDot) / (C.poleMass * C.halfPoleLength)) /
      (C.halfPoleLength * (4 / 3 - (C.poleMass * cosT * cosT) / totalMass));
    const xAcc =
      (force +
        C.poleMass * C.halfPoleLength * (thetaDot2 * sinT - thetaAcc * cosT) -
        C.cartFriction * sgnXDot) /
      totalMass;

    this.x += C.dt * this.xDot;
    this.xDot += C.dt * xAcc;
    this.theta += C.dt * this.thetaDot;
    this.thetaDot += C.dt * thetaAcc;
    this.steps++;

    const terminated = Math.abs(this.x) > C.xLimit || Math.abs(this.theta) > C.thetaLimit;
    const truncated = !terminated && this.steps >= this.spec.maxEpisodeSteps;
    const upright = 1 - libm.cos(this.theta);
    const reward = terminated ? 0 : 10 - upright - 1e-5 * force * force;
    if (terminated || truncated) this.needsReset = true;
    // rllab's cartpole_env.py: notdone·10 − notdone·(1 − cos θ) − notdone·1e-5·F²; the costs are
    // negated so the terms add up to `reward` exactly (a − b is a + (−b) in IEEE arithmetic).
    const rewardTerms = terminated
      ? { alive: 0, upright: 0, control: 0 }
      : { alive: 10, upright: -upright, control: -(1e-5 * force * force) };
    return { observation: this.observe(), reward, terminated, truncated, info: { rewardTerms } };
  }

  snapshot(): EnvState {
    const r = this.rng.state();
    return {
      envId: this.spec.id,
      data: Float64Array.from([
        this.x,
        this.xDot,
        this.theta,
        this.thetaDot,
        this.steps,
        this.needsReset ? 1 : 0,
        ...r.s,
        r.spareNormal ?? NaN,
      ]),
    };
  }

  restore(state: EnvState): void {
    if (state.envId !== this.spec.id || state.data.length !== 11) {
      throw new TypeError(
        `cartpole-v1: cannot restore a snapshot of ${state.envId} with ${state.data.length} values`,
      );
    }
    const d = state.data;
    [this.x, this.xDot, this.theta, this.thetaDot, this.steps] = [d[0]!, d[1]!, d[2]!, d[3]!, d[4]!];
    this.needsReset = d[5] === 1;
    const spare = d[10]!;
    this.rng = Rng.fromState({
      s: [d[6]!, d[7]!, d[8]!, d[9]!],
      spareNormal: Number.isNaN(spare) ? null : spare,
    });
  }

  close(): void {}

  private observe(): Float64Array {
    return Float64Array.of(this.x, this.xDot, this.theta, this.thetaDot);
  }
}

export const cartpoleV1: EnvRegistration = {
  id: 'cartpole-v1',
  description:
    'Cart-pole balancing, Barto et al. (1983) dynamics with rllab reward; linear policy (6 params)',
  create: (options) => new CartPoleEnv(options),
};
