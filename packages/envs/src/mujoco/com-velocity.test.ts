/**
 * The v2 tasks' forward term — the x-velocity of the whole robot's centre of mass after the frame,
 * rllab's `get_body_comvel("torso")` (docs/tasks.md) — checked against a hand computation from
 * MuJoCo state, and the rest of v2 checked against v1 (which the golden test ties to native MuJoCo).
 */
import { Rng } from '@policy-arena/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MjData, MjModel } from 'mujoco-js';
import { MujocoEnv } from './env.js';
import { loadMujoco, modelFromXml } from './loader.js';
import type { MujocoModule } from './loader.js';
import { MUJOCO_TASKS, MUJOCO_V1_TASKS } from './tasks.js';

/**
 * COM x of the robot at (qpos) by hand: Σ_b m_b · xipos_b.x / Σ_b m_b over the non-world bodies,
 * with xipos (each body's own centre of mass) from `mj_kinematics` on a scratch MjData.
 */
class ComProbe {
  private readonly qpos: Float64Array;
  constructor(
    private readonly mj: MujocoModule,
    private readonly m: MjModel,
    private readonly d: MjData,
  ) {
    this.qpos = new Float64Array(m.nq);
  }

  comX(qpos: ArrayLike<number>): number {
    const { mj, m, d } = this;
    (d.qpos as Float64Array).set(qpos); // fresh views each call: other MjData may have grown the heap
    mj.mj_kinematics(m, d);
    const xipos = d.xipos as Float64Array;
    const mass = m.body_mass as Float64Array;
    let mx = 0;
    let total = 0;
    for (let b = 1; b < m.nbody; b++) {
      mx += mass[b]! * xipos[3 * b]!;
      total += mass[b]!;
    }
    return mx / total;
  }

  /** d/dt COM x = ∂COMx/∂q · qvel, by a central difference along qvel (all joints slide/hinge). */
  comVelocityX(qpos: Float64Array, qvel: Float64Array, h = 1e-6): number {
    const q = this.qpos;
    for (let i = 0; i < q.length; i++) q[i] = qpos[i]! + h * qvel[i]!;
    const plus = this.comX(q);
    for (let i = 0; i < q.length; i++) q[i] = qpos[i]! - h * qvel[i]!;
    const minus = this.comX(q);
    return (plus - minus) / (2 * h);
  }
}

