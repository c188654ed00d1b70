/**
 * Sweeps beyond one machine, end to end through the built CLI (docs/cluster.md):
 *
 * - a Redis trial queue (BullMQ): `arena sweep --queue` queues the trials, two `arena worker`
 *   processes run them, one is SIGKILLed mid-trial; the other takes the stalled job over, resumes
 *   the trial from its checkpoint, and every trial's records equal a local `arena sweep`'s. A real
 *   redis-server (Debian's package; `.ci/run` installs it) is started on a free loopback port and
 *   stopped by the test; where it is not installed, outside CI, those tests are skipped with the
 *   reason;
 * - shards in separate directories (run by docs/cluster/slurm-array.sh, as Slurm array tasks would
 *   run it), `arena merge`d, give the records of one unsharded sweep, and directories of different
 *   sweeps or with conflicting copies of a trial are refused.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'packages/runner/dist/cli.js');
const slurmScript = path.join(root, 'docs/cluster/slurm-array.sh');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-cluster-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeAll(() => {
  expect(fs.existsSync(cli), 'build first: pnpm tsc -b').toBe(true);
});

function arena(...args: string[]) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - started) / 1000 };
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts the CLI without waiting for it; its stderr is collected. */
function arenaAsync(...args: string[]): Running {
  const child = spawn(process.execPath, [cli, ...args], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => stderr };
}

function writeJson(file: string, value: unknown): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/** trial id → metrics.jsonl with the timing fields blanked (the only ones that differ between runs). */
function results(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of fs.readdirSync(path.join(dir, 'trials')).sort()) {
    const text = fs.readFileSync(path.join(dir, 'trials', id, 'metrics.jsonl'), 'utf8');
    out[id] = text.replace(/"(seconds|cpuSeconds)":[^,}]+/g, '"$1":0');
  }
  return out;
}

/** trial id → the names of its files (records, checkpoint, trial.json, saved policies; not its lock). */
function files(dir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const id of fs.readdirSync(path.join(dir, 'trials')).sort()) {
    out[id] = fs
      .readdirSync(path.join(dir, 'trials', id))
      .filter((f) => !f.startsWith('.'))
      .sort();
  }
  return out;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

interface TrialJson {
  status: string;
  starts: number[];
  runner?: { pid: number; host: string };
}

