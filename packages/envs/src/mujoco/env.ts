/**
 * MujocoEnv: one of the tasks of `tasks.ts` on the MuJoCo WebAssembly module.
 *
 * Pitfalls of mujoco-js 0.0.7 handled here:
 * - `data.qpos` etc. are typed-array views of the wasm heap; they are cached (a getter builds a new
 *   view per call) and rebound when the heap grows (creating another MjData can grow it, which
 *   detaches the old views; a detached view has length 0, which is what `bind()` checks).
 * - `mj_getState` writes only into a wasm-heap buffer (a `DoubleBuffer`); a plain Float64Array is
 *   copied in and silently not written back.
 * - MuJoCo resets a diverged state silently, and its warning counters are slow to read: divergence.ts.
 */
import { Rng, box, checkAction, libm } from '@policy-arena/core/env';
import type { Env, EnvOptions, EnvRegistration, EnvSpec, EnvState, StepResult } from '@policy-arena/core';
import type { DoubleBuffer, MjData, MjModel } from 'mujoco-js';
import { SimulationDivergedError } from '../errors.js';
import { readGeometry } from './geometry.js';
import type { MujocoGeometry } from './geometry.js';
import { DivergenceWatch } from './divergence.js';
import type { Divergence } from './divergence.js';
import { loadMujoco, modelFromXml } from './loader.js';
import type { MujocoModule } from './loader.js';
import {
  HOPPER_TASK,
  HOPPER_V1_TASK,
  SWIMMER_TASK,
  SWIMMER_V1_TASK,
  WALKER_TASK,
  WALKER_V1_TASK,
  rewardTermNames,
} from './tasks.js';
import type { MujocoTask } from './tasks.js';

/** The reward terms of one env step (what `simulate` returns). */
export interface MujocoStepInfo {
  /** Total reward: forwardVelocity − ctrlCost + aliveBonus − impactPenalty. */
  readonly reward: number;
  /** The task's forward term: root Δx/dt (v1) or centre-of-mass x-velocity (v2). */
  readonly forwardVelocity: number;
  readonly ctrlCost: number;
  /** The alive bonus paid (0 on a terminating step). */
  readonly aliveBonus: number;
  readonly impactPenalty: number;
  readonly healthy: boolean;
}

/** Number of leading entries of `EnvState.data` that are not MuJoCo state. */
const HEADER = 7;

interface Views {
  qpos: Float64Array;
  qvel: Float64Array;
  ctrl: Float64Array;
  cfrcExt: Float64Array;
  subtreeLinvel: Float64Array;
}

export class MujocoEnv implements Env {
  readonly spec: EnvSpec;
  readonly task: MujocoTask;
  readonly nq: number;
  readonly nv: number;
  readonly nu: number;
  /** Physics timestep (s) of the model. */
  readonly timestep: number;
  /** Total mass · |g| (N), the unit of the impact threshold. */
  readonly bodyWeight: number;

  private readonly mj: MujocoModule;
  private readonly model: MjModel;
  private readonly data: MjData;
  private readonly stateBuffer: DoubleBuffer;
  private readonly stateSpec: number;
  private readonly stateSize: number;
  private readonly qpos0: Float64Array;
  private readonly ctrlMid: Float64Array;
  private readonly ctrlHalf: Float64Array;
  private readonly feet: Int32Array;
  private readonly footPeak: Float64Array;
  /** Body whose subtree centre of mass gives the forward velocity (`com` tasks): the root body. */
  private readonly comBody: number;
  private readonly dt: number;
  private readonly watch: DivergenceWatch;
  private v!: Views;
  /** Which optional reward terms the task has (`rewardTermNames`). */
  private readonly hasAlive: boolean;
  private readonly hasImpact: boolean;
  private rng: Rng;
  private steps = 0;
  private needsReset = true;
  private closed = false;

  /** Loads the wasm module on first use in this thread, then builds the env. */
  static async create(task: MujocoTask, options: EnvOptions = {}): Promise<MujocoEnv> {
    return new MujocoEnv(await loadMujoco(), task, options);
  }

