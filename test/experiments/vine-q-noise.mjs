#!/usr/bin/env node
// How noisy are vine's advantage estimates (§5.2) for a saved policy, against single path's (§5.1)?
//   pnpm build && node test/experiments/vine-q-noise.mjs <policy file or trial dir> [--states 100]
//     [--actions 4] [--repeats 8] [--lengths 25,100,1000] [--trunk 2000] [--seed 1] [--gamma 0.99]
//
// From a trunk of the policy's own episodes it picks `states` states uniformly, draws K = `actions`
// actions at each from π (as vine does), and runs every branch `repeats` times with fresh noise for
// the policy's later actions, per branch length, in two ways:
//   crn          the K branches of one repeat replay one noise stream (vine: common random numbers)
//   independent  every branch has its own stream
// With Q̂ₖᵣ the discounted return of branch k in repeat r, Âₖᵣ = Q̂ₖᵣ − meanⱼ Q̂ⱼᵣ is one vine
// advantage estimate (Eq. 17's self-normalized baseline at θ = θ_old). Per state:
//   noise  = meanₖ Varᵣ(Âₖᵣ)                           the variance of one estimate
//   signal = Varₖ(meanᵣ Âₖᵣ) − noise / R                the spread of the true advantages of the K
//                                                        actions (unbiased: the mean's noise removed)
// and the table gives Σ signal / Σ noise over the states: the signal-to-noise ratio of one
// advantage sample. Single path's per-sample advantage is a whole-episode return minus a baseline;
// even with a perfect baseline its noise is Varᵣ(Q̂ₖᵣ) of independent full-length branches, so the
// "single path" row (independent noise, the longest length, Q̂ not Â) bounds its ratio from above.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GaussianMlp, Rng, branchRollout, readPolicyFile, sampleEpisodes } from '@policy-arena/core';
import { makeEnv } from '@policy-arena/envs';

const { values, positionals } = parseArgs({
  options: {
    states: { type: 'string', default: '100' },
    actions: { type: 'string', default: '4' },
    repeats: { type: 'string', default: '8' },
    lengths: { type: 'string', default: '25,100,1000' },
    trunk: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    gamma: { type: 'string', default: '0.99' },
  },
  allowPositionals: true,
});
const N = Number(values.states);
const K = Number(values.actions);
const R = Number(values.repeats);
const lengths = values.lengths.split(',').map(Number);
const trunkSteps = Number(values.trunk);
const seed = Number(values.seed);
const gamma = Number(values.gamma);
const counts = { states: N, actions: K, repeats: R, trunk: trunkSteps, seed };
for (const [name, v] of Object.entries(counts)) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`vine-q-noise: --${name} must be a positive integer, got ${JSON.stringify(String(v))}`);
    process.exit(2);
  }
}
if (K < 2 || R < 2 || lengths.some((l) => !Number.isInteger(l) || l < 1) || !(gamma > 0 && gamma <= 1)) {
  console.error(
    'vine-q-noise: --actions and --repeats need ≥ 2, --lengths positive integers, --gamma in (0, 1]',
  );
  process.exit(2);
}
if (positionals.length !== 1) {
  console.error('usage: node test/experiments/vine-q-noise.mjs <policy file or trial dir> [options]');
  process.exit(2);
}
// A policy file, or a trial directory: its policy-final.json, else its policy-best.json, else its
// resume checkpoint (older trials saved no policy files) with the task from trial.json and the
// one-hidden-layer size that the parameter count implies.
async function openPolicy(target) {
  const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
  if (!fs.statSync(target).isDirectory()) {
    const { policy, file } = readPolicyFile(read(target), target);
    return { policy, envId: file.env.id, source: target };
  }
  for (const name of ['policy-final.json', 'policy-best.json']) {
    const f = path.join(target, name);
    if (fs.existsSync(f)) return openPolicy(f);
  }
  const checkpoint = path.join(target, 'checkpoint.json');
  const envId = read(path.join(target, 'trial.json')).spec.task;
  const params = Float64Array.from(read(checkpoint).params);
  const env = await makeEnv(envId);
  const [obsDim] = env.spec.observationSpace.shape;
  const [actDim] = env.spec.actionSpace.shape;
  env.close?.();
  const hidden = (params.length - 2 * actDim) / (obsDim + 1 + actDim);
  if (!Number.isInteger(hidden))
    throw new Error(`${checkpoint}: ${params.length} parameters fit no one-hidden-layer policy`);
  return { policy: new GaussianMlp({ obsDim, actDim, hidden: [hidden] }, params), envId, source: checkpoint };
}
const { policy, envId, source } = await openPolicy(positionals[0]);
const env = await makeEnv(envId);

const rng = Rng.fromSeed(seed, 'vine-q-noise');
const trunk = sampleEpisodes(env, policy, rng.split('trunk'), { minSteps: trunkSteps, snapshots: true });
const chosen = Array.from(
  rng.split('states').permutation(trunk.numSteps).subarray(0, Math.min(N, trunk.numSteps)),
);
const { obsDim } = policy;

const variance = (x) => {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
};
const mean = (x) => x.reduce((a, b) => a + b, 0) / x.length;

const rows = [];
const started = Date.now();
for (const length of lengths) {
  for (const mode of ['crn', 'independent']) {
    let signal = 0;
    let noise = 0;
    let qNoise = 0;
    let steps = 0;
    chosen.forEach((t, n) => {
      const obs = trunk.observations.subarray(t * obsDim, (t + 1) * obsDim);
      const actionRng = rng.splitIndex('actions', n);
      const actions = Array.from({ length: K }, () => Float64Array.from(policy.act(obs, actionRng)));
      const q = actions.map(() => new Array(R));
      for (let r = 0; r < R; r++) {
        const shared = rng.splitIndex('noise', n).splitIndex('repeat', r);
        for (let k = 0; k < K; k++) {
          const stream = mode === 'crn' ? shared.state() : shared.splitIndex('branch', k).state();
          const trace = branchRollout(
            env,
            policy,
            { snapshot: trunk.snapshots[t], firstAction: actions[k], noise: stream },
            length,
            gamma,
          );
          q[k][r] = trace.q;
          steps += trace.steps;
        }
      }
      // Each repeat's mean over the K actions, once per repeat rather than once per action.
      const repeatMeans = Array.from({ length: R }, (_, r) => mean(q.map((qj) => qj[r])));
      const adv = q.map((qk) => qk.map((v, r) => v - repeatMeans[r]));
      const stateNoise = mean(adv.map(variance));
      noise += stateNoise;
      signal += variance(adv.map(mean)) - stateNoise / R;
      qNoise += mean(q.map(variance));
    });
    rows.push({ length, mode, snr: signal / noise, snrQ: signal / qNoise, steps });
  }
}
env.close?.();

const meanLength = trunk.numSteps / trunk.episodes.length;
console.log(
  `${envId}, ${source}: ${chosen.length} states from a ${trunk.numSteps}-step trunk (${trunk.episodes.length} episodes, mean length ${meanLength.toFixed(0)}), K = ${K}, ${R} repeats, γ = ${gamma}; ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
);
console.log(
  '| branch length | noise | SNR of one vine advantage Âₖ | SNR of one Q̂ₖ (single path, perfect baseline) | branch steps |',
);
console.log('|---:|---|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.length} | ${r.mode} | ${r.snr.toFixed(3)} | ${r.snrQ.toFixed(3)} | ${r.steps.toLocaleString('en-US')} |`,
  );
}
