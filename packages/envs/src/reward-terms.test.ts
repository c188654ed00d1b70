/**
 * `info.rewardTerms` on every built-in task: the names the spec declares, terms that add up to the
 * reward, and each term recomputed by hand from the env's state (the v2 forward term against a hand
 * computation of the centre-of-mass velocity is in mujoco/com-velocity.test.ts).
 */
import { Rng } from '@policy-arena/core';
import type { Env } from '@policy-arena/core';
import { describe, expect, it } from 'vitest';
import { CARTPOLE_REWARD_TERMS, CartPoleEnv } from './cartpole.js';
import { rewardTermsProblem } from './checker.js';
import { MujocoEnv } from './mujoco/env.js';
import { CTRL_COST_WEIGHT, MUJOCO_TASKS, MUJOCO_V1_TASKS, rewardTermNames } from './mujoco/tasks.js';
import { builtinEnvs } from './registry.js';

/** Random episodes (until `steps` steps), calling `check` after every step. */
function randomSteps(
  env: Env,
  steps: number,
  check: (r: ReturnType<Env['step']>, action: Float64Array, t: number) => void,
): { terminated: number } {
  const rng = Rng.fromSeed(23, env.spec.id);
  const space = env.spec.actionSpace;
  const dim = space.kind === 'box' ? space.shape[0] : 1;
  let terminated = 0;
  env.reset(3);
  for (let t = 0; t < steps; t++) {
    // Some entries past ±1, so clipping is part of what the control term must follow.
    const a = Float64Array.from({ length: dim }, () => rng.uniformIn(-1.3, 1.3));
    const r = env.step(a);
    check(r, a, t);
    if (r.terminated) terminated++;
    if (r.terminated || r.truncated) env.reset();
  }
  return { terminated };
}

describe('info.rewardTerms', () => {
  for (const registration of builtinEnvs) {
    it(`${registration.id}: has the spec's terms on every step, and they add up to the reward`, async () => {
      const env = await registration.create({ maxEpisodeSteps: 60 });
      const names = env.spec.rewardTerms!;
      expect(names.length).toBeGreaterThanOrEqual(2);
      let worst = 0;
      randomSteps(env, 400, (r) => {
        const terms = r.info!.rewardTerms!;
        expect(Object.keys(terms)).toEqual(names);
        let sum = 0;
        for (const n of names) sum += terms[n]!;
        worst = Math.max(worst, Math.abs(sum - r.reward));
        expect(rewardTermsProblem(names, r.reward, terms)).toBeUndefined();
      });
      // Added in the spec's order they give the reward exactly (IEEE a − b = a + (−b)).
      expect(worst).toBe(0);
      env.close();
    });
  }

  it('names the terms after how each task computes its reward', () => {
    const names = (id: string) =>
      rewardTermNames([...MUJOCO_TASKS, ...MUJOCO_V1_TASKS].find((t) => t.id === id)!);
    for (const v of ['v1', 'v2']) {
      expect(names(`swimmer-${v}`)).toEqual(['forward', 'control']);
      expect(names(`hopper-${v}`)).toEqual(['forward', 'control', 'alive']);
      expect(names(`walker-${v}`)).toEqual(['forward', 'control', 'alive', 'impact']);
    }
    expect(CARTPOLE_REWARD_TERMS).toEqual(['alive', 'upright', 'control']);
  });

  it('rewardTermsProblem reports missing, extra and non-adding terms', () => {
    expect(rewardTermsProblem(['a', 'b'], 1, undefined)).toMatch(/missing/);
    expect(rewardTermsProblem(['a', 'b'], 1, { a: 1 })).toMatch(/keys \[a\]/);
    expect(rewardTermsProblem(['a', 'b'], 1, { a: 1, c: 0 })).toMatch(/keys \[a, c\]/);
    expect(rewardTermsProblem(['a', 'b'], 1, { a: 1, b: 0.5 })).toMatch(/add up to 1.5/);
    expect(rewardTermsProblem(['a', 'b'], 1, { a: 1, b: NaN })).toMatch(/b is NaN/);
    expect(rewardTermsProblem(['a', 'b'], 0.3, { a: 0.1, b: 0.2 })).toBeUndefined(); // rounding only
  });
});

describe('info.rewardTerms by hand from the state', () => {
  for (const task of [...MUJOCO_V1_TASKS, ...MUJOCO_TASKS]) {
    it(`${task.id}: control = −1e-5‖clip(a)‖², alive = 1 while healthy, impact from the foot forces${task.forwardVelocity === 'root' ? ', forward = Δqpos[0]/dt' : ''}`, async () => {
      const env = await MujocoEnv.create(task, { maxEpisodeSteps: 80 });
      let x0 = 0;
      let impacts = 0;
      env.reset(3);
      x0 = env.physicsState().qpos[0]!;
      const { terminated } = randomSteps(env, 300, (r, a) => {
        const terms = r.info!.rewardTerms!;
        const { qpos, qvel } = env.physicsState();
        let sumSq = 0;
        for (const v of a) sumSq += Math.min(1, Math.max(-1, v)) ** 2;
        expect(terms.control).toBe(-CTRL_COST_WEIGHT * sumSq);
        // x0 is NaN on an episode's first step after randomSteps' own reset: nothing to compare.
        if (task.forwardVelocity === 'root' && !Number.isNaN(x0))
          expect(terms.forward).toBeCloseTo((qpos[0]! - x0) / env.spec.dt!, 10);
        if (task.aliveBonus !== 0) expect(terms.alive).toBe(task.healthy(qpos, qvel) ? task.aliveBonus : 0);
        if (task.impact) {
          let penalty = 0;
          for (const f of env.lastFootForces())
            penalty += Math.max(0, f / env.bodyWeight - task.impact.thresholdBodyWeights);
          expect(terms.impact).toBeCloseTo(-task.impact.weight * penalty, 12);
          if (penalty > 0) impacts++;
        }
        x0 = r.terminated || r.truncated ? NaN : qpos[0]!;
      });
      if (task.aliveBonus !== 0) expect(terminated).toBeGreaterThan(0); // falls were seen
      if (task.impact) expect(impacts).toBeGreaterThan(0); // the impact term was not always 0
      env.close();
    });
  }

  it('cartpole-v1: alive = 10, upright = −(1 − cos θ), control = −1e-5 F², all 0 on the falling step', () => {
    const env = new CartPoleEnv({ maxEpisodeSteps: 60 });
    let falls = 0;
    randomSteps(env, 400, (r, a) => {
      const terms = r.info!.rewardTerms!;
      if (r.terminated) {
        falls++;
        expect(terms).toEqual({ alive: 0, upright: 0, control: 0 });
        return;
      }
      const force = 10 * Math.min(1, Math.max(-1, a[0]!));
      expect(terms).toEqual({
        alive: 10,
        upright: -(1 - Math.cos(r.observation[2]!)),
        control: -1e-5 * force * force,
      });
    });
    expect(falls).toBeGreaterThan(0);
  });
});