  private constructor(mj: MujocoModule, task: MujocoTask, options: EnvOptions) {
    const horizon = options.maxEpisodeSteps ?? task.horizon;
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new RangeError(`${task.id}: maxEpisodeSteps must be a positive integer, got ${horizon}`);
    }
    this.mj = mj;
    this.task = task;
    this.model = modelFromXml(mj, task.xml, task.model);
    const m = this.model;
    this.data = new mj.MjData(m);
    this.stateSpec = mj.mjtState.mjSTATE_INTEGRATION.value;
    this.stateSize = mj.mj_stateSize(m, this.stateSpec);
    this.stateBuffer = new mj.DoubleBuffer(this.stateSize);
    this.nq = m.nq;
    this.nv = m.nv;
    this.nu = m.nu;
    this.timestep = m.opt.timestep;
    this.dt = task.frameSkip * this.timestep;
    this.watch = new DivergenceWatch(mj, m, this.data, this.dt);
    this.qpos0 = Float64Array.from(m.qpos0 as Float64Array);
    const range = m.actuator_ctrlrange as Float64Array;
    this.ctrlMid = new Float64Array(this.nu);
    this.ctrlHalf = new Float64Array(this.nu);
    for (let j = 0; j < this.nu; j++) {
      this.ctrlMid[j] = (range[2 * j]! + range[2 * j + 1]!) / 2;
      this.ctrlHalf[j] = (range[2 * j + 1]! - range[2 * j]!) / 2;
    }
    const g = m.opt.gravity as Float64Array;
    const mass = (m.body_mass as Float64Array).reduce((a, b) => a + b, 0);
    this.bodyWeight = mass * libm.hypot(g[0]!, g[1]!, g[2]!);
    const bodies = task.impact?.bodies ?? [];
    this.feet = Int32Array.from(bodies, (name) => {
      const id = mj.mj_name2id(m, mj.mjtObj.mjOBJ_BODY.value, name);
      if (id < 0) throw new Error(`${task.id}: the model has no body "${name}"`);
      return id;
    });
    this.footPeak = new Float64Array(this.feet.length);
    // The root body (child of the world) is the torso in all three models; its subtree is the robot.
    this.comBody = mj.mj_name2id(m, mj.mjtObj.mjOBJ_BODY.value, 'torso');
    if (this.comBody < 0 || (m.body_parentid as Int32Array)[this.comBody] !== 0) {
      throw new Error(`${task.id}: the model's root body must be named "torso"`);
    }
    this.rng = Rng.fromSeed(0, task.id);
    this.bind();
    const terms = rewardTermNames(task);
    this.hasAlive = terms.includes('alive');
    this.hasImpact = terms.includes('impact');

