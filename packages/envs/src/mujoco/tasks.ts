/**
 * The three MuJoCo locomotion tasks of the TRPO paper (§8.1): swimmer-v1, hopper-v1, walker-v1.
 *
 * What the paper fixes: the state is the generalized positions and velocities (10 / 12 / 18 dims);
 * the reward is forward velocity minus 1e-5‖u‖²; hopper and walker get +1 per non-terminal step and
 * end when they fall; the walker pays for strong foot impacts. Everything else is our choice, made
 * as follows (see the package README, section "MuJoCo tasks"):
 *
 * - Models: gym v3/v4 parameters in local coordinates (`reference/mjcf/`), RK4. Timestep 0.01 s
 *   (swimmer) and 0.002 s (hopper, walker) from the models; frame skip 4 as gym, so one env step is
 *   0.04 s / 0.008 s of simulated time. Horizon 1000 env steps, reported as `truncated`.
 * - Observation: `[qpos, qvel]` exactly as MuJoCo holds them (root x included; no COM features, no
 *   velocity clipping): swimmer 5 + 5, hopper 6 + 6, walker 9 + 9.
 * - Actions are normalized to [-1, 1] per actuator (values outside are clipped) and map affinely to
 *   the actuator's ctrlrange, which is [-1, 1] in all three models, so ctrl = a bitwise; the motor
 *   gear (150 / 200 / 100) turns it into a torque.
 * - Control cost: u is the clipped normalized action (= the MuJoCo ctrl), cost 1e-5‖u‖². With raw
 *   torques (gear · ctrl) the paper's 1e-5 would give up to 0.45 per step on the swimmer (gear 150),
 *   several times the swimmer's best forward speed (≈ 0.1 per step in Figure 4), and up to 1.2 on the
 *   hopper; the paper calls it a small penalty, so we read u as the normalized control.
 * - Forward velocity: (x_after − x_before) / dt of the root slide joint (qpos[0]), dt = frame skip ·
 *   timestep, as gym. (rllab used the torso-subtree COM velocity; both agree on average.)
 * - Alive bonus (hopper, walker): +1 on every step that does not terminate; the falling step gets 0.
 * - Termination (gym's thresholds): hopper ends unless the state is finite, |qpos[2:], qvel| < 100,
 *   height qpos[1] > 0.7 and |pitch qpos[2]| < 0.2; walker ends unless 0.8 < height < 2 and
 *   |pitch| < 1. The swimmer never terminates.
 * - Walker foot-impact penalty: after every physics sub-step the vertical contact force on each foot
 *   body is read from `cfrc_ext` (`mj_rnePostConstraint`; the feet touch nothing but the floor);
 *   F = its peak over the frame's sub-steps, in body weights (total mass 23.68 kg · |g| = 232 N).
 *   Penalty = 0.5 · Σ_feet max(0, F − 3): quiet standing is about 1 body weight shared by the feet,
 *   human walking and running peak at 1.2–3, so only harder strikes count; a 5-body-weight strike
 *   costs 1, as much as the alive bonus. Two things to know: MuJoCo's stiff default contacts make
 *   peaks high (gym's start pose leaves the feet 4 cm above the floor, and landing on straight legs
 *   peaks at about 8 body weights, ≈ 6 of penalty per episode unless the policy cushions it), and
 *   under a uniform random policy (episodes of ~21 steps, mostly falls) 13 % of steps pay, 0.12 per
 *   step on average.
 * - Reset: qpos0 + U(±ε) and U(±ε) velocities, ε = 0.1 (swimmer) and 0.005 (hopper, walker), as gym,
 *   drawn from the env's seeded stream, then `mj_forward`.
 */
import { HOPPER_XML, SWIMMER_XML, WALKER2D_XML } from './models.js';

export interface ImpactPenalty {
  /** Bodies whose floor contact force is penalized. */
  readonly bodies: readonly string[];
  /** Peak vertical force, in body weights, above which the penalty starts. */
  readonly thresholdBodyWeights: number;
  /** Penalty per body weight above the threshold, per foot. */
  readonly weight: number;
}

export interface MujocoTask {
  readonly id: string;
  /** Short model name, also the fixture name in the golden tests. */
  readonly model: 'swimmer' | 'hopper' | 'walker2d';
  readonly xml: string;
  readonly frameSkip: number;
  /** Half-width ε of the uniform reset noise on qpos and qvel. */
  readonly resetNoise: number;
  readonly aliveBonus: number;
  readonly ctrlCostWeight: number;
  readonly impact?: ImpactPenalty;
  readonly horizon: number;
  /** False ends the episode as `terminated` (a fall). Evaluated on the state after the step. */
  healthy(qpos: Float64Array, qvel: Float64Array): boolean;
  readonly description: string;
}

/** The paper's control-cost coefficient (§8.1), applied to the normalized control. */
export const CTRL_COST_WEIGHT = 1e-5;

export const SWIMMER_TASK: MujocoTask = {
  id: 'swimmer-v1',
  model: 'swimmer',
  xml: SWIMMER_XML,
  frameSkip: 4,
  resetNoise: 0.1,
  aliveBonus: 0,
  ctrlCostWeight: CTRL_COST_WEIGHT,
  horizon: 1000,
  healthy: () => true,
  description: 'Swimmer (3 links in a viscous fluid), 10-dim state, 2 torques; reward v_x − 1e-5‖u‖²',
};

export const HOPPER_LIMITS = { minHeight: 0.7, maxPitch: 0.2, maxAbsState: 100 } as const;

export const HOPPER_TASK: MujocoTask = {
  id: 'hopper-v1',
  model: 'hopper',
  xml: HOPPER_XML,
  frameSkip: 4,
  resetNoise: 0.005,
  aliveBonus: 1,
  ctrlCostWeight: CTRL_COST_WEIGHT,
  horizon: 1000,
  healthy(qpos, qvel) {
    const L = HOPPER_LIMITS;
    for (let i = 2; i < qpos.length; i++) if (!(Math.abs(qpos[i]!) < L.maxAbsState)) return false;
    for (let i = 0; i < qvel.length; i++) if (!(Math.abs(qvel[i]!) < L.maxAbsState)) return false;
    return Number.isFinite(qpos[0]!) && qpos[1]! > L.minHeight && Math.abs(qpos[2]!) < L.maxPitch;
  },
  description: 'Hopper (one leg, 2-D), 12-dim state, 3 torques; reward v_x + 1 − 1e-5‖u‖², ends on a fall',
};

export const WALKER_LIMITS = { minHeight: 0.8, maxHeight: 2, maxPitch: 1 } as const;

export const WALKER_TASK: MujocoTask = {
  id: 'walker-v1',
  model: 'walker2d',
  xml: WALKER2D_XML,
  frameSkip: 4,
  resetNoise: 0.005,
  aliveBonus: 1,
  ctrlCostWeight: CTRL_COST_WEIGHT,
  impact: { bodies: ['foot', 'foot_left'], thresholdBodyWeights: 3, weight: 0.5 },
  horizon: 1000,
  healthy(qpos) {
    const L = WALKER_LIMITS;
    const z = qpos[1]!;
    const pitch = qpos[2]!;
    return z > L.minHeight && z < L.maxHeight && pitch > -L.maxPitch && pitch < L.maxPitch;
  },
  description:
    'Walker (two legs, 2-D), 18-dim state, 6 torques; reward v_x + 1 − 1e-5‖u‖² − foot-impact penalty, ends on a fall',
};

export const MUJOCO_TASKS: readonly MujocoTask[] = [SWIMMER_TASK, HOPPER_TASK, WALKER_TASK];
