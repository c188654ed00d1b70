/**
 * The three MuJoCo locomotion tasks of the TRPO paper (§8.1), in two versions that differ only in
 * which point's forward velocity is rewarded:
 *
 * - v2 (`swimmer-v2`, `hopper-v2`, `walker-v2`, the defaults): the x-velocity of the whole robot's
 *   centre of mass, as rllab (`get_body_comvel("torso")`, see `docs/tasks.md`).
 * - v1 (`swimmer-v1`, `hopper-v1`, `walker-v1`): Δx/dt of the root body (`qpos[0]`), as gym. Kept
 *   registered and unchanged; on the swimmer TRPO barely learns with it (docs/tasks.md).
 *
 * What the paper fixes: the state is the generalized positions and velocities (10 / 12 / 18 dims);
 * the reward is forward velocity minus 1e-5‖u‖²; hopper and walker get +1 per non-terminal step and
 * end when they fall; the walker pays for strong foot impacts. Everything else is our choice, made
 * as follows (see the package README, section "MuJoCo tasks"):
 *
 * - Models: gym v3/v4 parameters in local coordinates (`models.ts`), RK4. Timestep 0.01 s
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
 * - Forward velocity, v2: `subtree_linvel[torso].x` after the frame (`mj_kinematics`, `mj_comPos`,
 *   `mj_comVel`, `mj_subtreeVel` on the final state): the instantaneous x-velocity of the centre of
 *   mass of the torso's subtree, which is the whole robot because the torso is the root body. This
 *   is what rllab's `get_body_comvel("torso")` returns (`rllab/mujoco_py/mjcore.py`
 *   `_compute_subtree`: mass-weighted body COM velocities summed over the subtree, read after
 *   `model.forward()` at the end of `forward_dynamics`). v1: (x_after − x_before) / dt of the root
 *   slide joint (qpos[0]), dt = frame skip · timestep, as gym. Both have the same long-run average,
 *   but under discounting the root's oscillation about the centre of mass adds a large
 *   state-dependent term to Q̂ (docs/tasks.md, "Forward velocity").
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

/**
 * Which point's x-velocity is the forward reward: `root` = Δ(qpos[0])/dt over the frame (gym);
 * `com` = the x-velocity of the root body's subtree centre of mass after the frame (rllab).
 */
export type ForwardVelocity = 'root' | 'com';

export interface MujocoTask {
  readonly id: string;
  /** Short model name, also the fixture name in the golden tests. */
  readonly model: 'swimmer' | 'hopper' | 'walker2d';
  readonly xml: string;
  readonly frameSkip: number;
  readonly forwardVelocity: ForwardVelocity;
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

/** swimmer-v1: forward term = root Δx/dt (gym). Superseded by `SWIMMER_TASK` (swimmer-v2). */
export const SWIMMER_V1_TASK: MujocoTask = {
  id: 'swimmer-v1',
  model: 'swimmer',
  xml: SWIMMER_XML,
  frameSkip: 4,
  forwardVelocity: 'root',
  resetNoise: 0.1,
  aliveBonus: 0,
  ctrlCostWeight: CTRL_COST_WEIGHT,
  horizon: 1000,
  healthy: () => true,
  description:
    'Swimmer (3 links in a viscous fluid), 10-dim state, 2 torques; reward root Δx/dt − 1e-5‖u‖² (superseded by swimmer-v2)',
};

/** swimmer-v2: swimmer-v1 with the centre-of-mass x-velocity as the forward term (rllab). */
export const SWIMMER_TASK: MujocoTask = {
  ...SWIMMER_V1_TASK,
  id: 'swimmer-v2',
  forwardVelocity: 'com',
  description:
    'Swimmer (3 links in a viscous fluid), 10-dim state, 2 torques; reward centre-of-mass v_x − 1e-5‖u‖²',
};

export const HOPPER_LIMITS = { minHeight: 0.7, maxPitch: 0.2, maxAbsState: 100 } as const;

/** hopper-v1: forward term = root Δx/dt (gym). Superseded by `HOPPER_TASK` (hopper-v2). */
export const HOPPER_V1_TASK: MujocoTask = {
  id: 'hopper-v1',
  model: 'hopper',
  xml: HOPPER_XML,
  frameSkip: 4,
  forwardVelocity: 'root',
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
  description:
    'Hopper (one leg, 2-D), 12-dim state, 3 torques; reward root Δx/dt + 1 − 1e-5‖u‖², ends on a fall (superseded by hopper-v2)',
};

/** hopper-v2: hopper-v1 with the centre-of-mass x-velocity as the forward term (rllab). */
export const HOPPER_TASK: MujocoTask = {
  ...HOPPER_V1_TASK,
  id: 'hopper-v2',
  forwardVelocity: 'com',
  description:
    'Hopper (one leg, 2-D), 12-dim state, 3 torques; reward centre-of-mass v_x + 1 − 1e-5‖u‖², ends on a fall',
};

export const WALKER_LIMITS = { minHeight: 0.8, maxHeight: 2, maxPitch: 1 } as const;

/** walker-v1: forward term = root Δx/dt (gym). Superseded by `WALKER_TASK` (walker-v2). */
export const WALKER_V1_TASK: MujocoTask = {
  id: 'walker-v1',
  model: 'walker2d',
  xml: WALKER2D_XML,
  frameSkip: 4,
  forwardVelocity: 'root',
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
    'Walker (two legs, 2-D), 18-dim state, 6 torques; reward root Δx/dt + 1 − 1e-5‖u‖² − foot-impact penalty, ends on a fall (superseded by walker-v2)',
};

/** walker-v2: walker-v1 with the centre-of-mass x-velocity as the forward term (rllab). */
export const WALKER_TASK: MujocoTask = {
  ...WALKER_V1_TASK,
  id: 'walker-v2',
  forwardVelocity: 'com',
  description:
    'Walker (two legs, 2-D), 18-dim state, 6 torques; reward centre-of-mass v_x + 1 − 1e-5‖u‖² − foot-impact penalty, ends on a fall',
};

/**
 * The names of a task's `info.rewardTerms`, in the order in which they add up to the reward:
 * `forward` (the forward velocity), `control` (−ctrl cost), and where the task has them `alive`
 * (the alive bonus) and `impact` (−foot-impact penalty). Costs are negated so that the terms sum
 * to the reward, as Gymnasium's MuJoCo envs report `reward_ctrl` as a negative number.
 */
export function rewardTermNames(task: MujocoTask): readonly string[] {
  return [
    'forward',
    'control',
    ...(task.aliveBonus !== 0 ? ['alive'] : []),
    ...(task.impact ? ['impact'] : []),
  ];
}

/** The current versions (the documented defaults). */
export const MUJOCO_TASKS: readonly MujocoTask[] = [SWIMMER_TASK, HOPPER_TASK, WALKER_TASK];
/** The superseded v1 versions, still registered. */
export const MUJOCO_V1_TASKS: readonly MujocoTask[] = [SWIMMER_V1_TASK, HOPPER_V1_TASK, WALKER_V1_TASK];
