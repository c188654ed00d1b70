// `pnpm bench envs` — MuJoCo env throughput against native MuJoCo, measured in the same run.
//
//   pnpm build && node test/bench/envs.mjs        (or: pnpm bench envs)
//
// Per task (swimmer-v1, hopper-v1, walker-v1), on the built package:
//   native      the C harness (packages/envs/test-fixtures/golden/harness.c) running the same env loop
//               (random actions, frame skip, reward, termination, resets) on Debian's libmujoco; compiled
//               here when gcc and libmujoco-dev are present, otherwise reported as unavailable
//   raw         MujocoEnv.step in a loop on one core, the same xorshift random actions
//   mlp 1 core  VectorEnv (in-thread, N envs) with a plain Float64Array MLP policy of the paper's size
//               (tanh hidden layer of 30 / 50 / 50 units, Gaussian noise std 1) acting on all N at once
//   1 / 2 workers  the same loop with the envs on 1 and 2 worker threads (policy on the main thread)
// Each figure is the best of REPS interleaved repetitions (the machine may be shared), in env steps/s;
// the worker figures are the best of 2 × REPS alternating runs.
// Writes the section between <!-- bench:envs:start --> and <!-- bench:envs:end --> of BENCHMARKS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  best,
  compileNative,
  fmt,
  machineLine,
  nativeLabel,
  nativeRate,
  ratio,
  stamp,
  writeModel,
  writeSection,
} from './common.mjs';
const REPS = Number(process.env.BENCH_REPS ?? 8);
const NUM_ENVS = Number(process.env.BENCH_NUM_ENVS ?? 32);
// Env steps per timed run: about 0.3 s each on one core, short so that the best of REPS repetitions
// catches the quiet moments of a shared machine.
const TASKS = [
  { id: 'swimmer-v1', model: 'swimmer', hidden: 30, steps: 6400 },
  { id: 'hopper-v1', model: 'hopper', hidden: 50, steps: 4000 },
  { id: 'walker-v1', model: 'walker2d', hidden: 50, steps: 2800 },
];

function xorshift(seed = 2463534242) {
  let s = seed >>> 0;
  return () => {
    let x = s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s = x;
    return (x / 4294967296) * 2 - 1;
  };
}

/** A one-hidden-layer tanh MLP mean plus N(0, 1) noise, on plain Float64Arrays, batched over rows. */
function makeMlpPolicy(Rng, obsDim, hidden, actDim, seed) {
  const rng = Rng.fromSeed(seed, 'bench-mlp');
  const w1 = Float64Array.from({ length: hidden * obsDim }, () => rng.normal() / Math.sqrt(obsDim));
  const b1 = new Float64Array(hidden);
  const w2 = Float64Array.from({ length: actDim * hidden }, () => (0.1 * rng.normal()) / Math.sqrt(hidden));
  const b2 = new Float64Array(actDim);
  const h = new Float64Array(hidden);
  const noise = Rng.fromSeed(seed, 'bench-noise');
  return (obs, n, out, first = 0) => {
    for (let i = first; i < first + n; i++) {
      const o = i * obsDim;
      for (let k = 0; k < hidden; k++) {
        let s = b1[k];
        const w = k * obsDim;
        for (let j = 0; j < obsDim; j++) s += w1[w + j] * obs[o + j];
        h[k] = Math.tanh(s);
      }
      for (let a = 0; a < actDim; a++) {
        let s = b2[a];
        const w = a * hidden;
        for (let k = 0; k < hidden; k++) s += w2[w + k] * h[k];
        out[i * actDim + a] = s + noise.normal();
      }
    }
  };
}

function rawRate(env, steps) {
  const nu = env.spec.actionSpace.shape[0];
  const rnd = xorshift();
  const a = new Float64Array(nu);
  env.reset(1);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    for (let j = 0; j < nu; j++) a[j] = rnd();
    const r = env.step(a);
    if (r.terminated || r.truncated) env.reset();
  }
  return steps / ((performance.now() - t0) / 1000);
}

/**
 * The same loop straight on mujoco-js, without the env layer (no checks, no allocation, no reward
 * bookkeeping beyond the termination test): where the wasm/native gap comes from.
 */
