import { Rng } from '@policy-arena/core';
import type { Env } from '@policy-arena/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkEnv } from '../checker.js';
import { makeEnv } from '../registry.js';
import { MujocoEnv } from './env.js';
import { HOPPER_TASK, MUJOCO_TASKS, MUJOCO_V1_TASKS, WALKER_TASK } from './tasks.js';

const DIMS: Record<string, [obs: number, act: number, dt: number]> = {
  swimmer: [10, 2, 0.04],
  hopper: [12, 3, 0.008],
  walker2d: [18, 6, 0.008],
};

/** Steps through `acts`, starting a new episode (continuing the env's stream) whenever one ends. */
function play(env: Env, acts: readonly Float64Array[], out: number[] = []): number[] {
  for (const a of acts) {
    const r = env.step(a);
    out.push(...r.observation, r.reward, Number(r.terminated), Number(r.truncated));
    if (r.terminated || r.truncated) out.push(...env.reset());
  }
  return out;
}

function randomActions(n: number, dim: number, seed: number): Float64Array[] {
  const rng = Rng.fromSeed(seed, 'test-actions');
  return Array.from({ length: n }, () => Float64Array.from({ length: dim }, () => rng.uniformIn(-1, 1)));
}

describe.each([...MUJOCO_TASKS, ...MUJOCO_V1_TASKS].map((t) => t.id))('%s', (id) => {
  let env: MujocoEnv;
  beforeAll(async () => {
    env = (await makeEnv(id)) as MujocoEnv;
  });
  afterAll(() => env.close());

  test('passes the env checker', () => {
    expect(checkEnv(env)).toEqual([]);
  });

  test('spec: paper state and action sizes, frame skip 4, horizon 1000', () => {
    const [obs, act, dt] = DIMS[env.task.model]!;
    expect(env.spec.observationSpace.shape[0]).toBe(obs);
    expect(env.spec.actionSpace.kind === 'box' && env.spec.actionSpace.shape[0]).toBe(act);
    expect(env.spec.dt).toBeCloseTo(dt, 12);
    expect(env.spec.maxEpisodeSteps).toBe(1000);
  });

  test('reset(seed) is reproducible and draws the documented noise', () => {
    const a = env.reset(11);
    const b = env.reset(11);
    expect(Array.from(a)).toEqual(Array.from(b));
    const eps = env.task.resetNoise;
    for (let i = 0; i < env.nq; i++) {
      const base = i === 1 && env.task.model !== 'swimmer' ? 1.25 : 0; // qpos0: rootz has ref 1.25
      expect(Math.abs(a[i]! - base)).toBeLessThanOrEqual(eps);
    }
    for (let i = 0; i < env.nv; i++) expect(Math.abs(a[env.nq + i]!)).toBeLessThanOrEqual(eps);
  });

  test('snapshot/restore continues bitwise identically, across a reset too', () => {
    env.reset(3);
    const acts = randomActions(60, env.nu, 5);
    play(env, acts.slice(0, 20));
    const snap = env.snapshot();
    const run = () => play(env, acts.slice(20));
    const first = run();
    // Disturb everything the snapshot must cover: other state, other stream, other step count.
    env.reset(99);
    env.step(acts[0]!);
    env.restore(snap);
    const second = run();
    expect(second.length).toBe(first.length);
    expect(second.every((v, i) => Object.is(v, first[i]))).toBe(true);
  });

  test('restore refuses a snapshot of another env or size', () => {
    expect(() => env.restore({ envId: 'cartpole-v1', data: new Float64Array(11) })).toThrow(TypeError);
    const snap = env.snapshot();
    expect(() => env.restore({ envId: snap.envId, data: snap.data.subarray(1) })).toThrow(TypeError);
  });

  test('bad actions throw RangeErrors naming the problem; out-of-range ones are clipped', () => {
    env.reset(1);
    expect(() => env.step(new Float64Array(env.nu + 1))).toThrow(/expected/);
    expect(() => env.step(new Float64Array(env.nu - 1))).toThrow(RangeError);
    const nan = new Float64Array(env.nu);
    nan[env.nu - 1] = NaN;
    expect(() => env.step(nan)).toThrow(new RegExp(`action\\[${env.nu - 1}\\] is NaN`));
    expect(() => env.step(new Float64Array(env.nu).fill(Infinity))).toThrow(RangeError);
    // the failed calls left the state untouched: stepping still works and is finite
    const snap = env.snapshot();
    const big = env.step(new Float64Array(env.nu).fill(-7));
    env.restore(snap);
    const clipped = env.step(new Float64Array(env.nu).fill(-1));
    expect(Array.from(big.observation)).toEqual(Array.from(clipped.observation));
    expect(big.reward).toBe(clipped.reward);
    expect(big.observation.every(Number.isFinite)).toBe(true);
  });

  test('reward = forward velocity − 1e-5‖a‖² (+1 alive) on a step', () => {
    env.reset(2);
    const x0 = env.physicsState().qpos[0]!;
    const snap = env.snapshot();
    const a = new Float64Array(env.nu).fill(0.5);
    const info = env.simulate(a);
    env.restore(snap);
    const r = env.step(a);
    const x1 = r.observation[0]!;
    const alive = r.terminated ? 0 : env.task.aliveBonus;
    // v1: root Δx/dt; v2: the centre-of-mass velocity (checked by hand in com-velocity.test.ts)
    const forward = env.task.forwardVelocity === 'root' ? (x1 - x0) / env.spec.dt! : info.forwardVelocity;
    expect(info.impactPenalty).toBe(0);
    expect(r.reward).toBeCloseTo(forward - 1e-5 * 0.25 * env.nu + alive, 12);
  });
});

