import { describe, expect, test } from 'vitest';
import { SimulationDivergedError } from '../errors.js';
import { makeEnv } from '../registry.js';
import { MujocoEnv } from './env.js';
import { MUJOCO_TASKS, MUJOCO_V1_TASKS, SWIMMER_TASK } from './tasks.js';
import type { MujocoTask } from './tasks.js';

/** The error `run` throws; fails the test if it throws none or another kind. */
function divergence(run: () => unknown): SimulationDivergedError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SimulationDivergedError);
    return e as SimulationDivergedError;
  }
  throw new Error('expected a SimulationDivergedError, nothing was thrown');
}

function divergenceOrNothing(run: () => void): SimulationDivergedError | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(SimulationDivergedError);
    return e as SimulationDivergedError;
  }
}

/** A task whose motors are `gear` times stronger: far past what the integrator can follow. */
function withGear(task: MujocoTask, from: string, gear: string): MujocoTask {
  const xml = task.xml.replaceAll(`gear="${from}"`, `gear="${gear}"`);
  expect(xml).not.toBe(task.xml);
  return { ...task, id: `${task.id}-gear-${gear}`, xml };
}

describe.each([...MUJOCO_TASKS, ...MUJOCO_V1_TASKS].map((t) => t.id))('%s', (id) => {
  test('a velocity MuJoCo rejects in the first sub-step of an episode throws, instead of a silent reset to the initial pose', async () => {
    const env = (await makeEnv(id)) as MujocoEnv;
    const { qpos } = env.physicsState();
    const qvel = new Float64Array(env.nv);
    qvel[0] = 1e11; // beyond mjMAXVAL: MuJoCo resets mjData at the start of the next mj_step
    const action = Float64Array.from({ length: env.nu }, (_, j) => 0.25 * j - 0.5);
    env.setState(qpos, qvel);
    const e = divergence(() => env.step(action));
    expect(e.details()).toEqual({
      envId: id,
      step: 0,
      time: 0,
      quantity: 'qvel',
      index: 0,
      value: null,
      detectedBy: 'mujoco',
      action: Array.from(action),
    });
    expect(e.message).toMatch(
      new RegExp(
        `^${id}: the simulation diverged in step 0 of the episode .*qvel\\[0\\] NaN, infinite or beyond`,
      ),
    );
    // The episode is over; a reset starts a clean one, identical to a fresh env's.
    expect(() => env.step(action)).toThrow(/after the episode ended/);
    const fresh = (await makeEnv(id)) as MujocoEnv;
    expect(Array.from(env.reset(5))).toEqual(Array.from(fresh.reset(5)));
    for (let t = 0; t < 3; t++) {
      expect(Array.from(env.step(action).observation)).toEqual(Array.from(fresh.step(action).observation));
    }
    // Deterministic: the same state and action give the same error in another env.
    fresh.setState(qpos, qvel);
    expect(divergence(() => fresh.step(action)).message).toBe(e.message);
    env.close();
    fresh.close();
  });

  test('restore() after a divergence continues exactly as the undisturbed env', async () => {
    const env = (await makeEnv(id)) as MujocoEnv;
    const action = new Float64Array(env.nu).fill(0.3);
    env.reset(2);
    env.step(action);
    const snap = env.snapshot();
    const expected = env.step(action);
    const { qpos } = env.physicsState();
    const qvel = new Float64Array(env.nv);
    qvel[env.nv - 1] = -1e11;
    env.setState(qpos, qvel);
    divergence(() => env.step(action));
    env.restore(snap);
    const got = env.step(action);
    expect(Array.from(got.observation)).toEqual(Array.from(expected.observation));
    expect(got.reward).toBe(expected.reward);
    env.close();
  });
});

describe('divergence', () => {
  test('hopper-v2, walker-v2: a state that crosses ±1e10 in the last sub-step of a frame throws (MuJoCo would only see it at its next step)', async () => {
    for (const id of ['hopper-v2', 'walker-v2']) {
      const env = (await makeEnv(id)) as MujocoEnv;
      const { qpos } = env.physicsState();
      const qvel = new Float64Array(env.nv);
      // The root slides freely at 1e10 m/s, within MuJoCo's bound; qpos[0] passes 1e10 in the 4th sub-step.
      qvel[0] = 1e10;
      qpos[0] = 1e10 - 0.875 * env.spec.dt! * 1e10;
      env.setState(qpos, qvel);
      const e = divergence(() => env.step(new Float64Array(env.nu)));
      expect(e.detectedBy).toBe('env');
      expect(e.quantity).toBe('qpos');
      expect(e.index).toBe(0);
      expect(e.value).toBeGreaterThan(1e10);
      expect(e.value).toBeLessThan(1.002e10);
      expect(e.message).toContain(
        `${id}: the simulation diverged in step 0 of the episode (from t = 0 s): qpos[0] is 1001`,
      );
      env.close();
    }
  });

  test('an absurd motor gear diverges under ordinary actions: swimmer ×6700 in the first step, ×270 in step 46', async () => {
    const strong = await MujocoEnv.create(withGear(SWIMMER_TASK, '150.0', '1e6'));
    strong.reset(1);
    const e = divergence(() => strong.step(Float64Array.of(-1, 1)));
    expect(e).toMatchObject({ step: 0, detectedBy: 'mujoco', envId: 'swimmer-v2-gear-1e6', action: [-1, 1] });
    strong.close();

    const env = await MujocoEnv.create(withGear(SWIMMER_TASK, '150.0', '4e4'));
    env.reset(1);
    let error: SimulationDivergedError | undefined;
    for (let t = 0; t < 1000 && !error; t++) {
      const a = Float64Array.of(Math.sin(t), Math.cos(1.3 * t));
      error = divergenceOrNothing(() => {
        const r = env.step(a);
        expect(r.observation.every(Number.isFinite) && Number.isFinite(r.reward)).toBe(true);
      });
    }
    expect(error).toMatchObject({ step: 46, quantity: 'qacc', detectedBy: 'mujoco', value: null });
    expect(error!.time).toBeCloseTo(46 * env.spec.dt!, 9);
    expect(error!.message).toMatch(
      /diverged in step 46 of the episode \(from t = 1\.84 s\): MuJoCo found qacc\[\d\]/,
    );
    env.close();
  });

  test('simulate() throws the same way, and a NaN action is refused before anything is simulated', async () => {
    const env = (await makeEnv('walker-v2')) as MujocoEnv;
    const { qpos } = env.physicsState();
    const qvel = new Float64Array(env.nv);
    qvel[3] = 1e11;
    env.setState(qpos, qvel);
    expect(divergence(() => env.simulate(new Float64Array(env.nu)))).toMatchObject({
      quantity: 'qvel',
      index: 3,
    });
    env.reset(1);
    const before = env.snapshot();
    expect(() => env.step(Float64Array.of(0, 0, NaN, 0, 0, 0))).toThrow(
      /^walker-v2: action\[2\] is NaN, expected a finite number$/,
    );
    expect(Array.from(env.snapshot().data)).toEqual(Array.from(before.data));
    env.close();
  });
});