function bareRate(mj, def, steps) {
  if (!bareRate.cache) bareRate.cache = new Map();
  let sim = bareRate.cache.get(def.id);
  if (!sim) {
    mj.FS.writeFile(`/bench-${def.model}.xml`, def.xml);
    const m = mj.MjModel.loadFromXML(`/bench-${def.model}.xml`);
    const d = new mj.MjData(m);
    const feet = (def.impact?.bodies ?? []).map((b) => mj.mj_name2id(m, mj.mjtObj.mjOBJ_BODY.value, b));
    sim = { m, d, feet, qpos0: Float64Array.from(m.qpos0) };
    bareRate.cache.set(def.id, sim);
  }
  const { m, d, feet, qpos0 } = sim;
  const qpos = d.qpos;
  const qvel = d.qvel;
  const ctrl = d.ctrl;
  const cfrc = d.cfrc_ext;
  const nq = m.nq;
  const nv = m.nv;
  const nu = m.nu;
  const obs = new Float64Array(nq + nv);
  const rnd = xorshift();
  const eps = def.resetNoise;
  const reset = () => {
    mj.mj_resetData(m, d);
    for (let j = 0; j < nq; j++) qpos[j] = qpos0[j] + eps * rnd();
    for (let j = 0; j < nv; j++) qvel[j] = eps * rnd();
    mj.mj_forward(m, d);
  };
  reset();
  let t = 0;
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    for (let j = 0; j < nu; j++) ctrl[j] = rnd();
    for (let k = 0; k < def.frameSkip; k++) {
      mj.mj_step(m, d);
      if (feet.length) {
        mj.mj_rnePostConstraint(m, d);
        for (const f of feet) sink += cfrc[6 * f + 5];
      }
    }
    for (let j = 0; j < nq; j++) obs[j] = qpos[j];
    for (let j = 0; j < nv; j++) obs[nq + j] = qvel[j];
    t++;
    if (!def.healthy(qpos, qvel) || t >= def.horizon) {
      reset();
      t = 0;
    }
  }
  const rate = steps / ((performance.now() - t0) / 1000);
  return sink === Infinity ? 0 : rate;
}

async function vectorRate(vec, policy, steps) {
  const n = vec.numEnvs;
  const iters = Math.max(1, Math.round(steps / n));
  const actions = vec.actions;
  let obs = await vec.reset(1);
  const t0 = performance.now();
  for (let t = 0; t < iters; t++) {
    policy(obs, n, actions);
    obs = (await vec.step(actions)).observations;
  }
  return (iters * n) / ((performance.now() - t0) / 1000);
}

/** The same loop through `vec.rollout`: each worker's block is acted for and stepped on its own. */
async function vectorRolloutRate(vec, policy, steps) {
  const n = vec.numEnvs;
  const iters = Math.max(1, Math.round(steps / n));
  await vec.reset(1);
  const t0 = performance.now();
  await vec.rollout(iters, (first, count, obs, actions) => policy(obs, count, actions, first));
  return (iters * n) / ((performance.now() - t0) / 1000);
}

