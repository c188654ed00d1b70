// `pnpm bench iteration` — sampling and whole TRPO iterations against native MuJoCo physics, measured
// in the same run.
//
//   pnpm build && node test/bench/index.mjs iteration        (or: pnpm bench iteration)
//
// Per task (swimmer, hopper, walker; the paper's policy network of each task):
//   native       the C harness (packages/envs/test-fixtures/golden/harness.c): the same env loop
//                (random actions, frame skip, reward, termination, resets) on Debian's libmujoco,
//                env steps/s on one core
//   sampling     RolloutPool.sample — whole episodes of the Gaussian MLP policy, resets included —
//                in the main thread (0 workers), on 1 and on 2 worker threads, env steps/s
//   iteration    one `paper`-preset iteration of trpo-single-path (sampling + update) with the
//                sampler on every core, wall seconds; its physics cost = its env steps ÷ (native
//                steps/s × cores), the time native MuJoCo needs for the same steps on all cores
// Sampling figures are the best of REPS interleaved repetitions; iterations the min and median of
// ITER_REPS. Writes the section between <!-- bench:iteration:start --> and <!-- bench:iteration:end -->
// of BENCHMARKS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  best,
  compileNative,
  fmt,
  least,
  machineLine,
  median,
  nativeLabel,
  nativeRate,
  ratio,
  stamp,
  writeModel,
  writeSection,
} from './common.mjs';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const ITER_REPS = Number(process.env.BENCH_ITER_REPS ?? 2);
const TASKS = (process.env.BENCH_TASKS ?? 'swimmer-v2,hopper-v2,walker-v2').split(',');
// Swimmer episodes never end early (1000 steps each): its rounds are the paper's 50 episodes, so the
// last episodes in flight weigh as they do in a real iteration.
const SAMPLE_STEPS = { swimmer: 50_000, hopper: 20_000, walker2d: 15_000 };

/** trpo-single-path, with the time spent in ctx.sampleTrajectories recorded as `sampleSeconds`. */
function timedPlugin(plugin) {
  return {
    ...plugin,
    create(config, deps) {
      const inner = plugin.create(config, deps);
      return {
        ...inner,
        async iterate(ctx) {
          let sampleSeconds = 0;
          const timedCtx = Object.create(ctx, {
            sampleTrajectories: {
              value: async (...args) => {
                const t0 = performance.now();
                try {
                  return await ctx.sampleTrajectories(...args);
                } finally {
                  sampleSeconds += (performance.now() - t0) / 1000;
                }
              },
            },
          });
          const extras = await inner.iterate(timedCtx);
          return { ...extras, sampleSeconds };
        },
      };
    },
  };
}

