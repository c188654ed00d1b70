/**
 * Golden test: the wasm envs follow native MuJoCo (Debian libmujoco 2.2.2, an independent C
 * implementation of the tasks in test-fixtures/golden/harness.c) along a fixed trajectory of
 * pseudo-random actions in [-1.2, 1.2) (so some are clipped), past falls, to 1e-9.
 * The fixtures are committed; `node test-fixtures/golden/regenerate.mjs` rebuilds them.
 * They cover the v1 tasks (root Δx/dt); the v2 tasks share v1's dynamics and every other reward
 * term (tested in com-velocity.test.ts), and their centre-of-mass term is checked there.
 */
import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { MujocoEnv } from './env.js';
import { MUJOCO_V1_TASKS } from './tasks.js';
import type { MujocoTask } from './tasks.js';

interface Fixture {
  task: string;
  model: string;
  mujocoVersion: number;
  nq: number;
  nv: number;
  nu: number;
  nfeet: number;
  timestep: number;
  bodyWeight: number;
  steps: number;
  initial: string;
  records: string;
}

function f64(base64: string): Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  const out = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

function loadFixture(model: string): Fixture {
  const url = new URL(`../../test-fixtures/golden/${model}.json`, import.meta.url);
  return JSON.parse(fs.readFileSync(url, 'utf8')) as Fixture;
}

const TOL = 1e-9;

describe.each(MUJOCO_V1_TASKS)('golden trajectory of $id', (task: MujocoTask) => {
  const fx = loadFixture(task.model);
  const initial = f64(fx.initial);
  const records = f64(fx.records);
  const { nq, nv, nu, nfeet } = fx;
  const width = nu + nq + nv + 5 + nfeet;
  const at = (t: number) => records.subarray(t * width, (t + 1) * width);

  test('the fixture is what the test expects', () => {
    expect(fx.task).toBe(task.id);
    expect(records.length).toBe(fx.steps * width);
    expect(fx.steps).toBeGreaterThanOrEqual(300);
    expect(fx.nfeet).toBe(task.impact?.bodies.length ?? 0);
  });

  test('qpos, qvel and every reward term match native MuJoCo', async () => {
    const env = await MujocoEnv.create(task);
    try {
      expect([env.nq, env.nv, env.nu]).toEqual([nq, nv, nu]);
      expect(env.timestep).toBe(fx.timestep);
      expect(Math.abs(env.bodyWeight - fx.bodyWeight)).toBeLessThan(1e-9 * fx.bodyWeight);
      const obs0 = env.setState(initial.subarray(0, nq), initial.subarray(nq));
      expect(Array.from(obs0)).toEqual(Array.from(initial));

      let maxState = 0;
      let maxReward = 0;
      let maxForce = 0;
      let healthyMismatch = 0;
      for (let t = 0; t < fx.steps; t++) {
        const r = at(t);
        const info = env.simulate(r.subarray(0, nu));
        const { qpos, qvel } = env.physicsState();
        for (let i = 0; i < nq; i++) maxState = Math.max(maxState, Math.abs(qpos[i]! - r[nu + i]!));
        for (let i = 0; i < nv; i++) maxState = Math.max(maxState, Math.abs(qvel[i]! - r[nu + nq + i]!));
        if (t % 25 === 24 && process.env.GOLDEN_TRACE) console.log(task.id, t + 1, maxState.toExponential(2));
        const k = nu + nq + nv;
        maxReward = Math.max(
          maxReward,
          Math.abs(info.reward - r[k]!),
          Math.abs(info.forwardVelocity - r[k + 2]!),
          Math.abs(info.ctrlCost - r[k + 3]!),
          Math.abs(info.impactPenalty - r[k + 4]!),
        );
        if (info.healthy !== (r[k + 1] === 1)) healthyMismatch++;
        const forces = env.lastFootForces();
        for (let f = 0; f < nfeet; f++) {
          maxForce = Math.max(
            maxForce,
            Math.abs(forces[f]! - r[k + 5 + f]!) / Math.max(1, Math.abs(r[k + 5 + f]!)),
          );
        }
      }
      console.log(
        `${task.id}: ${fx.steps} steps vs native MuJoCo ${fx.mujocoVersion}: max |Δstate| ${maxState.toExponential(2)}, ` +
          `max |Δreward term| ${maxReward.toExponential(2)}, max rel. Δfoot force ${maxForce.toExponential(2)}`,
      );
      expect(maxState).toBeLessThan(TOL);
      expect(maxReward).toBeLessThan(TOL);
      expect(maxForce).toBeLessThan(TOL);
      expect(healthyMismatch).toBe(0);
    } finally {
      env.close();
    }
  });

  test('step() ends the episode where native MuJoCo first leaves the healthy set', async () => {
    const env = await MujocoEnv.create(task);
    try {
      env.setState(initial.subarray(0, nq), initial.subarray(nq));
      const k = nu + nq + nv;
      let firstFall = -1;
      for (let t = 0; t < fx.steps && firstFall < 0; t++) if (at(t)[k + 1] !== 1) firstFall = t;
      if (task.aliveBonus === 0) expect(firstFall).toBe(-1);
      else expect(firstFall).toBeGreaterThan(0); // the random actions do make hopper and walker fall
      for (let t = 0; t < fx.steps; t++) {
        const r = at(t);
        const res = env.step(Float64Array.from(r.subarray(0, nu)));
        expect(Math.abs(res.reward - r[k]!)).toBeLessThan(TOL);
        expect(res.terminated).toBe(t === firstFall);
        if (res.terminated) break;
      }
    } finally {
      env.close();
    }
  });
});

test('the walker fixture exercises the impact penalty', () => {
  const fx = loadFixture('walker2d');
  const records = f64(fx.records);
  const width = fx.nu + fx.nq + fx.nv + 5 + fx.nfeet;
  let penalized = 0;
  for (let t = 0; t < fx.steps; t++) if (records[t * width + fx.nu + fx.nq + fx.nv + 4]! > 0) penalized++;
  expect(penalized).toBeGreaterThan(0);
});
