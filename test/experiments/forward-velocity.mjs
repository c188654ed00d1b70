#!/usr/bin/env node
// How much the choice of forward-velocity point (root Δx/dt, the v1 tasks; centre of mass, v2)
// changes the single-path Q̂ of §5.1, for docs/tasks.md.
//   pnpm build && node test/experiments/forward-velocity.mjs [--steps 20000] [--seed 1]
// Each task's v1 and v2 envs are stepped in lockstep from the same states with the same actions
// (the dynamics are identical, only the forward term differs), with actions ~ N(0, 1) per
// dimension, which is the initial policy of the runner (zero-mean output, σ = 1). Per time step it
// computes the discounted reward-to-go Q̂ (γ = 0.99) under each reward and prints the spread of
// Q̂_v2 and of the difference Q̂_v1 − Q̂_v2 over all steps, which is what a constant baseline leaves.
import { makeEnv } from '@policy-arena/envs';
import { Rng } from '@policy-arena/core';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const minSteps = opt('steps', 20_000);
const seed = opt('seed', 1);
const gamma = 0.99;

const mean = (x) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x) => {
  const m = mean(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
};
const reward2go = (r) => {
  const q = new Array(r.length);
  let acc = 0;
  for (let t = r.length - 1; t >= 0; t--) q[t] = acc = r[t] + gamma * acc;
  return q;
};

console.log(
  '| task | episodes | steps | mean Q̂ v1 (root) | mean Q̂ v2 (COM) | sd Q̂ v2 | sd (Q̂ v1 − Q̂ v2) | ratio |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const task of ['swimmer', 'hopper', 'walker']) {
  const v1 = await makeEnv(`${task}-v1`);
  const v2 = await makeEnv(`${task}-v2`);
  const rng = Rng.fromSeed(seed, 'forward-velocity-experiment');
  const q1 = [];
  const q2 = [];
  let steps = 0;
  let episodes = 0;
  while (steps < minSteps) {
    v1.reset(seed * 100_000 + episodes++);
    const { qpos, qvel } = v1.physicsState();
    v2.setState(qpos, qvel);
    const r1 = [];
    const r2 = [];
    for (let t = 0; t < v1.spec.maxEpisodeSteps; t++) {
      const a = Float64Array.from({ length: v1.nu }, () => rng.normal());
      const s1 = v1.step(a);
      const s2 = v2.step(a);
      if (s1.observation.some((x, i) => x !== s2.observation[i])) throw new Error('v1 and v2 diverged');
      r1.push(s1.reward);
      r2.push(s2.reward);
      steps++;
      if (s1.terminated || s1.truncated) break;
    }
    q1.push(...reward2go(r1));
    q2.push(...reward2go(r2));
  }
  const diff = q1.map((x, i) => x - q2[i]);
  const f = (x) => x.toFixed(2);
  console.log(
    `| ${task} | ${episodes} | ${steps} | ${f(mean(q1))} | ${f(mean(q2))} | ${f(sd(q2))} | ${f(sd(diff))} | ${f(sd(diff) / sd(q2))} |`,
  );
  v1.close();
  v2.close();
}