describe.each(MUJOCO_TASKS)('$id: forward term = centre-of-mass x-velocity', (task) => {
  const v1 = MUJOCO_V1_TASKS.find((t) => t.model === task.model)!;
  let mj: MujocoModule;
  let env: MujocoEnv;
  let envV1: MujocoEnv;
  let model: MjModel;
  let data: MjData;
  let probe: ComProbe;

  beforeAll(async () => {
    mj = await loadMujoco();
    env = await MujocoEnv.create(task);
    envV1 = await MujocoEnv.create(v1);
    model = modelFromXml(mj, task.xml, `${task.model}-probe`);
    data = new mj.MjData(model);
    probe = new ComProbe(mj, model, data);
  });
  afterAll(() => {
    env.close();
    envV1.close();
    data.delete();
    model.delete();
  });

  test('the task differs from its v1 only in the forward term', () => {
    expect(task.forwardVelocity).toBe('com');
    expect(v1.forwardVelocity).toBe('root');
    const { id: _a, description: _b, forwardVelocity: _c, healthy: h2, ...rest2 } = task;
    const { id: _d, description: _e, forwardVelocity: _f, healthy: h1, ...rest1 } = v1;
    expect(rest2).toEqual(rest1);
    expect(h2).toBe(h1);
    expect(model.nq).toBe(model.nv); // slide and hinge joints only: qpos + h·qvel is a valid motion
  });

  test('equals the hand-computed d/dt of Σ m_b x_b / Σ m_b at the end of each step, over random steps', () => {
    const rng = Rng.fromSeed(17, 'com-velocity-test');
    let checked = 0;
    let maxErr = 0;
    let maxSpeed = 0;
    for (let episode = 0; episode < 3; episode++) {
      env.reset(100 + episode);
      for (let t = 0; t < 40; t++) {
        const a = Float64Array.from({ length: env.nu }, () => rng.uniformIn(-1, 1));
        const info = env.simulate(a);
        const { qpos, qvel } = env.physicsState();
        const expected = probe.comVelocityX(qpos, qvel);
        maxErr = Math.max(maxErr, Math.abs(info.forwardVelocity - expected));
        maxSpeed = Math.max(maxSpeed, Math.abs(expected));
        checked++;
        if (!info.healthy) break; // a fallen hopper or walker: next episode
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
    expect(maxSpeed).toBeGreaterThan(1e-3); // the check is not vacuous
    expect(maxErr).toBeLessThan(1e-7 * Math.max(1, maxSpeed));
  });

  test("step()'s info.rewardTerms.forward is the same hand-computed centre-of-mass velocity", () => {
    const rng = Rng.fromSeed(20, 'com-velocity-test');
    env.reset(11);
    let maxErr = 0;
    let maxSpeed = 0;
    for (let t = 0; t < 40; t++) {
      const r = env.step(Float64Array.from({ length: env.nu }, () => rng.uniformIn(-1, 1)));
      const { qpos, qvel } = env.physicsState();
      const expected = probe.comVelocityX(qpos, qvel);
      maxErr = Math.max(maxErr, Math.abs(r.info!.rewardTerms!.forward! - expected));
      maxSpeed = Math.max(maxSpeed, Math.abs(expected));
      if (r.terminated || r.truncated) env.reset();
    }
    expect(maxSpeed).toBeGreaterThan(1e-3);
    expect(maxErr).toBeLessThan(1e-7 * Math.max(1, maxSpeed));
  });

  test('is not the root velocity: the root moves about the centre of mass', () => {
    env.reset(5);
    const rng = Rng.fromSeed(18, 'com-velocity-test');
    let maxGap = 0;
    for (let t = 0; t < 20; t++) {
      const x0 = env.physicsState().qpos[0]!;
      const info = env.simulate(Float64Array.from({ length: env.nu }, () => rng.uniformIn(-1, 1)));
      maxGap = Math.max(
        maxGap,
        Math.abs(info.forwardVelocity - (env.physicsState().qpos[0]! - x0) / env.spec.dt!),
      );
      if (!info.healthy) break;
    }
    expect(maxGap).toBeGreaterThan(1e-2);
  });

  test('same state and actions as v1: bitwise the same trajectory and the same other reward terms', () => {
    envV1.reset(7);
    const start = envV1.physicsState();
    env.setState(start.qpos, start.qvel);
    envV1.setState(start.qpos, start.qvel);
    const rng = Rng.fromSeed(19, 'com-velocity-test');
    for (let t = 0; t < 150; t++) {
      const a = Float64Array.from({ length: env.nu }, () => rng.uniformIn(-1.2, 1.2));
      const i2 = env.simulate(a);
      const i1 = envV1.simulate(a);
      const s2 = env.physicsState();
      const s1 = envV1.physicsState();
      expect(Array.from(s2.qpos)).toEqual(Array.from(s1.qpos));
      expect(Array.from(s2.qvel)).toEqual(Array.from(s1.qvel));
      expect([i2.ctrlCost, i2.aliveBonus, i2.impactPenalty, i2.healthy]).toEqual([
        i1.ctrlCost,
        i1.aliveBonus,
        i1.impactPenalty,
        i1.healthy,
      ]);
      expect(i2.reward - i2.forwardVelocity).toBeCloseTo(i1.reward - i1.forwardVelocity, 12);
      expect(Array.from(env.lastFootForces())).toEqual(Array.from(envV1.lastFootForces()));
    }
  });
});
