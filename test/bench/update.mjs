// `pnpm bench update` — the TRPO policy update (trustRegionStep) against a PyTorch peer measured in
// the same run.
//
//   pnpm build && node test/bench/update.mjs        (or: pnpm bench update)
//
// Problem (as scripts/peers/torch_trpo_update.py builds it): 50,000 states of N(0, 1) observations
// (12 dims), a Gaussian policy with a 12-50-50-3 or 12-50-3 tanh MLP mean and log-std −0.5, actions
// drawn from it, standardized random advantages; δ = 0.01, damping 0.1, 10 CG iterations, line search
// by halving for at most 10 evaluations (accept: surrogate improves by ≥ 0.1 × the linear prediction and
// mean KL ≤ δ), Fisher-vector products on the whole batch or on a 10 % subsample (Appendix C).
// Items, ours / peer:
//   update          the whole trustRegionStep / the whole update, stopping at the first acceptable step
//   surrogate grad  forward + backward of the surrogate at θ_old on all states
//   one FVP         one Fisher-vector product on the Fisher states (ours: with the per-update caches
//                   built; the peer rebuilds forward and first backward per product, as rllab does)
//   10 CG           10 conjugate-gradient iterations (ours: including building the caches)
// Repetitions are interleaved (ours, peer 1 thread, peer 2 threads, ours, ...) with a short pause
// before each (BENCH_SETTLE_MS, default 150); min and median of BENCH_REPS (default 5) after one
// warm-up each. The peer runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, OpenBLAS (Debian
// libopenblas0-openmp) first on LD_LIBRARY_PATH, glibc malloc told to keep freed memory (see peerEnv),
// and reports which BLAS library its process loaded. Ours is single-threaded.
// Writes the section between <!-- bench:update:start --> and <!-- bench:update:end --> of BENCHMARKS.md.
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const peerScript = path.join(root, 'scripts/peers/torch_trpo_update.py');
const REPS = Number(process.env.BENCH_REPS ?? 5);
const N = Number(process.env.BENCH_UPDATE_N ?? 50_000);
const PEER_THREADS = (process.env.BENCH_PEER_THREADS ?? '1,2').split(',').map(Number);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 150);
const OBS = 12;
const ACT = 3;
const CONFIGS = [
  { hidden: [50, 50], subsample: 1 },
  { hidden: [50, 50], subsample: 0.1 },
  { hidden: [50], subsample: 1 },
  { hidden: [50], subsample: 0.1 },
];
const ITEMS = ['update', 'surrogate_grad', 'fvp', 'cg10'];
const ITEM_LABEL = { update: 'update', surrogate_grad: 'surrogate grad', fvp: 'one FVP', cg10: '10 CG' };
const SETTINGS = {
  stepSize: 0.01,
  cgIterations: 10,
  cgDamping: 0.1,
  backtrackRatio: 0.5,
  maxBacktracks: 9,
  acceptRatio: 0.1,
};
const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