describe('termination and the impact penalty', () => {
  test('hopper terminates when it falls; the falling step gets no alive bonus', async () => {
    const env = (await makeEnv('hopper-v2')) as MujocoEnv;
    env.reset(4);
    const a = new Float64Array(3);
    a[0] = 1; // thigh torque tips it over
    let last;
    let steps = 0;
    do {
      last = env.step(a);
      steps++;
    } while (!last.terminated && !last.truncated);
    expect(last.terminated).toBe(true);
    expect(steps).toBeLessThan(300);
    const { qpos, qvel } = env.physicsState();
    expect(HOPPER_TASK.healthy(qpos, qvel)).toBe(false);
    expect(last.reward).toBeLessThan(0.5); // no +1 on the falling step
    expect(() => env.step(a)).toThrow(/after the episode ended/);
    env.close();
  });

  test('walker: dropped from 0.6 m it pays for the landing, standing it does not', async () => {
    const env = (await makeEnv('walker-v2')) as MujocoEnv;
    const qpos = new Float64Array(env.nq);
    qpos[1] = 1.25 + 0.6;
    env.setState(qpos, new Float64Array(env.nv));
    let penalty = 0;
    let peak = 0;
    for (let t = 0; t < 60; t++) {
      const info = env.simulate(new Float64Array(env.nu));
      penalty += info.impactPenalty;
      peak = Math.max(peak, ...env.lastFootForces());
    }
    expect(peak / env.bodyWeight).toBeGreaterThan(WALKER_TASK.impact!.thresholdBodyWeights);
    expect(penalty).toBeGreaterThan(0);
    // put down on its feet (qpos[1] is the torso height): no penalty
    qpos[1] = 1.25;
    env.setState(qpos, new Float64Array(env.nv));
    const info = env.simulate(new Float64Array(env.nu));
    expect(info.impactPenalty).toBe(0);
    expect(info.aliveBonus).toBe(1);
    env.close();
  });

  test('swimmer never terminates: truncated exactly at the horizon', async () => {
    const env = await makeEnv('swimmer-v2', { maxEpisodeSteps: 25 });
    env.reset(1);
    const acts = randomActions(25, 2, 1);
    for (let t = 0; t < 25; t++) {
      const r = env.step(acts[t]!);
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(t === 24);
    }
    env.close();
  });
});

describe('heap views', () => {
  test('an env stays exact when many others are created after it (wasm heap growth)', async () => {
    const acts = randomActions(30, 6, 9);
    const reference = await makeEnv('walker-v2');
    const expected = play(reference, acts, [...reference.reset(8)]);
    reference.close();

    const env = await makeEnv('walker-v2');
    const got: number[] = [...env.reset(8)];
    const others: Env[] = [];
    for (let t = 0; t < acts.length; t++) {
      // 3 new envs (each a model and a 1 MiB arena) between steps: the heap grows several times
      for (let k = 0; k < 3; k++) others.push(await makeEnv(MUJOCO_TASKS[k % 3]!.id));
      play(env, [acts[t]!], got);
    }
    for (const o of others) o.close();
    env.close();
    expect(got).toEqual(expected);
  });

  test('a closed env refuses to step', async () => {
    const env = await makeEnv('swimmer-v2');
    env.reset(0);
    env.close();
    expect(() => env.step(new Float64Array(2))).toThrow(/closed/);
  });
});
