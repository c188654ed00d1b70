/**
 * How a MujocoEnv tells that a frame (frame-skip physics steps) diverged. MuJoCo does not fail on a
 * NaN, infinite or huge (beyond ±mjMAXVAL = 1e10) qpos, qvel or qacc: mj_checkPos, mj_checkVel and
 * mj_checkAcc reset mjData to the model's initial state and count a warning, which would pass as a
 * teleport back to the start; and it checks only at the start of its next step, so a frame can also
 * end in such a state. Both are looked for here, apart from the env's stepping, because the first
 * needs care to stay cheap (below) and both must be looked for in a fixed order for the error to
 * name the same quantity every time.
 *
 * `data.warning` in mujoco-js 0.0.7 builds a fresh copy of the warning counters on every read (an
 * embind vector whose handles must be deleted): 4 µs in a tight loop, 10–100 µs between steps
 * (measured: 1.9 % of a hopper loop with 21-step episodes when read once per episode), so the
 * counters are read only when cheaper signs cannot rule out a reset.
 */
import type { MjData, MjModel } from 'mujoco-js';
import { MAX_STATE_VALUE } from '../errors.js';
import type { DivergedQuantity } from '../errors.js';
import type { MujocoModule } from './loader.js';

/** What diverged in a frame, for a SimulationDivergedError. */
export interface Divergence {
  readonly quantity: DivergedQuantity;
  /** The entry of qpos, or the degree of freedom of qvel/qacc, that was bad; -1 for the reward. */
  readonly index: number;
  /** The bad value, or null where MuJoCo had already reset the state. */
  readonly value: number | null;
  readonly detectedBy: 'mujoco' | 'env';
}

export class DivergenceWatch {
  /**
   * After a frame that MuJoCo reset part-way, simulated time is at most dt (it restarts from 0), so
   * a frame ending later than this was not reset.
   */
  private readonly resetTimeBound: number;
  /** MuJoCo's warnings that come with an automatic reset of mjData, and what each one found bad. */
  private readonly resetWarnings: readonly (readonly [number, DivergedQuantity])[];
  private readonly nq: number;
  private readonly nv: number;
  private readonly nu: number;

  constructor(
    private readonly mj: MujocoModule,
    private readonly model: MjModel,
    private readonly data: MjData,
    dt: number,
  ) {
    this.nq = model.nq;
    this.nv = model.nv;
    this.nu = model.nu;
    this.resetTimeBound = dt * (1 + 1e-9);
    const w = mj.mjtWarning;
    this.resetWarnings = [
      [w.mjWARN_BADQPOS.value, 'qpos'],
      [w.mjWARN_BADQVEL.value, 'qvel'],
      [w.mjWARN_BADQACC.value, 'qacc'],
    ];
  }

  /**
   * The first sign that the frame just simulated diverged, or undefined: a reset by MuJoCo, then a
   * bad qpos entry, then a bad qvel entry (the arguments are the env's views of mjData). After a
   * reset by MuJoCo the warning counters are zeroed (mj_resetData), so that a later restore() and
   * step cannot trip over the same reset again.
   */
  afterFrame(qpos: Float64Array, qvel: Float64Array, ctrl: Float64Array): Divergence | undefined {
    // A reset zeroes ctrl, which nothing sets again within the frame, and restarts time from 0: a
    // frame that ends with a non-zero ctrl, or after t = dt, was not reset.
    let ctrlSet = false;
    for (let j = 0; j < this.nu; j++) if (ctrl[j] !== 0) ctrlSet = true;
    if (!ctrlSet && !(this.data.time > this.resetTimeBound)) {
      const reset = this.mujocoReset();
      if (reset) return reset;
    }
    const max = MAX_STATE_VALUE;
    for (let i = 0; i < this.nq; i++) {
      const x = qpos[i]!;
      if (!(x <= max && x >= -max)) return { quantity: 'qpos', index: i, value: x, detectedBy: 'env' };
    }
    for (let i = 0; i < this.nv; i++) {
      const x = qvel[i]!;
      if (!(x <= max && x >= -max)) return { quantity: 'qvel', index: i, value: x, detectedBy: 'env' };
    }
    return undefined;
  }

  /**
   * Whether MuJoCo reset mjData during the last frame: mj_checkPos, mj_checkVel and mj_checkAcc
   * reset it and then count a warning, so the counters (zeroed by every mj_resetData) say so.
   */
  private mujocoReset(): Divergence | undefined {
    const counters = this.data.warning;
    let found: { quantity: DivergedQuantity; index: number } | undefined;
    try {
      for (const [warning, quantity] of this.resetWarnings) {
        const stat = counters.get(warning)!;
        const { number, lastinfo } = stat;
        stat.delete();
        if (number > 0) {
          found = { quantity, index: lastinfo };
          break;
        }
      }
    } finally {
      counters.delete();
    }
    if (!found) return undefined;
    this.mj.mj_resetData(this.model, this.data);
    return { ...found, value: null, detectedBy: 'mujoco' };
  }
}
