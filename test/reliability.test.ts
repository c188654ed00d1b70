/**
 * Results nothing can silently corrupt, end to end through the built CLI. Each case reproduces a
 * way results were corrupted or a sweep misbehaved before, with real processes and real files:
 *
 * - two sweep processes on one directory share the trials and never run one twice; a lock whose
 *   sweep died is taken over, a live one is waited for;
 * - temporary files a killed writer left are removed;
 * - plugin extras cannot overwrite the runner's metrics, and what `iterate()` returns is checked;
 * - a trial's fingerprint covers its plugin's package version and schema: no half-v1, half-v2 trial;
 * - an iteration that never settles (awaiting forever, or spinning) is stopped after
 *   `iterationTimeout`, the trial failing with the reason, the rest of the sweep going on;
 * - iterations that complete no episode are recorded without a made-up score;
 * - a checkpoint or trial.json with wrong types is refused, naming the file and the field.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'packages/runner/dist/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-reliability-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  expect(fs.existsSync(cli), 'build first: pnpm tsc -b').toBe(true);
});

function arena(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI without blocking the test's event loop (for processes that run side by side). */
function arenaAsync(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

function writeJson(file: string, value: unknown): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/**
 * A plugin package in its own directory: `iterateBody` is the body of `async iterate(ctx)` (with
 * `policy` and `config` in scope). Returns the directory, usable as a `plugins` entry.
 */
function pluginPackage(
  name: string,
  iterateBody: string,
  options: { version?: string; schema?: object } = {},
): string {
  const dir = path.join(tmp, 'plugins', name);
  fs.mkdirSync(dir, { recursive: true });
  writeJson(path.join(dir, 'package.json'), {
    name,
    version: options.version ?? '1.0.0',
    type: 'module',
    main: 'index.js',
  });
  const schema = options.schema ?? {
    type: 'object',
    additionalProperties: false,
    properties: { scale: { type: 'number', default: 0.1, description: 'step scale' } },
  };
  fs.writeFileSync(
    path.join(dir, 'index.js'),
    `export default {
  name: ${JSON.stringify(name)},
  description: 'a test plugin',
  configSchema: ${JSON.stringify(schema)},
  create(config, { policy }) {
    return {
      async iterate(ctx) {
${iterateBody}
      },
      state: () => ({}),
      load: () => {},
    };
  },
};
`,
  );
  return dir;
}

const randomWalk = `
        await ctx.sampleTrajectories(ctx.stepsPerIteration);
        policy.setParams(policy.getParams().map((p) => p + 0.1 * ctx.rng.normal()));`;

function trialFile(out: string, id: string, file: string): string {
  return path.join(out, 'trials', id, file);
}

function state(out: string, id: string) {
  return JSON.parse(fs.readFileSync(trialFile(out, id, 'trial.json'), 'utf8')) as {
    status: string;
    starts: number[];
    error?: string;
    failure?: { type: string; message: string; stack?: string; iteration?: number };
  };
}

function metricsLines(out: string, id: string): string[] {
  return fs
    .readFileSync(trialFile(out, id, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n');
}

/** trial id → metrics.jsonl with its timing fields blanked. */
function results(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of fs.readdirSync(path.join(dir, 'trials')).sort()) {
    const text = fs.readFileSync(trialFile(dir, id, 'metrics.jsonl'), 'utf8');
    out[id] = text.replace(/"(seconds|cpuSeconds)":[^,}]+/g, '"$1":0');
  }
  return out;
}

describe('two sweeps on one output directory', () => {
  const config = () =>
    writeJson(path.join(tmp, 'shared.json'), {
      preset: 'smoke',
      algorithms: [{ name: 'trpo-single-path' }, { name: 'cem' }, { name: 'cma' }],
      tasks: ['cartpole-v1'],
      seeds: [1, 2],
      budget: { iterations: 25, stepsPerIteration: 800 },
    });

  it('share out the trials, run each exactly once, and agree with one sweep alone', async () => {
    const file = config();
    const alone = path.join(tmp, 'alone');
    expect(arena('sweep', file, '--out', alone, '--workers', '2', '--quiet').code).toBe(0);

    const shared = path.join(tmp, 'shared');
    const [a, b] = await Promise.all([
      arenaAsync('sweep', file, '--out', shared, '--workers', '1', '--progress-interval', '0'),
      arenaAsync('sweep', file, '--out', shared, '--workers', '1', '--progress-interval', '0'),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ids = fs.readdirSync(path.join(shared, 'trials')).sort();
    expect(ids).toHaveLength(6);
    for (const id of ids) {
      const lines = metricsLines(shared, id);
      expect(lines.map((l) => (JSON.parse(l) as { iteration: number }).iteration)).toEqual(
        Array.from({ length: 25 }, (_, i) => i),
      );
      const s = state(shared, id);
      expect(s.status).toBe('done');
      expect(s.starts).toEqual([0]); // started once, by one of the two
    }
    expect(results(shared)).toEqual(results(alone));
    // Each process ran some trials itself and reports the others as run elsewhere, or ran all.
    const ran = [a, b].map((r) => Number(/(\d+) run[,)]/.exec(r.stderr)?.[1]));
    expect(ran[0]! + ran[1]!).toBe(6);
    const manifest = JSON.parse(fs.readFileSync(path.join(shared, 'manifest.json'), 'utf8')) as {
      trials: { status: string; iterationsDone: number }[];
    };
    expect(manifest.trials.every((t) => t.status === 'done' && t.iterationsDone === 25)).toBe(true);
    // No lock or temporary file is left behind.
    const leftovers = fs
      .readdirSync(shared, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('wait for a trial whose lock is alive and take over one whose sweep died', async () => {
    const file = writeJson(path.join(tmp, 'locks.json'), {
      preset: 'smoke',
      algorithms: [{ name: 'trpo-single-path' }],
      tasks: ['cartpole-v1'],
      seeds: [1, 2],
      budget: { iterations: 3, stepsPerIteration: 300 },
    });
    const out = path.join(tmp, 'locks');
    // A sweep directory whose two trials are held: seed1 by a sweep that stopped refreshing its lock
    // a minute ago (killed), seed2 by a live one.
    expect(arena('sweep', file, '--out', out, '--quiet').code).toBe(0);
    fs.rmSync(path.join(out, 'trials'), { recursive: true });
    const dead = trialFile(out, 'trpo-single-path__cartpole-v1__seed1', '.lock');
    const alive = trialFile(out, 'trpo-single-path__cartpole-v1__seed2', '.lock');
    fs.mkdirSync(dead, { recursive: true });
    fs.mkdirSync(alive, { recursive: true });
    const minuteAgo = new Date(Date.now() - 60_000);
    fs.utimesSync(dead, minuteAgo, minuteAgo);
    const heartbeat = setInterval(() => fs.utimesSync(alive, new Date(), new Date()), 500);
    const run = arenaAsync('sweep', file, '--out', out, '--workers', '1', '--progress-interval', '0');
    // The dead lock's trial finishes while the live one is still held.
    const deadline = Date.now() + 120_000;
    const seed1Done = () => {
      try {
        return state(out, 'trpo-single-path__cartpole-v1__seed1').status === 'done';
      } catch {
        return false;
      }
    };
    while (!seed1Done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(seed1Done()).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(fs.existsSync(trialFile(out, 'trpo-single-path__cartpole-v1__seed2', 'metrics.jsonl'))).toBe(
      false,
    );
    clearInterval(heartbeat);
    fs.rmdirSync(alive); // the other sweep finished its work and released the lock
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wait {3}trpo-single-path__cartpole-v1__seed2: being run by another sweep/);
    expect(state(out, 'trpo-single-path__cartpole-v1__seed2').status).toBe('done');
    expect(metricsLines(out, 'trpo-single-path__cartpole-v1__seed2')).toHaveLength(3);
  });

  it('remove the temporary files a killed writer left', () => {
    const file = writeJson(path.join(tmp, 'temps.json'), {
      preset: 'smoke',
      algorithms: [{ name: 'trpo-single-path' }],
      tasks: ['cartpole-v1'],
      seeds: [1],
      budget: { iterations: 2, stepsPerIteration: 300 },
    });
    const out = path.join(tmp, 'temps');
    expect(arena('sweep', file, '--out', out, '--quiet').code).toBe(0);
    const strays = [
      path.join(out, '.manifest.json.4242.0badf00d.tmp'),
      trialFile(out, 'trpo-single-path__cartpole-v1__seed1', '.checkpoint.json.4242.deadbeef.tmp'),
    ];
    for (const f of strays) fs.writeFileSync(f, '{"half":');
    // The trial is finished and not run again, but the sweep takes its lock briefly and cleans up.
    expect(arena('sweep', file, '--out', out, '--quiet').code).toBe(0);
    for (const f of strays) expect(fs.existsSync(f), f).toBe(false);
  });
});

describe('what a plugin reports', () => {
  const sweep = (name: string, plugin: string, extra: object = {}) =>
    writeJson(path.join(tmp, `${name}.json`), {
      preset: 'smoke',
      plugins: [plugin],
      algorithms: [{ name: path.basename(plugin) }],
      tasks: ['cartpole-v1'],
      seeds: [1],
      budget: { iterations: 3, stepsPerIteration: 300 },
      ...extra,
    });

  it.each([
    [
      'perStepReward',
      `${randomWalk}\n        return { perStepReward: 10 };`,
      /"perStepReward" is a name the runner records itself/,
    ],
    [
      'iteration',
      `${randomWalk}\n        return { iteration: 99, envSteps: 1 };`,
      /"iteration" is a name the runner records itself/,
    ],
    ['a Float64Array', `${randomWalk}\n        return new Float64Array(6);`, /got a Float64Array/],
    ['NaN', `${randomWalk}\n        return { gain: NaN };`, /"gain" is NaN/],
    ['a string', `${randomWalk}\n        return { gain: 'high' };`, /"gain" is string "high"/],
  ])('a returned %s fails the trial with the reason, and the report shows it', (what, body, message) => {
    const name = `extras-${what.replace(/\W+/g, '-').toLowerCase()}`;
    const plugin = pluginPackage(name, body);
    const out = path.join(tmp, name);
    const r = arena('sweep', sweep(name, plugin), '--out', out, '--progress-interval', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(
      /FAILED .*PluginContractError: .*\(iteration 1\) at checkedExtras \(.*trial\.js:\d+:\d+\)/,
    );
    const s = state(out, `${name}__cartpole-v1__seed1`);
    expect(s.status).toBe('failed');
    expect(s.failure?.type).toBe('PluginContractError');
    expect(s.failure?.message).toMatch(message);
    expect(s.failure?.iteration).toBe(0);
    expect(s.failure?.stack).toMatch(/checkedExtras/);
    // No record of the bad iteration was kept, so nothing can rank the plugin by it.
    expect(fs.readFileSync(trialFile(out, `${name}__cartpole-v1__seed1`, 'metrics.jsonl'), 'utf8')).toBe('');
    const report = arena('report', out);
    expect(report.code, report.stderr).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'report', 'summary.json'), 'utf8')) as {
      failures: { id: string; type: string; message: string; iteration: number }[];
      final: unknown[];
    };
    expect(summary.final).toEqual([]);
    expect(summary.failures).toEqual([
      expect.objectContaining({
        id: `${name}__cartpole-v1__seed1`,
        type: 'PluginContractError',
        iteration: 0,
      }),
    ]);
    expect(fs.readFileSync(path.join(out, 'report', 'index.html'), 'utf8')).toContain('PluginContractError');
  });

  it('an error thrown in iterate fails the trial with its iteration and, on the console, where it was thrown', () => {
    const name = 'throws-late';
    const body = `${randomWalk}
        if (ctx.iteration === 1) throw new RangeError('a late failure');`;
    const out = path.join(tmp, name);
    const r = arena(
      'sweep',
      sweep(name, pluginPackage(name, body)),
      '--out',
      out,
      '--progress-interval',
      '0',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /FAILED throws-late__cartpole-v1__seed1: RangeError: a late failure \(iteration 2\) at .*plugins\/throws-late\/index\.js:\d+:\d+/,
    );
    const s = state(out, `${name}__cartpole-v1__seed1`);
    expect(s.failure).toMatchObject({ type: 'RangeError', message: 'a late failure', iteration: 1 });
    expect(s.failure?.stack).toMatch(/throws-late\/index\.js/);
  });

  it('iterations that complete no episode are recorded without a score, with or without --quiet', () => {
    // Steps an env itself and ends no episode (a plugin doing its own partial rollouts).
    const body = `
        const env = await ctx.makeEnv();
        env.reset(1);
        const action = new Float64Array(ctx.envSpec.actionSpace.shape[0]);
        for (let t = 0; t < 5; t++) env.step(action);
        env.close?.();
        ctx.recordSteps(5);`;
    const plugin = pluginPackage('no-episodes', body);
    for (const quiet of [true, false]) {
      const out = path.join(tmp, `no-episodes-${quiet}`);
      const r = arena(
        'sweep',
        sweep('no-episodes', plugin),
        '--out',
        out,
        ...(quiet ? ['--quiet'] : ['--progress-interval', '0']),
      );
      expect(r.code, r.stderr).toBe(0);
      if (!quiet) expect(r.stderr).toMatch(/score\/step – \(no episode ended\)/);
      const id = 'no-episodes__cartpole-v1__seed1';
      expect(state(out, id).status).toBe('done');
      const records = metricsLines(out, id).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records).toHaveLength(3);
      for (const [i, rec] of records.entries()) {
        expect(rec).toMatchObject({ iteration: i, episodes: 0, envSteps: 5 * (i + 1) });
        expect(rec).not.toHaveProperty('perStepReward');
        expect(rec).not.toHaveProperty('meanReturn');
      }
      expect(arena('report', out).code).toBe(0);
      const summary = JSON.parse(fs.readFileSync(path.join(out, 'report', 'summary.json'), 'utf8')) as {
        final: unknown[];
        curves: unknown[];
        trials: { done: number };
      };
      expect(summary.trials.done).toBe(1);
      expect(summary.final).toEqual([]); // no score, rather than a score of 0
      expect(summary.curves).toEqual([]);
    }
  });
});

describe('resuming with other code', () => {
  /** A plugin that sleeps in every iteration, so a sweep can be killed between checkpoints. */
  const slowBody = `${randomWalk}\n        await new Promise((r) => setTimeout(r, 150));`;

  async function killMidTrial(file: string, out: string): Promise<void> {
    const child = spawn(process.execPath, [cli, 'sweep', file, '--out', out, '--quiet'], {
      cwd: tmp,
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.on('exit', r));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const dir = path.join(out, 'trials');
      const iteration = fs.existsSync(dir)
        ? Math.max(
            0,
            ...fs.readdirSync(dir).map((id) => {
              try {
                return (
                  JSON.parse(fs.readFileSync(path.join(dir, id, 'checkpoint.json'), 'utf8')) as {
                    iteration: number;
                  }
                ).iteration;
              } catch {
                return 0;
              }
            }),
          )
        : 0;
      if (iteration >= 2 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
  }

  function snapshot(out: string): Record<string, string> {
    const files: Record<string, string> = {};
    for (const f of fs.readdirSync(out, { recursive: true }).map(String)) {
      const full = path.join(out, f);
      if (fs.statSync(full).isFile()) files[f] = fs.readFileSync(full, 'utf8');
    }
    return files;
  }

  it.each([
    [
      'a new plugin version',
      { version: '1.0.1' },
      /it ran upgrade-version@1\.0\.0, this sweep has upgrade-version@1\.0\.1/,
    ],
    [
      'a changed config schema under the same version',
      {
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: { scale: { type: 'number', default: 0.2, description: 'step scale' } },
        },
      },
      /plugin changed/,
    ],
  ])('refuses to continue a trial after %s, changing nothing', async (_what, change, message) => {
    const name = change.version ? 'upgrade-version' : 'upgrade-schema';
    const plugin = pluginPackage(name, slowBody);
    const file = writeJson(path.join(tmp, `${name}.json`), {
      preset: 'smoke',
      plugins: [plugin],
      algorithms: [{ name }],
      tasks: ['cartpole-v1'],
      seeds: [1],
      budget: { iterations: 40, stepsPerIteration: 300 },
    });
    const out = path.join(tmp, name);
    await killMidTrial(file, out);
    const before = snapshot(out);
    expect(Object.keys(before).some((f) => f.endsWith('checkpoint.json'))).toBe(true);
    pluginPackage(name, slowBody, change);
    const r = arena('sweep', file, '--out', out, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('iterationTimeout', () => {
  it.each([
    ['awaits forever', `await new Promise(() => {});`],
    ['spins forever', `for (;;) {}`],
  ])('stops a trial whose iteration %s, fails it with the reason, and finishes the rest', (what, body) => {
    const name = `hang-${what.split(' ')[0]}`;
    const plugin = pluginPackage(name, `        if (ctx.iteration === 1) { ${body} }\n${randomWalk}`);
    const file = writeJson(path.join(tmp, `${name}.json`), {
      preset: 'smoke',
      plugins: [plugin],
      algorithms: [{ name }, { name: 'trpo-single-path' }],
      tasks: ['cartpole-v1'],
      seeds: [1],
      budget: { iterations: 3, stepsPerIteration: 300 },
      iterationTimeout: 5,
    });
    const out = path.join(tmp, name);
    const r = arena('sweep', file, '--out', out, '--workers', '1', '--progress-interval', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `FAILED ${name}__cartpole-v1__seed1: IterationTimeoutError: iteration 2 of 3 did not finish within 5 s`,
      ),
    );
    const s = state(out, `${name}__cartpole-v1__seed1`);
    expect(s.status).toBe('failed');
    expect(s.failure).toMatchObject({ type: 'IterationTimeoutError', iteration: 1 });
    expect(metricsLines(out, `${name}__cartpole-v1__seed1`)).toHaveLength(1);
    // The worker thread was replaced: the other trial ran to the end on it.
    expect(state(out, 'trpo-single-path__cartpole-v1__seed1').status).toBe('done');
    // --iteration-timeout overrides the config's.
    expect(arena('sweep', file, '--out', out, '--iteration-timeout', '0').stderr).toMatch(
      /--iteration-timeout must be a number of seconds in \(0, 604800\], got "0"/,
    );
  });
});

describe('corrupt trial files', () => {
  const file = () =>
    writeJson(path.join(tmp, 'corrupt.json'), {
      preset: 'smoke',
      algorithms: [{ name: 'trpo-single-path' }],
      tasks: ['cartpole-v1'],
      seeds: [1],
      budget: { iterations: 4, stepsPerIteration: 300 },
    });
  const id = 'trpo-single-path__cartpole-v1__seed1';

  it.each([
    ['checkpoint.json', 'iteration', 2.5, /iteration: expected an integer/],
    ['checkpoint.json', 'iteration', '5', /iteration: expected (an integer|a number)/],
    ['checkpoint.json', 'envSteps', 'x', /envSteps: expected (an integer|a number)/],
    ['checkpoint.json', 'params', [0.1, null, 0.3], /params\.1: expected a number/],
    ['trial.json', 'iterationsDone', -1, /iterationsDone: /],
    ['trial.json', 'status', 'finished', /status: expected one of/],
  ])(
    '%s with %s = %j is refused with one line naming it, and nothing changes',
    (name, field, value, message) => {
      const out = path.join(tmp, `corrupt-${name}-${field}-${JSON.stringify(value).replace(/\W+/g, '')}`);
      expect(arena('sweep', file(), '--out', out, '--quiet').code).toBe(0);
      // Make the trial unfinished with a checkpoint, then corrupt one field.
      const target = trialFile(out, id, name);
      const cp = JSON.parse(fs.readFileSync(trialFile(out, id, 'checkpoint.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      writeJson(trialFile(out, id, 'checkpoint.json'), { ...cp, iteration: 2 });
      const st = JSON.parse(fs.readFileSync(trialFile(out, id, 'trial.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      writeJson(trialFile(out, id, 'trial.json'), { ...st, status: 'running' });
      const data = JSON.parse(fs.readFileSync(target, 'utf8')) as Record<string, unknown>;
      writeJson(target, { ...data, [field]: value });
      const metrics = fs.readFileSync(trialFile(out, id, 'metrics.jsonl'), 'utf8');
      const r = arena('sweep', file(), '--out', out, '--quiet');
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(target);
      expect(lines[0]).toMatch(message);
      expect(lines[0]).toMatch(/delete/);
      expect(fs.readFileSync(trialFile(out, id, 'metrics.jsonl'), 'utf8')).toBe(metrics);
    },
  );

  it('a checkpoint that is not JSON is refused too', () => {
    const out = path.join(tmp, 'corrupt-json');
    expect(arena('sweep', file(), '--out', out, '--quiet').code).toBe(0);
    fs.writeFileSync(trialFile(out, id, 'checkpoint.json'), '{"version":1,"iter');
    const r = arena('sweep', file(), '--out', out, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checkpoint\.json is not valid JSON/);
  });
});

const canMount = process.platform === 'linux' && process.getuid?.() === 0;

// Mounting a small disk needs root on Linux; store.test.ts covers short writes with an injected fs.
describe.skipIf(!canMount)('a sweep on a disk that fills up (tmpfs)', () => {
  let mounted: string | undefined;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mounted]);
  });

  it('ends with one line per problem, no stack trace, and every JSON file whole', () => {
    mounted = fs.mkdtempSync(path.join(tmp, 'tmpfs-'));
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mounted], { encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
    fs.writeFileSync(path.join(mounted, 'filler'), Buffer.alloc(100 * 1024));
    const file = writeJson(path.join(tmp, 'full-disk.json'), {
      preset: 'smoke',
      algorithms: [{ name: 'trpo-single-path' }],
      tasks: ['cartpole-v1'],
      seeds: [1, 2, 3],
      budget: { iterations: 200, stepsPerIteration: 300 },
    });
    const out = path.join(mounted, 'sweep');
    const r = arena('sweep', file, '--out', out, '--progress-interval', '0');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no space left/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const json = fs
      .readdirSync(out, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'));
    expect(json).toContain('manifest.json');
    for (const f of json)
      expect(() => JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')), f).not.toThrow();
    expect(
      fs
        .readdirSync(out, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.tmp')),
    ).toEqual([]);
  });
});

describe('results recorded before fingerprints covered the plugin', () => {
  // results/figure4/cartpole was written by policy-arena 0.1.0, whose trial specs had no `plugin`.
  const committed = path.join(root, 'results/figure4/cartpole');
  const config = path.join(root, 'docs/sweeps/cartpole.jsonc');

  it('are adopted when the manifest records the current plugin package version', () => {
    const out = path.join(tmp, 'legacy-same');
    fs.cpSync(committed, out, { recursive: true });
    const r = arena('sweep', config, '--out', out, '--progress-interval', '0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/40 trials \(40 already done, 0 run\)/);
  });

  it('are refused when it records another version', () => {
    const out = path.join(tmp, 'legacy-other');
    fs.cpSync(committed, out, { recursive: true });
    const file = path.join(out, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { packages: Record<string, string> };
    manifest.packages['@policy-arena/algorithms'] = '0.0.1';
    fs.writeFileSync(file, JSON.stringify(manifest));
    const r = arena('sweep', config, '--out', out, '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds trial \S+ run with a different spec \(plugin changed\)/);
  });
});

describe('a simulation that diverges', () => {
  it('fails the trial with SimulationDivergedError and its details, not a score', () => {
    // Sets a velocity MuJoCo rejects (1e11, beyond its ±1e10 bound), as an unstable model would reach.
    const body = `
        await ctx.sampleTrajectories(ctx.stepsPerIteration);
        if (ctx.iteration === 1) {
          const env = await ctx.makeEnv();
          env.reset(1);
          const { qpos } = env.physicsState();
          const qvel = new Float64Array(env.nv);
          qvel[0] = 1e11;
          env.setState(qpos, qvel);
          env.step(new Float64Array(env.nu).fill(0.1));
        }`;
    const plugin = pluginPackage('diverge', body);
    const file = writeJson(path.join(tmp, 'diverge.json'), {
      preset: 'smoke',
      plugins: [plugin],
      algorithms: [{ name: 'diverge' }],
      tasks: ['hopper-v2'],
      seeds: [1],
      budget: { iterations: 3, stepsPerIteration: 200 },
    });
    const out = path.join(tmp, 'diverge');
    const r = arena('sweep', file, '--out', out, '--progress-interval', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /FAILED diverge__hopper-v2__seed1: SimulationDivergedError: .*hopper-v2.*\(iteration 2\)/,
    );
    const s = state(out, 'diverge__hopper-v2__seed1');
    expect(s.failure).toMatchObject({ type: 'SimulationDivergedError', iteration: 1 });
    expect(metricsLines(out, 'diverge__hopper-v2__seed1')).toHaveLength(1);
  });
});