function findPython() {
  const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

function peerEnv(threads) {
  const env = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
    // glibc hands every tensor above 128 kB back to the kernel (munmap) when it is freed, and the next
    // operation page-faults fresh memory in again. Keeping freed memory in the heap, as a long-running
    // PyTorch job would want, made the peer's full-batch update 5× faster here (4.9 s → 0.9 s).
    MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
    MALLOC_TRIM_THRESHOLD_: String(4 * 2 ** 30),
    MALLOC_TOP_PAD_: String(256 * 2 ** 20),
  };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (fs.existsSync(OPENBLAS_DIR)) {
    env.LD_LIBRARY_PATH = [OPENBLAS_DIR, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  return env;
}

/** A persistent peer process: one JSON request per line in, one JSON answer per line out. */
async function startPeer(python, threads) {
  const child = spawn(python, [peerScript, '--threads', String(threads), '--n', String(N)], {
    env: peerEnv(threads),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`torch peer (${threads} threads) exited`);
    return JSON.parse(value);
  };
  const info = await next();
  return {
    threads,
    info,
    async run(request) {
      child.stdin.write(`${JSON.stringify(request)}\n`);
      return next();
    },
    close() {
      child.stdin.end();
    },
  };
}

function makeOurs(core, algorithms, { hidden, subsample }) {
  const { GaussianPolicy, GaussianMlpKernels, GaussianSurrogateKernels, Rng, conjugateGradient } = core;
  const rng = Rng.fromSeed(0, 'bench-update');
  const policy = GaussianPolicy.create({ obsDim: OBS, actDim: ACT, hidden, initLogStd: -0.5 }, rng);
  const theta0 = policy.getParams();
  const observations = Float64Array.from({ length: N * OBS }, () => rng.normal());
  const actions = policy.actBatch(observations, rng);
  const adv = Float64Array.from({ length: N }, () => rng.normal());
  let mean = 0;
  for (const a of adv) mean += a / N;
  let sd = 0;
  for (const a of adv) sd += (a - mean) ** 2 / (N - 1);
  const weights = adv.map((a) => (a - mean) / Math.sqrt(sd));
  const surrogate = algorithms.importanceSampledSurrogate(weights);
  const problem = { policy, observations, actions, surrogate };
  const settings = {
    cgIterations: SETTINGS.cgIterations,
    cgDamping: SETTINGS.cgDamping,
    fisherSubsample: subsample,
  };
  const rule = algorithms.lineSearchRule(SETTINGS, algorithms.meanKlConstraint);
  const m = Math.max(1, Math.min(N, Math.ceil(subsample * N)));
  const subRows = Rng.fromSeed(1).permutation(N).subarray(0, m);
  const subObs = new Float64Array(m * OBS);
  subRows.forEach((r, i) => subObs.set(observations.subarray(r * OBS, (r + 1) * OBS), i * OBS));
  // Separate batches for the parts, so that timing one part never invalidates another's caches.
  const all = new GaussianMlpKernels(policy, observations, theta0);
  const sub = new GaussianMlpKernels(policy, m === N ? observations : subObs, theta0);
  sub.prepareFisher();
  const v = Float64Array.from({ length: policy.numParams }, () => rng.normal());
  let lastBacktracks = null;
  const fvp = (p) => {
    const out = sub.fisherVectorProduct(p);
    for (let i = 0; i < out.length; i++) out[i] += SETTINGS.cgDamping * p[i];
    return out;
  };
  const run = {
    update: () => {
      policy.setParams(theta0);
      lastBacktracks = algorithms.trustRegionStep(problem, settings, rule, Rng.fromSeed(1)).backtracks;
    },
    surrogate_grad: () => new GaussianSurrogateKernels(all, actions, surrogate, theta0).gradient(),
    fvp: () => sub.fisherVectorProduct(v),
    cg10: () => {
      sub.setParams(theta0); // drops the per-update caches: they are rebuilt inside, as in an update
      conjugateGradient(fvp, v, { iterations: 10, residualTol: 0 });
    },
  };
  return {
    numParams: policy.numParams,
    time(item) {
      const t0 = performance.now();
      run[item]();
      return performance.now() - t0;
    },
    get backtracks() {
      return lastBacktracks;
    },
  };
}

/**
 * A pause before every timed run: the 2-thread peer's OpenMP worker keeps spinning for a while after a
 * request (libgomp's GOMP_SPINCOUNT), and on a 2-core machine that spinning thread would otherwise
 * compete with whichever run comes next (measured: ours 79 ms alone, 135 ms right after the 2-thread
 * peer, for the 12-50-50-3 10 % update).
 */
const settle = () => sleep(SETTLE_MS);
const minOf = (xs) => (xs.length ? Math.min(...xs) : NaN);
const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(2) : 'n/a');

export async function main() {
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  const core = await import('@policy-arena/core');
  const algorithms = await import('@policy-arena/algorithms');
  await core.initBackend('wasm');
  const python = findPython();
  const peers = [];
  let peerNote = null;
  if (!python) {
    peerNote = 'PyTorch peer unavailable: no python3 with torch (run scripts/setup-peers.sh)';
    console.log(peerNote);
  } else {
    for (const t of PEER_THREADS) peers.push(await startPeer(python, t));
    console.log(`peer: ${python}, ${JSON.stringify(peers.map((p) => p.info))}`);
  }
  const rows = [];
  const loads = [];
  try {
    for (const config of CONFIGS) {
      const ours = makeOurs(core, algorithms, config);
      const t = { ours: {}, peers: peers.map(() => ({})), accepted: {} };
      for (const item of ITEMS) {
        t.ours[item] = [];
        t.peers.forEach((p) => (p[item] = []));
        ours.time(item); // warm-up
        for (const p of peers) await p.run({ ...config, item, warmup: true });
      }
      for (let rep = 0; rep < REPS; rep++) {
        for (const item of ITEMS) {
          await settle();
          t.ours[item].push(ours.time(item));
          if (item === 'update') t.accepted.ours = ours.backtracks;
          for (let i = 0; i < peers.length; i++) {
            await settle();
            const r = await peers[i].run({ ...config, item });
            t.peers[i][item].push(r.ms);
            if (item === 'update') t.accepted[`peer${peers[i].threads}`] = r.accepted_at;
          }
        }
        loads.push(os.loadavg()[0]);
      }
      for (const item of ITEMS) {
        const row = {
          model: [OBS, ...config.hidden, ACT].join('-'),
          params: ours.numParams,
          fisher:
            config.subsample === 1
              ? `all ${N.toLocaleString('en-US')}`
              : `10 % (${Math.ceil(config.subsample * N).toLocaleString('en-US')})`,
          item,
          ours: { min: minOf(t.ours[item]), median: median(t.ours[item]) },
          peers: t.peers.map((p) => ({ min: minOf(p[item]), median: median(p[item]) })),
          accepted: item === 'update' ? t.accepted : null,
        };
        rows.push(row);
        console.log(
          `${row.model} Fisher ${row.fisher} ${ITEM_LABEL[item]}: ours ${fmt(row.ours.min)} / ${fmt(row.ours.median)} ms` +
            peers
              .map(
                (p, i) =>
                  `  torch ${p.threads} thr ${fmt(row.peers[i].min)} / ${fmt(row.peers[i].median)} ms (ratio ${ratio(row.ours.min, row.peers[i].min)} / ${ratio(row.ours.median, row.peers[i].median)})`,
              )
              .join('') +
            (row.accepted ? `  line search accepted at ${JSON.stringify(row.accepted)}` : ''),
        );
      }
    }
  } finally {
    for (const p of peers) p.close();
  }
  const seconds = (performance.now() - started) / 1000;
  writeReport(rows, peers, python, peerNote, seconds, [loadBefore, Math.max(...loads), os.loadavg()[0]]);
}

function writeReport(rows, peers, python, peerNote, seconds, load) {
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} logical cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const info = peers[0]?.info;
  const blas = info
    ? (info.blas.find((b) => /openblas/i.test(path.basename(b))) ?? info.blas.join(', '))
    : null;
  const peerLabel = info
    ? `PyTorch ${info.torch} (${python}, float32, BLAS_INFO=${info.blas_info}, loaded BLAS: ${blas || 'none found'}), OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, glibc malloc keeping freed memory (MALLOC_MMAP_THRESHOLD_ 32 MiB, MALLOC_TRIM_THRESHOLD_ 4 GiB, MALLOC_TOP_PAD_ 256 MiB: without them every large tensor is unmapped when freed and faulted in again, and the peer's full-batch update took 4.9 s instead of 0.9 s here)`
    : peerNote;
  const peerCols = peers.flatMap((p) => [`torch ${p.threads} thr min / median`, `ratio ${p.threads} thr`]);
  const lines = [
    '<!-- bench:update:start -->',
    '## TRPO update (`pnpm bench update`)',
    '',
    `Command: \`pnpm bench update\` (= \`pnpm build && node test/bench/index.mjs update\`). Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${machine}. Run time ${seconds.toFixed(0)} s; 1-minute load average ${load[0].toFixed(1)} before, at most ${load[1].toFixed(1)} during, ${load[2].toFixed(1)} after (other processes compete for the cores).`,
    '',
    `One TRPO policy update on ${N.toLocaleString('en-US')} states (12 observation dims, 3 action dims, tanh MLP mean, Gaussian with log-std −0.5, synthetic data as in \`scripts/peers/torch_trpo_update.py\`): δ 0.01, damping 0.1, 10 CG iterations, line search halving for at most 10 evaluations and stopping at the first acceptable step. Ours = \`trustRegionStep\` on the float32 WebAssembly SIMD kernels (\`packages/core/src/mlp-kernels.ts\`), one thread. Peer = ${peerLabel}; the same math written the way PyTorch TRPO ports write it (double-backprop Fisher-vector products). Milliseconds, min / median of ${REPS} interleaved repetitions (ours, peer 1 thread, peer 2 threads, ours, ...) after one warm-up; ratio = ours / peer (min / median), below 1 = ours faster. "one FVP" = one Fisher-vector product on the Fisher states (ours with the per-update caches built; the peer rebuilds its graph per product), "10 CG" = 10 conjugate-gradient iterations including everything each side rebuilds per update.`,
    '',
    `| policy | Fisher states | item | ours min / median | ${peerCols.join(' | ')} |`,
    `|---|---|---|---:|${peerCols.map(() => '---:').join('|')}|`,
    ...rows.map((r) => {
      const cells = r.peers.flatMap((p) => [
        `${fmt(p.min)} / ${fmt(p.median)}`,
        `${ratio(r.ours.min, p.min)} / ${ratio(r.ours.median, p.median)}`,
      ]);
      return `| ${r.model} (${r.params.toLocaleString('en-US')} params) | ${r.fisher} | ${ITEM_LABEL[r.item]} | ${fmt(r.ours.min)} / ${fmt(r.ours.median)} | ${cells.join(' | ')} |`;
    }),
    '',
    `Line search: the accepted step index (0 = full step) was ${rows
      .filter((r) => r.accepted)
      .map(
        (r) =>
          `${r.model} ${r.fisher}: ${Object.entries(r.accepted)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
      )
      .join('; ')}.`,
    '',
    'Target: update ≤ 1.0× the peer on the same number of threads (ours is single-threaded: compare with the 1-thread column).',
    '<!-- bench:update:end -->',
  ];
  const file = path.join(root, 'BENCHMARKS.md');
  const section = lines.join('\n');
  let text = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : '# Benchmarks\n\nWritten by `pnpm bench`.\n';
  const re = /<!-- bench:update:start -->[\s\S]*?<!-- bench:update:end -->/;
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