export async function main() {
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  const cores = os.availableParallelism();
  const { MUJOCO_TASKS, MUJOCO_V1_TASKS, nativeXml, RolloutPool } = await import('@policy-arena/envs');
  const { Rng } = await import('@policy-arena/core');
  const { trpoSinglePath } = await import('@policy-arena/algorithms');
  const { runTrial, architectureFor, defaultPolicy, budgetFor, resolvePluginConfig } = await import(
    '@policy-arena/runner'
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-arena-bench-'));
  const native = compileNative(tmp);
  if (native.error) console.log(native.error);
  let nativeVersion = null;
  const rows = [];
  const plugin = timedPlugin(trpoSinglePath);
  try {
    for (const envId of TASKS) {
      const def = [...MUJOCO_TASKS, ...MUJOCO_V1_TASKS].find((t) => t.id === envId);
      const xmlPath = writeModel(tmp, def, nativeXml);
      const pools = {};
      let policy;
      for (const w of [0, 1, 2]) {
        pools[w] = await RolloutPool.create({
          envId,
          numWorkers: w,
          policy: (policy ??= await paperPolicy(envId)).config,
        });
      }
      async function paperPolicy(id) {
        const { makeEnv } = await import('@policy-arena/envs');
        const env = await makeEnv(id);
        const p = defaultPolicy(env.spec, architectureFor(id), Rng.fromSeed(1).split('policy-init'));
        env.close();
        return p;
      }
      const params = policy.getParams();
      const steps = SAMPLE_STEPS[def.model] ?? 20_000;
      const rate = async (w, n, rep) => {
        const t0 = performance.now();
        const batch = await pools[w].sample(params, Rng.fromSeed(rep).split('sampler'), { minSteps: n });
        return batch.numSteps / ((performance.now() - t0) / 1000);
      };
      for (const w of [0, 1, 2]) await rate(w, steps / 10, 99); // warm-up: JIT, worker start
      const r = { native: [], w0: [], w1: [], w2: [] };
      for (let rep = 0; rep < REPS; rep++) {
        if (native.exe) {
          const n = nativeRate(native.exe, xmlPath, def.model, steps, !envId.endsWith('-v1'));
          r.native.push(n.rate);
          nativeVersion = n.version;
        }
        r.w0.push(await rate(0, steps, rep));
        r.w1.push(await rate(1, steps, rep));
        r.w2.push(await rate(2, 2 * steps, rep));
      }
      for (const w of [0, 1, 2]) await pools[w].close();

      // Whole paper-preset iterations, sampler on every core.
      const budget = budgetFor('paper', envId);
      const config = resolvePluginConfig(trpoSinglePath, 'paper', envId, {});
      const iters = [];
      for (let rep = 0; rep < ITER_REPS; rep++) {
        const t0 = performance.now();
        const { records } = await runTrial({
          plugin,
          config,
          envId,
          seed: 1 + rep,
          iterations: 1,
          stepsPerIteration: budget.stepsPerIteration,
          samplerWorkers: cores,
        });
        const rec = records[0];
        iters.push({
          // The iteration itself (the record's seconds); the trial's one-off set-up (worker threads,
          // MuJoCo and tfjs loading) is reported apart: a real trial pays it once for 200 iterations.
          wall: rec.seconds,
          setup: (performance.now() - t0) / 1000 - rec.seconds,
          steps: rec.envSteps,
          episodes: rec.episodes,
          sample: rec.sampleSeconds,
        });
        console.log(`${envId} paper iteration ${rep + 1}/${ITER_REPS}: ${JSON.stringify(iters.at(-1))}`);
      }
      const nativeBest = best(r.native);
      const physics = iters.map((it) => it.steps / (nativeBest * cores));
      const row = {
        task: envId,
        hidden: policy.hidden.join('-') || 'linear',
        native: nativeBest,
        w0: best(r.w0),
        w1: best(r.w1),
        w2: best(r.w2),
        iterSteps: Math.round(median(iters.map((it) => it.steps))),
        episodes: Math.round(median(iters.map((it) => it.episodes))),
        wallMin: least(iters.map((it) => it.wall)),
        wallMedian: median(iters.map((it) => it.wall)),
        sampleMedian: median(iters.map((it) => it.sample)),
        setupMedian: median(iters.map((it) => it.setup)),
        physics: median(physics),
      };
      rows.push(row);
      console.log(JSON.stringify({ ...row, raw: r }));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const load = [loadBefore, os.loadavg()[0]];
  const s = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  writeSection('iteration', [
    '## Sampling and whole iterations (`pnpm bench iteration`)',
    '',
    `Command: \`pnpm bench iteration\` (= \`pnpm build && node test/bench/index.mjs iteration\`). Date: ${stamp()} UTC. Machine: ${machineLine()}. Run time ${seconds.toFixed(0)} s; 1-minute load average ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after.`,
    '',
    `Native = ${nativeLabel(native, nativeVersion)}, the same env loop in C with random actions and resets, env steps/s on one core (best of ${REPS}). Sampling = \`RolloutPool.sample\`: whole episodes of the task's paper-size Gaussian MLP policy, resets included, float64 forward per step, batch assembled in episode order; best of ${REPS} interleaved repetitions. Iteration = one \`paper\`-preset iteration of trpo-single-path (sampling + the trust-region update on the whole batch) with the sampler on all ${cores} cores, timed as the record's \`seconds\` (the trial's one-off set-up apart), min / median of ${ITER_REPS} (seeds 1..${ITER_REPS}, so the first, fall-heavy iteration of a fresh policy); physics = its env steps ÷ (native steps/s × ${cores} cores).`,
    '',
    '| task | policy hidden | native steps/s (1 core) | sampling, main thread | sampling, 1 worker | 1 worker / native | sampling, 2 workers | 2 / 1 workers | iteration env steps (episodes) | iteration wall, min / median s | of which sampling, s | trial set-up, s | native physics, s | iteration / physics |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.task} | ${r.hidden} | ${fmt(r.native)} | ${fmt(r.w0)} | ${fmt(r.w1)} | ${ratio(r.w1, r.native)} | ${fmt(r.w2)} | ${ratio(r.w2, r.w1)} | ${fmt(r.iterSteps)} (${fmt(r.episodes)}) | ${s(r.wallMin)} / ${s(r.wallMedian)} | ${s(r.sampleMedian)} | ${s(r.setupMedian)} | ${s(r.physics)} | ${ratio(r.wallMin, r.physics)} |`,
    ),
    '',
    'The per-core figure is the 1-worker column: trials sample on worker threads, each a fresh isolate running only the sampler; the main-thread column runs after the other bench suites in the same process, whose varied calls leave its JIT less specialized (swimmer shows it most).',
    '',
    'Targets: sampling ≥ 0.85× native per core and ≥ 1.8× from 1 to 2 workers; a whole paper iteration ≤ 1.25× the native physics cost of its env steps spread over the cores.',
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