    this.spec = {
      id: task.id,
      observationSpace: box(-Infinity, Infinity, this.nq + this.nv),
      actionSpace: box(-1, 1, this.nu),
      maxEpisodeSteps: horizon,
      dt: this.dt,
      rewardTerms: terms,
      description: task.description,
    };
  }

  /** (Re)binds the cached heap views when they are missing or detached by heap growth. */
  private bind(): Views {
    if (this.closed) throw new Error(`${this.task.id}: the env is closed`);
    if (this.v === undefined || this.v.qpos.length === 0) {
      const d = this.data;
      this.v = {
        qpos: d.qpos as Float64Array,
        qvel: d.qvel as Float64Array,
        ctrl: d.ctrl as Float64Array,
        cfrcExt: d.cfrc_ext as Float64Array,
        subtreeLinvel: d.subtree_linvel as Float64Array,
      };
    }
    return this.v;
  }

  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.rng = Rng.fromSeed(seed, this.task.id);
    const eps = this.task.resetNoise;
    this.mj.mj_resetData(this.model, this.data);
    const { qpos, qvel } = this.bind();
    for (let i = 0; i < this.nq; i++) qpos[i] = this.qpos0[i]! + this.rng.uniformIn(-eps, eps);
    for (let i = 0; i < this.nv; i++) qvel[i] = this.rng.uniformIn(-eps, eps);
    this.mj.mj_forward(this.model, this.data);
    this.steps = 0;
    this.needsReset = false;
    return this.observe();
  }

  /**
   * Sets the physics state like gym's `set_state` (mj_resetData, qpos, qvel, mj_forward) and starts
   * an episode from it. For tests and tools; `reset` is the normal way in.
   */
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): Float64Array {
    if (qpos.length !== this.nq || qvel.length !== this.nv) {
      throw new RangeError(`${this.task.id}: setState needs ${this.nq} qpos and ${this.nv} qvel values`);
    }
    for (let i = 0; i < qpos.length; i++)
      if (!Number.isFinite(qpos[i]!)) throw new RangeError(`qpos[${i}] is ${qpos[i]}`);
    for (let i = 0; i < qvel.length; i++)
      if (!Number.isFinite(qvel[i]!)) throw new RangeError(`qvel[${i}] is ${qvel[i]}`);
    this.mj.mj_resetData(this.model, this.data);
    const v = this.bind();
    v.qpos.set(qpos);
    v.qvel.set(qvel);
    this.mj.mj_forward(this.model, this.data);
    this.steps = 0;
    this.needsReset = false;
    return this.observe();
  }

  step(action: Float64Array): StepResult {
    if (this.needsReset)
      throw new Error(`${this.task.id}: step() called before reset() or after the episode ended`);
    const info = this.simulate(action);
    this.steps++;
    const terminated = !info.healthy;
    const truncated = !terminated && this.steps >= this.spec.maxEpisodeSteps;
    if (terminated || truncated) this.needsReset = true;
    // Same order as `reward`'s sum, costs negated: a − b is a + (−b) in IEEE arithmetic, so the
    // terms add up to the reward bitwise (but for the sign of a zero).
    const rewardTerms: Record<string, number> = { forward: info.forwardVelocity, control: -info.ctrlCost };
    if (this.hasAlive) rewardTerms.alive = info.aliveBonus;
    if (this.hasImpact) rewardTerms.impact = -info.impactPenalty;
    return { observation: this.observe(), reward: info.reward, terminated, truncated, info: { rewardTerms } };
  }

  /**
   * Advances the physics by one env step (frame skip physics steps) and returns the reward terms,
   * without the episode bookkeeping (no step counter, no end-of-episode check). `step` is built on it;
   * the golden tests use it to follow a trajectory past a fall.
   *
   * Throws a SimulationDivergedError, and the env then needs `reset()` or `restore()`, when MuJoCo
   * met a NaN, infinite or huge (beyond ±mjMAXVAL = 1e10) qpos, qvel or qacc in any sub-step (it then
   * resets mjData to the model's initial state, which would otherwise pass as a teleport), or when
   * the state or reward the frame ends with is such a value (MuJoCo checks only at the start of its
   * next step).
   */
  simulate(action: ArrayLike<number>): MujocoStepInfo {
    checkAction(this.spec, action);
    const { qpos, qvel, ctrl, cfrcExt } = this.bind();
    const mj = this.mj;
    const m = this.model;
    const d = this.data;
    let sumSq = 0;
    for (let j = 0; j < this.nu; j++) {
      const a = Math.min(1, Math.max(-1, action[j]!));
      sumSq += a * a;
      ctrl[j] = this.ctrlMid[j]! + this.ctrlHalf[j]! * a;
    }
    const x0 = qpos[0]!;
    const t0 = d.time;
    const feet = this.feet;
    const peak = this.footPeak;
    peak.fill(0);
    for (let k = 0; k < this.task.frameSkip; k++) {
      mj.mj_step(m, d);
      if (feet.length > 0) {
        mj.mj_rnePostConstraint(m, d);
        for (let f = 0; f < feet.length; f++) {
          const fz = cfrcExt[6 * feet[f]! + 5]!;
          if (fz > peak[f]!) peak[f] = fz;
        }
      }
    }
    const bad = this.watch.afterFrame(qpos, qvel, ctrl);
    if (bad) this.diverged(action, t0, bad);
    const forwardVelocity =
      this.task.forwardVelocity === 'com' ? this.comVelocityX() : (qpos[0]! - x0) / this.dt;
    const ctrlCost = this.task.ctrlCostWeight * sumSq;
    let impactPenalty = 0;
    const impact = this.task.impact;
    if (impact) {
      for (let f = 0; f < feet.length; f++) {
        impactPenalty += Math.max(0, peak[f]! / this.bodyWeight - impact.thresholdBodyWeights);
      }
      impactPenalty *= impact.weight;
    }
    const healthy = this.task.healthy(qpos, qvel);
    const aliveBonus = healthy ? this.task.aliveBonus : 0;
    const reward = forwardVelocity - ctrlCost + aliveBonus - impactPenalty;
    if (!Number.isFinite(reward)) {
      this.diverged(action, t0, { quantity: 'reward', index: -1, value: reward, detectedBy: 'env' });
    }
    return { reward, forwardVelocity, ctrlCost, aliveBonus, impactPenalty, healthy };
  }

  private diverged(action: ArrayLike<number>, t0: number, what: Divergence): never {
    this.needsReset = true;
    throw new SimulationDivergedError({
      envId: this.spec.id,
      step: this.steps,
      time: t0,
      quantity: what.quantity,
      index: what.index,
      value: what.value,
      detectedBy: what.detectedBy,
      action: Array.from(action),
    });
  }

  /**
   * x-velocity of the torso subtree's centre of mass in the current state: the position and velocity
   * stages that `subtree_linvel` needs (mj_step leaves them at the state before its last integration),
   * then `mj_subtreeVel`. These write only derived quantities, which the next `mj_step` recomputes, so
   * the trajectory is bitwise the same as without them.
   */
  private comVelocityX(): number {
    const mj = this.mj;
    const m = this.model;
    const d = this.data;
    mj.mj_kinematics(m, d);
    mj.mj_comPos(m, d);
    mj.mj_comVel(m, d);
    mj.mj_subtreeVel(m, d);
    return this.v.subtreeLinvel[3 * this.comBody]!;
  }

  /** The peak vertical contact force per penalized foot in the last env step, in newtons. */
  lastFootForces(): Float64Array {
    return this.footPeak.slice();
  }

  /** The geoms as placed by the last step, for drawing (scene.ts). */
  geometry(): MujocoGeometry {
    this.bind();
    return readGeometry(this.model, this.data);
  }

  /** Current generalized positions and velocities (copies). */
  physicsState(): { qpos: Float64Array; qvel: Float64Array; time: number } {
    const { qpos, qvel } = this.bind();
    return { qpos: qpos.slice(), qvel: qvel.slice(), time: this.data.time };
  }

  /**
   * Exact state: episode step counter, reset flag, the env's random stream, and MuJoCo's full
   * integration state (`mj_getState` with mjSTATE_INTEGRATION: time, qpos, qvel, act, warm-start
   * accelerations, ctrl, applied forces, ...), so a restored env continues bitwise identically.
   */
  snapshot(): EnvState {
    this.bind();
    const view = this.stateBuffer.GetView() as Float64Array;
    this.mj.mj_getState(this.model, this.data, view, this.stateSpec);
    const r = this.rng.state();
    const data = new Float64Array(HEADER + this.stateSize);
    data[0] = this.steps;
    data[1] = this.needsReset ? 1 : 0;
    data.set(r.s, 2);
    data[6] = r.spareNormal ?? NaN;
    data.set(view, HEADER);
    return { envId: this.spec.id, data };
  }

  restore(state: EnvState): void {
    if (state.envId !== this.spec.id || state.data.length !== HEADER + this.stateSize) {
      throw new TypeError(
        `${this.spec.id}: cannot restore a snapshot of ${state.envId} with ${state.data.length} values ` +
          `(expected ${HEADER + this.stateSize})`,
      );
    }
    this.bind();
    const d = state.data;
    const view = this.stateBuffer.GetView() as Float64Array;
    view.set(d.subarray(HEADER));
    this.mj.mj_setState(this.model, this.data, view as unknown as number[], this.stateSpec);
    this.steps = d[0]!;
    this.needsReset = d[1] === 1;
    const spare = d[6]!;
    this.rng = Rng.fromState({
      s: [d[2]!, d[3]!, d[4]!, d[5]!],
      spareNormal: Number.isNaN(spare) ? null : spare,
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stateBuffer.delete();
    this.data.delete();
    this.model.delete();
  }

  private observe(): Float64Array {
    const { qpos, qvel } = this.v;
    const obs = new Float64Array(this.nq + this.nv);
    obs.set(qpos);
    obs.set(qvel, this.nq);
    return obs;
  }
}

function registration(task: MujocoTask): EnvRegistration {
  return { id: task.id, description: task.description, create: (options) => MujocoEnv.create(task, options) };
}

export const swimmerV2 = registration(SWIMMER_TASK);
export const hopperV2 = registration(HOPPER_TASK);
export const walkerV2 = registration(WALKER_TASK);
export const swimmerV1 = registration(SWIMMER_V1_TASK);
export const hopperV1 = registration(HOPPER_V1_TASK);
export const walkerV1 = registration(WALKER_V1_TASK);