export async function main() {
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  const { MUJOCO_TASKS, MUJOCO_V1_TASKS, nativeXml, VectorEnv, loadMujoco, makeEnv } = await import(
    '@policy-arena/envs'
  );
  const { Rng } = await import('@policy-arena/core');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-arena-bench-'));
  const native = compileNative(tmp);
  if (native.error) console.log(native.error);
  const rows = [];
  let nativeVersion = null;
  try {
    for (const task of TASKS) {
      const def = [...MUJOCO_TASKS, ...MUJOCO_V1_TASKS].find((t) => t.id === task.id);
      const xmlPath = writeModel(tmp, def, nativeXml);
      const env = await makeEnv(task.id);
      const obsDim = env.spec.observationSpace.shape[0];
      const actDim = env.spec.actionSpace.shape[0];
      const policy = makeMlpPolicy(Rng, obsDim, task.hidden, actDim, 1);
      const vecs = {};
      for (const w of [0, 1, 2])
        vecs[w] = await VectorEnv.create({ envId: task.id, numEnvs: NUM_ENVS, numWorkers: w });
      const mj = await loadMujoco();
      const r = { native: [], bare: [], raw: [], mlp: [], w1: [], w2: [], w2p: [] };
      // warm-up (JIT, caches, worker start)
      rawRate(env, task.steps / 10);
      bareRate(mj, def, task.steps / 10);
      for (const w of [0, 1, 2]) await vectorRate(vecs[w], policy, task.steps / 10);
      for (let rep = 0; rep < REPS; rep++) {
        if (native.exe) {
          const n = nativeRate(native.exe, xmlPath, task.model, task.steps);
          r.native.push(n.rate);
          nativeVersion = n.version;
        }
        r.bare.push(bareRate(mj, def, task.steps));
        r.raw.push(rawRate(env, task.steps));
        r.mlp.push(await vectorRate(vecs[0], policy, task.steps));
        for (let k = 0; k < 2; k++) {
          // twice per repetition, alternating: the speed-up needs two free cores at the same time
          r.w1.push(await vectorRate(vecs[1], policy, task.steps));
          r.w2.push(await vectorRate(vecs[2], policy, 2 * task.steps));
          r.w2p.push(await vectorRolloutRate(vecs[2], policy, 2 * task.steps));
        }
      }
      env.close();
      for (const w of [0, 1, 2]) await vecs[w].close();
      const row = {
        task: task.id,
        hidden: task.hidden,
        native: best(r.native),
        bare: best(r.bare),
        raw: best(r.raw),
        mlp: best(r.mlp),
        w1: best(r.w1),
        w2: best(r.w2),
        w2p: best(r.w2p),
      };
      rows.push(row);
      console.log(
        `${task.id}: native ${fmt(row.native)}  bare wasm ${fmt(row.bare)} (${ratio(row.bare, row.native)}×)  ` +
          `raw ${fmt(row.raw)} (${ratio(row.raw, row.native)}× native)  ` +
          `mlp 1 core ${fmt(row.mlp)} (${ratio(row.mlp, row.native)}×)  1 worker ${fmt(row.w1)}  2 workers ${fmt(row.w2)} ` +
          `(${ratio(row.w2, row.w1)}× of 1 worker)  2 workers pipelined ${fmt(row.w2p)} (${ratio(row.w2p, row.w1)}×)   [steps/s, best of ${REPS}: ${JSON.stringify(r, (k, v) => (typeof v === 'number' ? Math.round(v) : v))}]`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  writeReport(rows, native, nativeVersion, seconds, [loadBefore, os.loadavg()[0]]);
}

function writeReport(rows, native, nativeVersion, seconds, load) {
  writeSection('envs', [
    '## MuJoCo envs (`pnpm bench envs`)',
    '',
    `Command: \`pnpm bench envs\` (= \`pnpm build && node test/bench/index.mjs envs\`). Date: ${stamp()} UTC. Machine: ${machineLine()}. Run time ${seconds.toFixed(0)} s; 1-minute load average ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after (other processes compete for the cores).`,
    '',
    `Env steps per second (one env step = 4 physics steps), best of ${REPS} interleaved repetitions (worker columns: best of ${2 * REPS}). wasm = mujoco-js 0.0.7 (MuJoCo 3.3.8); native = ${nativeLabel(native, nativeVersion)}, running the same env loop in C (packages/envs/test-fixtures/golden/harness.c). "bare wasm loop" = the same loop written directly against mujoco-js (no env layer), which locates the gap to native; "raw" = \`MujocoEnv.step\` with random actions on one core; "MLP" = \`VectorEnv\` of ${NUM_ENVS} envs with a tanh MLP policy (paper sizes) evaluated in batch on plain Float64Arrays in the loop; workers = the same with the envs on worker threads, stepped in lockstep (\`step\`); pipelined = \`VectorEnv.rollout\`, where each worker's block is acted for and stepped again as soon as it is done (no barrier, the policy for one block overlaps the other block's physics).`,
    '',
    '| task | hidden | native | bare wasm loop | bare / native | wasm raw | raw / native | MLP, 1 core | MLP / native | MLP, 1 worker | MLP, 2 workers | 2 / 1 workers | 2 workers, pipelined | pipelined / 1 worker |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.task} | ${r.hidden} | ${fmt(r.native)} | ${fmt(r.bare)} | ${ratio(r.bare, r.native)} | ${fmt(r.raw)} | ${ratio(r.raw, r.native)} | ${fmt(r.mlp)} | ${ratio(r.mlp, r.native)} | ${fmt(r.w1)} | ${fmt(r.w2)} | ${ratio(r.w2, r.w1)} | ${fmt(r.w2p)} | ${ratio(r.w2p, r.w1)} |`,
    ),
    '',
    'Targets: raw ≥ 0.85× native per core; 2 workers ≥ 1.8× one worker. On a machine with 2 cores the 2-worker figure also competes with the main thread (policy, dispatch) and anything else running.',
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