async function until(what: string, test: () => boolean, ms: number, every = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting until ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const redisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
const inCi = Boolean(process.env['CI']);
if (!redisServer && !inCi) {
  console.warn(
    'test/cluster.test.ts: redis-server is not installed, so the trial-queue tests are skipped (apt-get install -y redis-server; .ci/run installs it)',
  );
}

describe.skipIf(!redisServer && !inCi)('a trial queue on Redis (BullMQ)', () => {
  let redis: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    // In CI a missing server is a failure, not a skip: .ci/run installs it.
    expect(redisServer, 'redis-server is not installed (apt-get install -y redis-server)').not.toBe('');
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(tmp, 'redis-'));
    redis = spawn(
      redisServer,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    redis.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    redis.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await until(
      'redis-server is ready',
      () => /Ready to accept connections/.test(log) || redis!.exitCode !== null,
      30_000,
    );
    expect(redis.exitCode, log).toBeNull();
    url = `redis://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    if (!redis || redis.exitCode !== null) return;
    const exited = new Promise((resolve) => redis!.on('exit', resolve));
    redis.kill('SIGTERM');
    await exited;
  });

  it('runs a sweep on two workers, one SIGKILLed mid-trial, to the records of a local sweep', async () => {
    const iterations = 40;
    const config = writeJson(path.join(tmp, 'queued.json'), {
      name: 'queued',
      preset: 'smoke',
      algorithms: [{ name: 'trpo-single-path' }, { name: 'natural-gradient' }],
      tasks: ['cartpole-v1'],
      seeds: [1, 2],
      budget: { iterations, stepsPerIteration: 4000 },
    });
    const local = path.join(tmp, 'local');
    const alone = arena('sweep', config, '--out', local, '--workers', '2', '--quiet');
    expect(alone.code, alone.stderr).toBe(0);

    const queue = `${url}?queue=kill`;
    const dir = path.join(tmp, 'queued');
    // Queued once; submitting again queues nothing twice.
    const first = arena('sweep', config, '--out', dir, '--queue', queue, '--no-wait');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      /^queued 4 trials on queue "kill" .*\(0 already queued, 0 of 4 already done\)/m,
    );
    const again = arena('sweep', config, '--out', dir, '--queue', queue, '--no-wait');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^queued 0 trials .*\(4 already queued/m);
    expect(arena('status', queue).stdout).toMatch(
      /4 waiting, 0 running, 0 done, 0 failed; 0 workers connected/,
    );

    // The submitting side follows the jobs until they are done.
    const follower = arenaAsync('sweep', config, '--out', dir, '--queue', queue, '--progress-interval', '0');
    // One trial at a time each; a job whose worker stops renewing its lock is taken back after 5 s.
    const worker = () =>
      arenaAsync(
        'worker',
        '--queue',
        queue,
        '--workers',
        '1',
        '--sampler-workers',
        '0',
        '--stall-timeout',
        '5',
        '--until-empty',
      );
    const started = Date.now();
    const a = worker();
    const b = worker();

    // Kill worker a once a trial it runs has a checkpoint, with iterations still to go.
    let killed = '';
    await until(
      'worker a has checkpointed a trial it is running',
      () => {
        for (const id of fs.existsSync(path.join(dir, 'trials'))
          ? fs.readdirSync(path.join(dir, 'trials'))
          : []) {
          const state = readJson<TrialJson>(path.join(dir, 'trials', id, 'trial.json'));
          const checkpoint = readJson<{ iteration: number }>(path.join(dir, 'trials', id, 'checkpoint.json'));
          if (
            state?.status === 'running' &&
            state.runner?.pid === a.child.pid &&
            checkpoint &&
            checkpoint.iteration >= 2 &&
            checkpoint.iteration <= iterations - 10
          ) {
            killed = id;
            return true;
          }
        }
        return false;
      },
      180_000,
      20,
    );
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');

    const [bDone, followed] = await Promise.all([b.exited, follower.exited]);
    const seconds = (Date.now() - started) / 1000;
    expect(bDone.code, b.output()).toBe(0);
    expect(followed.code, follower.output()).toBe(0);
    console.info(
      `queue run with one worker killed: ${seconds.toFixed(1)} s (local sweep: ${alone.seconds.toFixed(1)} s)`,
    );

    // The records equal the local sweep's; the killed trial resumed from its checkpoint, on b.
    expect(results(dir)).toEqual(results(local));
    expect(files(dir)).toEqual(files(local));
    const state = readJson<TrialJson>(path.join(dir, 'trials', killed, 'trial.json'))!;
    expect(state.status).toBe('done');
    expect(state.starts).toHaveLength(2);
    expect(state.starts[0]).toBe(0);
    expect(state.starts[1]).toBeGreaterThan(0);
    expect(state.runner?.pid).toBe(b.child.pid);
    expect(b.output()).toMatch(
      new RegExp(`start  ${killed} \\(resuming at iteration ${state.starts[1]! + 1} of ${iterations}\\)`),
    );
    expect(follower.output()).toMatch(new RegExp(`stall  ${killed}: its worker stopped`));
    expect(follower.output()).toMatch(/^sweep done: 4 trials \(0 already done, 4 run by queue workers\)/m);
    expect(b.output()).toMatch(/^idle {3}the queue .* is empty; exiting/m);

    // Visible from the submitting side: the queue's counts, and the directory trial by trial.
    expect(arena('status', queue).stdout).toMatch(/0 waiting, 0 running, 4 done, 0 failed/);
    const status = JSON.parse(arena('status', dir, '--json').stdout) as {
      counts: Record<string, number>;
      trials: { id: string; status: string; iterationsDone: number }[];
    };
    expect(status.counts).toMatchObject({ done: 4, running: 0, failed: 0, waiting: 0 });
    expect(status.trials.every((t) => t.iterationsDone === iterations)).toBe(true);
    const manifest = readJson<{ trials: { status: string }[] }>(path.join(dir, 'manifest.json'))!;
    expect(manifest.trials.every((t) => t.status === 'done')).toBe(true);
    // Submitting a finished sweep again queues nothing.
    const done = arena('sweep', config, '--out', dir, '--queue', queue, '--no-wait');
    expect(done.stderr).toMatch(/^queued 0 trials .*\(0 already queued, 4 of 4 already done\)/m);
  });

  it('shows a failed trial with its reason on both sides, and exits 1', async () => {
    const plugin = path.join(tmp, 'plugins', 'broken');
    writeJson(path.join(plugin, 'package.json'), {
      name: 'broken',
      version: '1.0.0',
      type: 'module',
      main: 'index.js',
    });
    fs.writeFileSync(
      path.join(plugin, 'index.js'),
      `export default {
  name: 'broken',
  description: 'fails in its second iteration',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    let n = 0;
    return {
      async iterate(ctx) {
        await ctx.sampleTrajectories(ctx.stepsPerIteration);
        if (++n === 2) throw new Error('the broken plugin broke');
      },
      state: () => ({}),
      load: () => {},
    };
  },
};
`,
    );
    const config = writeJson(path.join(tmp, 'broken.json'), {
      preset: 'smoke',
      plugins: [plugin],
      algorithms: [{ name: 'broken' }],
      tasks: ['cartpole-v1'],
      seeds: [1],
      budget: { iterations: 3, stepsPerIteration: 300 },
    });
    const queue = `${url}?queue=broken`;
    const dir = path.join(tmp, 'broken');
    const follower = arenaAsync('sweep', config, '--out', dir, '--queue', queue, '--progress-interval', '0');
    await until('the job is queued', () => fs.existsSync(path.join(dir, 'manifest.json')), 60_000);
    const worker = arena('worker', '--queue', queue, '--workers', '1', '--until-empty');
    expect(worker.code, worker.stderr).toBe(0);
    expect(worker.stderr).toMatch(/FAILED broken__cartpole-v1__seed1: .*the broken plugin broke/);
    const followed = await follower.exited;
    expect(followed.code).toBe(1);
    expect(follower.output()).toMatch(/^ {2}FAILED broken__cartpole-v1__seed1: .*the broken plugin broke/m);
    const status = arena('status', queue);
    expect(status.stdout).toMatch(/0 waiting, 0 running, 0 done, 1 failed/);
    expect(status.stdout).toMatch(/^ {2}broken__cartpole-v1__seed1: .*the broken plugin broke/m);
    expect(arena('status', dir).stdout).toMatch(
      /^ {2}failed +1\/3 .*broken__cartpole-v1__seed1 .*the broken plugin broke/m,
    );
  });

  it('says in one line, within seconds, that a queue cannot be reached, and writes nothing', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const config = writeJson(path.join(tmp, 'unreachable.json'), {
      preset: 'smoke',
      algorithms: [{ name: 'cem' }],
      tasks: ['cartpole-v1'],
      seeds: [1],
    });
    const out = path.join(tmp, 'unreachable');
    for (const args of [
      ['sweep', config, '--out', out, '--queue', closed],
      ['worker', '--queue', closed],
      ['status', closed],
    ]) {
      const r = arena(...args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^arena: cannot use the queue at ${closed}: .*ECONNREFUSED.*\\n$`));
      expect(r.seconds).toBeLessThan(30); // a 5 s connect timeout, plus start-up on a loaded machine
    }
    expect(fs.existsSync(out)).toBe(false);
    const bad = arena('sweep', config, '--out', out, '--queue', 'redis://127.0.0.1:6379/zero');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^arena: --queue: the path "\/zero" is not a database number in "redis:\/\/127\.0\.0\.1:6379\/zero"/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('shards in their own directories, merged', () => {
  const config = (name: string, iterations: number) =>
    writeJson(path.join(tmp, `${name}.json`), {
      name: 'merge',
      preset: 'smoke',
      algorithms: [{ name: 'trpo-single-path' }, { name: 'cem' }],
      tasks: ['cartpole-v1'],
      seeds: [1, 2],
      budget: { iterations, stepsPerIteration: 500 },
    });

  it('give the records of one unsharded sweep, and arena report reads the result', () => {
    const file = config('merge', 5);
    const one = path.join(tmp, 'merge-one');
    expect(arena('sweep', file, '--out', one, '--workers', '2', '--quiet').code).toBe(0);
    // The shards as docs/cluster/slurm-array.sh runs them, array tasks 0 and 1 of 2.
    for (const task of [0, 1]) {
      const r = spawnSync('bash', [slurmScript], {
        cwd: tmp,
        encoding: 'utf8',
        timeout: 300_000,
        env: {
          ...process.env,
          SLURM_ARRAY_TASK_ID: String(task),
          SLURM_ARRAY_TASK_COUNT: '2',
          SLURM_CPUS_PER_TASK: '2',
          SLURM_SUBMIT_DIR: tmp,
          SAMPLERS: '1',
          CONFIG: file,
          RUNS: tmp,
          ARENA: `${process.execPath} ${cli}`,
        },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^shard ${task + 1}/2 of .* -> ${tmp}/shard-${task + 1} on `, 'm'));
    }
    expect(Object.keys(results(path.join(tmp, 'shard-1')))).toHaveLength(2);

    const merged = path.join(tmp, 'merged');
    const r = arena('merge', merged, path.join(tmp, 'shard-1'), path.join(tmp, 'shard-2'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^merged 2 directories into .*: 4 trials, 4 done \(4 copied\)/m);
    expect(results(merged)).toEqual(results(one));
    expect(files(merged)).toEqual(files(one));
    const manifest = readJson<{ trials: { status: string; iterationsDone: number }[] }>(
      path.join(merged, 'manifest.json'),
    )!;
    expect(manifest.trials.map((t) => [t.status, t.iterationsDone])).toEqual(Array(4).fill(['done', 5]));
    // A merged directory is a sweep directory: the sweep finds nothing to run, the report reads it.
    expect(arena('sweep', file, '--out', merged, '--progress-interval', '0').stderr).toMatch(
      /4 trials \(4 already done, 0 run\)/,
    );
    const report = arena('report', merged);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^report: 4\/4 trials finished/);
  });

  it('refuse directories of another config, and two copies of a trial that differ, writing nothing', () => {
    const other = path.join(tmp, 'shard-2-other');
    expect(arena('sweep', config('merge-other', 6), '--shard', '2/2', '--out', other, '--quiet').code).toBe(
      0,
    );
    const out = path.join(tmp, 'refused');
    const r = arena('merge', out, path.join(tmp, 'shard-2'), other);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^arena: cannot merge: trial \S+__cartpole-v1__seed\d has another spec in .*shard-2-other than in .*shard-2 \(fingerprint \w+ vs \w+; iterations differ\)\n$/,
    );
    expect(fs.existsSync(out)).toBe(false);

    const copy = path.join(tmp, 'shard-2-edited');
    fs.cpSync(path.join(tmp, 'shard-2'), copy, { recursive: true });
    const id = Object.keys(results(copy))[0]!;
    const metrics = path.join(copy, 'trials', id, 'metrics.jsonl');
    const lines = fs.readFileSync(metrics, 'utf8').split('\n');
    lines[2] = JSON.stringify({ ...JSON.parse(lines[2]!), meanReturn: -1 });
    fs.writeFileSync(metrics, lines.join('\n'));
    const conflict = arena('merge', out, path.join(tmp, 'shard-2'), copy);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(
      new RegExp(
        `^arena: cannot merge: trial ${id} differs between .*shard-2 and .*shard-2-edited at iteration 3 \\(meanReturn: \\S+ vs -1\\)\\n$`,
      ),
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});
