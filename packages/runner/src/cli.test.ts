/**
 * The `arena` CLI as a user runs it: the built dist/cli.js (`pnpm test` builds first).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function arena(...args: string[]) {
  return arenaIn(process.cwd(), ...args);
}

function arenaIn(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Whether the optional tfjs-node backend is installed here (the CLI then accepts --backend tensorflow). */
function tfjsNodeInstalled(): boolean {
  const require = createRequire(fileURLToPath(new URL('../../core/package.json', import.meta.url)));
  for (const pkg of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    try {
      require.resolve(pkg);
      return true;
    } catch {
      // not installed
    }
  }
  return false;
}

const base = ['run', '--algo', 'trpo-single-path', '--env', 'cartpole-v1'];

/** Where `arena run` keeps its trial's results: the results store's layout, as a sweep's. */
const trialFile = (out: string, seed: number | string, file: string) =>
  path.join(out, 'trials', `trpo-single-path__cartpole-v1__seed${seed}`, file);

/** metrics.jsonl with its timing fields blanked (the only ones that differ between runs). */
const untimed = (file: string) =>
  fs.readFileSync(file, 'utf8').replace(/"(seconds|cpuSeconds)":[^,}]+/g, '"$1":0');
/** A budget of seconds, so that input the CLI wrongly accepts fails the test quickly. */
const short = ['--iterations', '1', '--batch-size', '200'];

describe('arena run', () => {
  it('writes one JSONL line per iteration with the documented fields, and a progress line each', () => {
    const out = path.join(tmp, 'ok');
    const r = arena(...base, '--seed', '1', '--iterations', '3', '--batch-size', '500', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const lines = fs
      .readFileSync(trialFile(out, 1, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(3);
    const first = JSON.parse(lines[0]!);
    for (const field of [
      'iteration',
      'meanReturn',
      'perStepReward',
      'meanKl',
      'maxKl',
      'surrogateImprovement',
      'envSteps',
      'seconds',
    ]) {
      expect(typeof first[field], field).toBe('number');
    }
    expect(first.perStepReward).toBeCloseTo(first.meanReturn / 100, 12);
    expect(r.stderr.match(/iter \d\/3/g)).toHaveLength(3);
    // The result on stdout, the progress on stderr.
    expect(r.stdout).toMatch(
      /^done: final score\/step \d+\.\d\d \(return \d+\.\d\) → .*metrics\.jsonl\npolicy: deterministic score\/step \d+\.\d\d over 10 episodes \(seed 0\) → .*policy-final\.json\n$/,
    );
    expect(r.stderr).not.toMatch(/^done:/m);
    // The run's spec and status, where a sweep keeps them (run.json before 0.2).
    expect(JSON.parse(fs.readFileSync(trialFile(out, 1, 'trial.json'), 'utf8'))).toMatchObject({
      status: 'done',
      iterationsDone: 3,
      spec: {
        algorithm: 'trpo-single-path',
        task: 'cartpole-v1',
        seed: 1,
        iterations: 3,
        stepsPerIteration: 500,
        config: { stepSize: 0.01 },
      },
    });
    expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({
      trials: [{ id: 'trpo-single-path__cartpole-v1__seed1', status: 'done', iterationsDone: 3 }],
    });
  });

  it('writes a directory arena report reads', () => {
    const r = arena('report', path.join(tmp, 'ok'), '--bootstrap', '10');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^report: 1\/1 trials finished, 1 task\(s\), 1 algorithm variant\(s\)/);
    expect(fs.existsSync(path.join(tmp, 'ok', 'report', 'index.html'))).toBe(true);
  });

  it('runs the trial a sweep config with the same algorithm, task, seed and budget runs', () => {
    const config = path.join(tmp, 'same-as-run.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        algorithms: [{ name: 'trpo-single-path' }],
        tasks: ['cartpole-v1'],
        seeds: [1],
        budget: { iterations: 3, stepsPerIteration: 500 },
      }),
    );
    const out = path.join(tmp, 'same-as-run');
    const r = arena('sweep', config, '--out', out, '--workers', '1', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const spec = (dir: string) => JSON.parse(fs.readFileSync(trialFile(dir, 1, 'trial.json'), 'utf8'));
    expect(spec(out).fingerprint).toBe(spec(path.join(tmp, 'ok')).fingerprint);
    expect(untimed(trialFile(out, 1, 'metrics.jsonl'))).toBe(
      untimed(trialFile(path.join(tmp, 'ok'), 1, 'metrics.jsonl')),
    );
  });

  it('gives a byte-identical JSONL for the same seed (timing aside) and a different one for another seed', () => {
    const read = (name: string, seed: string) => {
      const out = path.join(tmp, name);
      expect(
        arena(...base, '--seed', seed, '--iterations', '4', '--batch-size', '800', '--out', out, '--quiet')
          .code,
      ).toBe(0);
      return untimed(trialFile(out, seed, 'metrics.jsonl'));
    };
    const a = read('a', '5');
    expect(read('b', '5')).toBe(a);
    expect(read('c', '6')).not.toBe(a);
  });

  const badInputs: [string, string[], RegExp][] = [
    [
      'unknown algorithm',
      ['run', '--algo', 'trpo', '--env', 'cartpole-v1'],
      /unknown algorithm "trpo"; valid: .*trpo-single-path/,
    ],
    [
      'unknown env',
      ['run', '--algo', 'trpo-single-path', '--env', 'cartpole'],
      /unknown env "cartpole"; valid: .*cartpole-v1/,
    ],
    [
      'an env id in another case (Gym spells it CartPole-v1)',
      ['run', '--algo', 'trpo-single-path', '--env', 'CartPole-v1'],
      /unknown env "CartPole-v1"; valid: .*\(did you mean "cartpole-v1"\?\)$/m,
    ],
    [
      "a misspelt option, keeping commander's suggestion",
      [...base, '--iteratons', '3'],
      /unknown option '--iteratons' \(Did you mean --iterations\?\)$/m,
    ],
    ['non-numeric seed', [...base, '--seed', 'abc'], /--seed must be an integer, got "abc"/],
    ['negative seed', [...base, '--seed', '-4'], /--seed must be ≥ 0, got -4/],
    ['negative iterations', [...base, '--iterations', '-1'], /--iterations must be ≥ 1, got -1/],
    ['non-numeric batch size', [...base, '--batch-size', 'lots'], /--batch-size must be an integer/],
    ['unknown preset', [...base, '--preset', 'huge'], /--preset.*Allowed choices are smoke, quick, paper/],
    [
      'unknown backend',
      [...base, '--backend', 'gpu'],
      /--backend.*Allowed choices are wasm, cpu, tensorflow/,
    ],
    ['unknown setting', [...base, '--set', 'delta=0.1'], /no setting "delta"; valid: stepSize/],
    [
      'bad setting value',
      [...base, '--set', 'stepSize=-1'],
      /setting "stepSize": expected a number > 0, got number -1/,
    ],
    [
      'bad choice value',
      [...base, '--set', 'baseline=mean'],
      /setting "baseline": expected one of: "none", "normalize", got "mean"/,
    ],
    ['unknown option', [...base, '--itertions', '3'], /unknown option '--itertions'/],
    [
      'a setting that overflows to Infinity',
      [...base, ...short, '--set', 'stepSize=1e400'],
      /setting "stepSize": expected a finite number, got Infinity/,
    ],
    [
      'a cem extraStd that overflows to Infinity',
      ['run', '--algo', 'cem', '--env', 'cartpole-v1', ...short, '--set', 'extraStd=1e400'],
      /cem setting "extraStd": expected a finite number, got Infinity/,
    ],
    [
      'a cem populationSize beyond 2^53',
      ['run', '--algo', 'cem', '--env', 'cartpole-v1', ...short, '--set', 'populationSize=9007199254740993'],
      /cem setting "populationSize": expected a safe integer \(at most 9007199254740991 in magnitude\), got 9007199254740992/,
    ],
    [
      'a setting under __proto__',
      [...base, ...short, '--set', '__proto__={"stepSize":5}'],
      /setting "__proto__": "__proto__" is not allowed as a key/,
    ],
    [
      'a thousand sampling threads',
      [...base, ...short, '--workers', '1000'],
      /--workers must be at most \d+ \(4 × the \d+ CPUs\), got 1000/,
    ],
    ...(tfjsNodeInstalled()
      ? []
      : ([
          [
            'the tensorflow backend without tfjs-node',
            [...base, ...short, '--backend', 'tensorflow'],
            /--backend tensorflow cannot load: .*npm install @tensorflow\/tfjs-node/,
          ],
        ] as [string, string[], RegExp][])),
  ];
  for (const [name, args, message] of badInputs) {
    it(`rejects ${name}: one line, exit code 2, nothing written`, () => {
      const out = path.join(tmp, `bad-${name.replace(/\W+/g, '-')}`);
      const r = arena(...args, '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
      expect(fs.existsSync(out)).toBe(false);
    });
  }

  it('rejects an unwritable --out (a path under a file) with exit code 2 and writes nothing', () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    const r = arena(...base, '--iterations', '1', '--out', path.join(file, 'sub'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out ".*sub" is not writable: .*a-file is not a directory/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('refuses to overwrite a run of another spec without --force, and starts over with it', () => {
    const out = path.join(tmp, 'twice');
    const metrics = trialFile(out, 1, 'metrics.jsonl');
    expect(arena(...base, '--iterations', '1', '--batch-size', '200', '--out', out, '--quiet').code).toBe(0);
    const before = fs.readFileSync(metrics, 'utf8');
    const r = arena(...base, '--iterations', '2', '--batch-size', '200', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a run.*\(iterations changed\).*--force/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.readFileSync(metrics, 'utf8')).toBe(before);

    const forced = arena(...base, '--iterations', '2', '--batch-size', '200', '--out', out, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr.match(/iter \d\/2/g)).toHaveLength(2); // from the first iteration
    expect(fs.readFileSync(metrics, 'utf8').trim().split('\n')).toHaveLength(2);
    const state = JSON.parse(fs.readFileSync(trialFile(out, 1, 'trial.json'), 'utf8'));
    expect(state).toMatchObject({ status: 'done', starts: [0], spec: { iterations: 2 } });
  });

  it('runs nothing when the same command finds its run complete, and prints the final score', () => {
    const out = path.join(tmp, 'twice');
    const before = fs.readFileSync(trialFile(out, 1, 'metrics.jsonl'), 'utf8');
    const r = arena(...base, '--iterations', '2', '--batch-size', '200', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/iter \d/);
    expect(r.stderr).toMatch(/already complete \(2 iterations\); pass --force/);
    expect(r.stdout).toMatch(/^done: final score\/step /);
    expect(fs.readFileSync(trialFile(out, 1, 'metrics.jsonl'), 'utf8')).toBe(before);
  });

  it('refuses a directory in the layout before results stores, naming it, and replaces it with --force', () => {
    const out = path.join(tmp, 'old-layout');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'metrics.jsonl'), '');
    fs.writeFileSync(path.join(out, 'run.json'), '{}');
    const r = arena(...base, ...short, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /holds a run in the layout before results stores \(metrics\.jsonl, run\.json\).*pass --force to replace it/,
    );
    expect(fs.readdirSync(out).sort()).toEqual(['metrics.jsonl', 'run.json']);
    const forced = arena(...base, ...short, '--out', out, '--force', '--quiet');
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'trials']);
  });

  it('resumes a run killed with SIGKILL to the results of an uninterrupted one', async () => {
    const args = [...base, '--seed', '2', '--iterations', '12', '--batch-size', '1500', '--workers', '0'];
    const straight = path.join(tmp, 'straight');
    expect(arena(...args, '--out', straight, '--quiet').code).toBe(0);

    const killed = path.join(tmp, 'killed');
    const child = spawn(process.execPath, [cli, ...args, '--out', killed, '--quiet'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_c, signal) => resolve(signal)),
    );
    // Kill at a checkpoint of iteration 3–8 of 12: mid-run, with iterations to spare.
    const midRun = () => {
      try {
        const { iteration } = JSON.parse(fs.readFileSync(trialFile(killed, 2, 'checkpoint.json'), 'utf8'));
        return iteration >= 3 && iteration <= 8;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 120_000;
    while (!midRun() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(
      fs
        .readFileSync(trialFile(killed, 2, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
    ).toBeLessThan(12);

    // The killed run's lock goes stale after 10 s; the same command then takes the trial over.
    const resumed = arena(...args, '--out', killed);
    expect(resumed.code, resumed.stderr).toBe(0);
    const from = Number(/resuming at iteration (\d+) of 12/.exec(resumed.stderr)?.[1]);
    expect(from).toBeGreaterThanOrEqual(4);
    expect(from).toBeLessThanOrEqual(12);
    expect(resumed.stderr.match(/iter +\d+\/12/g)).toHaveLength(12 - from + 1);
    expect(untimed(trialFile(killed, 2, 'metrics.jsonl'))).toBe(
      untimed(trialFile(straight, 2, 'metrics.jsonl')),
    );
    const state = JSON.parse(fs.readFileSync(trialFile(killed, 2, 'trial.json'), 'utf8'));
    expect(state).toMatchObject({ status: 'done', iterationsDone: 12, starts: [0, from - 1] });
  });
});

describe('--out paths the file system refuses', () => {
  const cases: [string, () => string, RegExp][] = [
    [
      'a name longer than the file system allows',
      () => path.join(tmp, 'x'.repeat(300)),
      /--out ".*" is not usable: the name "x{20}…" is 300 bytes long; the file system allows 255/,
    ],
    [
      'a name too long below a directory that does not exist yet',
      () => path.join(tmp, 'new-parent', 'y'.repeat(300)),
      /--out ".*" is not usable: the name "y{20}…" is 300 bytes long; the file system allows 255/,
    ],
    [
      'a symbolic link loop',
      () => {
        fs.symlinkSync(path.join(tmp, 'loop-b'), path.join(tmp, 'loop-a'));
        fs.symlinkSync(path.join(tmp, 'loop-a'), path.join(tmp, 'loop-b'));
        return path.join(tmp, 'loop-a');
      },
      /--out ".*loop-a" is not usable: it goes through a symbolic link loop/,
    ],
    [
      'a path under a symbolic link loop',
      () => path.join(tmp, 'loop-a', 'sub'),
      /--out ".*loop-a.sub" is not usable: it goes through a symbolic link loop/,
    ],
    [
      'a dangling symbolic link',
      () => {
        fs.symlinkSync(path.join(tmp, 'nowhere'), path.join(tmp, 'dangling'));
        return path.join(tmp, 'dangling');
      },
      /--out ".*dangling" is not usable: .*dangling is a symbolic link to .*nowhere, which does not exist/,
    ],
    [
      'a path under a dangling symbolic link',
      () => path.join(tmp, 'dangling', 'sub'),
      /--out ".*dangling.sub" is not usable: .*dangling is a symbolic link to .*nowhere, which does not exist/,
    ],
  ];
  for (const [name, makeOut, message] of cases) {
    it.skipIf(process.platform === 'win32')(`rejects ${name}: one line, exit code 2, nothing written`, () => {
      const out = makeOut();
      const before = fs.readdirSync(tmp).sort();
      const r = arena(...base, ...short, '--out', out);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(fs.readdirSync(tmp).sort()).toEqual(before);
      expect(fs.existsSync(path.join(tmp, 'nowhere'))).toBe(false);
    });
  }
});

describe('arena sweep: input problems give exit code 2 and write nothing', () => {
  const sweepConfig = (fields: Record<string, string>) => {
    const file = path.join(tmp, `sweep-${Object.keys(fields).join('-')}-${fs.readdirSync(tmp).length}.jsonc`);
    const body = {
      preset: '"smoke"',
      algorithms: '[{ "name": "trpo-single-path" }]',
      tasks: '["cartpole-v1"]',
      seeds: '[1]',
      budget: '{ "iterations": 1, "stepsPerIteration": 200 }',
      ...fields,
    };
    fs.writeFileSync(
      file,
      `{\n${Object.entries(body)
        .map(([k, v]) => `  ${JSON.stringify(k)}: ${v}`)
        .join(',\n')}\n}\n`,
    );
    return file;
  };

  const cases: [string, () => string, string[], RegExp][] = [
    [
      'a seed beyond 2^53',
      () => sweepConfig({ seeds: '[9007199254740993]' }),
      [],
      /:5:\d+: seeds\[0\]: expected a safe integer .*got 9007199254740992/,
    ],
    [
      'a seed that overflows to Infinity',
      () => sweepConfig({ seeds: '[1e400]' }),
      [],
      /:5:\d+: seeds\[0\]: expected a finite number, got Infinity/,
    ],
    [
      'settings under __proto__',
      () =>
        sweepConfig({
          algorithms: '[{ "name": "trpo-single-path", "settings": { "__proto__": { "stepSize": 5 } } }]',
        }),
      [],
      /algorithms\[0\]\.settings\.__proto__: "__proto__" is not allowed as a key/,
    ],
    [
      'a 100 000-deep config',
      () => sweepConfig({ budget: '['.repeat(100_000) + ']'.repeat(100_000) }),
      [],
      /\(root\): expected at most \d+ levels of nesting, got more/,
    ],
    [
      'a FIFO as the config file',
      () => {
        const fifo = path.join(tmp, 'config-fifo.json');
        expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
        return fifo;
      },
      [],
      /cannot read the config file: expected a regular file, got a FIFO/,
    ],
    [
      'a thousand trials at once (--workers)',
      () => sweepConfig({}),
      ['--workers', '1000'],
      /^arena: --workers must be at most \d+ \(4 × the \d+ CPUs\), got 1000$/m,
    ],
    [
      'a thousand trials at once (config "workers")',
      () => sweepConfig({ workers: '1000' }),
      [],
      /^arena: "workers" must be at most \d+ \(4 × the \d+ CPUs\), got 1000$/m,
    ],
    [
      'a thousand sampling threads per trial (--sampler-workers)',
      () => sweepConfig({}),
      ['--sampler-workers', '1000'],
      /^arena: --sampler-workers must be at most \d+ \(4 × the \d+ CPUs\), got 1000$/m,
    ],
    [
      'a --shard beyond 2^53 (it would select no trials and still write a manifest)',
      () => sweepConfig({}),
      ['--shard', '99999999999999999999/99999999999999999999'],
      /^arena: --shard: i and n must be safe integers, got "99999999999999999999\/99999999999999999999"$/m,
    ],
    [
      'a --workers value beyond 2^53',
      () => sweepConfig({}),
      ['--workers', '9007199254740993'],
      /^arena: --workers must be a safe integer, got "9007199254740993"$/m,
    ],
    ...(tfjsNodeInstalled()
      ? []
      : ([
          [
            'the tensorflow backend without tfjs-node',
            () => sweepConfig({ backend: '"tensorflow"' }),
            [],
            /^arena: "backend": tensorflow cannot load: .*npm install @tensorflow\/tfjs-node/m,
          ],
        ] as [string, () => string, string[], RegExp][])),
  ];
  for (const [name, makeConfig, args, message] of cases) {
    it.skipIf(process.platform === 'win32' && name.includes('FIFO'))(`rejects ${name}`, () => {
      const out = path.join(tmp, `sweep-out-${name.replace(/\W+/g, '-')}`);
      const r = spawnSync(process.execPath, [cli, 'sweep', makeConfig(), '--out', out, ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.signal, 'the CLI hung and was killed').toBe(null);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).toBe('');
      expect(fs.existsSync(out)).toBe(false);
    });
  }
});

describe('arena report', () => {
  const sweepDir = path.join(tmp, 'report-sweep');
  beforeAll(() => {
    const config = path.join(tmp, 'report-sweep.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        preset: 'smoke',
        algorithms: [{ name: 'trpo-single-path' }],
        tasks: ['cartpole-v1'],
        seeds: [1],
        budget: { iterations: 1, stepsPerIteration: 200 },
      }),
    );
    const r = arena(
      'sweep',
      config,
      '--out',
      sweepDir,
      '--workers',
      '1',
      '--sampler-workers',
      '0',
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it('rejects --out naming a regular file: one line, exit code 2, the file untouched', () => {
    const file = path.join(tmp, 'report-target.txt');
    fs.writeFileSync(file, 'mine');
    const r = arena('report', sweepDir, '--out', file, '--bootstrap', '10');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /^arena: --out ".*report-target\.txt" is not writable: .*report-target\.txt is not a directory\n$/,
    );
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(file, 'utf8')).toBe('mine');
  });

  it('rejects a --seed beyond 2^53', () => {
    const out = path.join(tmp, 'report-seed');
    const r = arena('report', sweepDir, '--out', out, '--seed', '99999999999999999999');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^arena: --seed must be a safe integer, got "99999999999999999999"\n$/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('merges run and sweep directories given together, with --x steps, and refuses a conflicting trial id', () => {
    const run = path.join(tmp, 'report-run-seed7');
    expect(arena(...base, ...short, '--seed', '7', '--out', run, '--quiet').code).toBe(0);
    const out = path.join(tmp, 'report-merged');
    const r = arena('report', sweepDir, run, '--out', out, '--x', 'steps', '--bootstrap', '10');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^report: 2\/2 trials finished, 1 task\(s\), 1 algorithm variant\(s\)/);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).figure.x).toBe('steps');

    const noOut = arena('report', sweepDir, run);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toBe(
      'arena: --out is required with more than one directory: where should the report go?\n',
    );

    // Seed 1 of the same algorithm and task, with another budget: the same id, another spec.
    const other = path.join(tmp, 'report-run-seed1');
    expect(arena(...base, '--iterations', '2', '--batch-size', '200', '--out', other, '--quiet').code).toBe(
      0,
    );
    const clash = arena('report', sweepDir, other, '--out', path.join(tmp, 'report-clash'));
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(
      /^arena: trial "trpo-single-path__cartpole-v1__seed1" is in ".*report-sweep" and in ".*report-run-seed1" with different specs/,
    );
    expect(fs.existsSync(path.join(tmp, 'report-clash'))).toBe(false);
  });

  it('still writes a report to a new directory', () => {
    const out = path.join(tmp, 'report-ok');
    const r = arena('report', sweepDir, '--out', out, '--bootstrap', '10');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(out, 'index.html'))).toBe(true);
  });
});

describe('a closed stdout (arena schema | head -1)', () => {
  it('exits quietly with code 0 instead of crashing on EPIPE', async () => {
    const child = spawn(process.execPath, [cli, 'schema'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the CLI writes: its write then fails with EPIPE, as behind `| head -1`.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('conventions of a command line', () => {
  it('bare `arena` prints the help on stdout and exits 1, as git and npm do', () => {
    const r = arena();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Usage: arena \[options\] \[command\]/);
    expect(r.stdout).toMatch(/^\s+run \[options\]/m);
    expect(r.stderr).toBe('');
  });

  it("never prints tfjs's Node.js banner (the cpu backend storing a tensor: rwr fits a swimmer's MLP with tfjs)", () => {
    const out = path.join(tmp, 'no-banner');
    const r = arena(
      ...['run', '--algo', 'rwr', '--env', 'swimmer-v2', '--backend', 'cpu'],
      ...['--iterations', '1', '--batch-size', '1', '--workers', '0', '--out', out],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/iter 1\/1/);
    expect(r.stderr + r.stdout).not.toMatch(/TensorFlow\.js|=====/);
  });

  it('`arena help run` prints the help of run', () => {
    const r = arena('help', 'run');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: arena run \[options\]/);
  });

  it('--version prints the version of @policy-arena/runner', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = arena(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it('keeps commander\'s "Did you mean" on the one error line of a misspelt command', () => {
    const r = arena('lst');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("arena: unknown command 'lst' (Did you mean list?)\n");
  });
});

describe('a closed stdout behind a real pipe (| head -1)', () => {
  for (const args of [['list'], ['list', '--json'], ['schema'], ['describe', 'trpo-vine'], ['--help']]) {
    it.skipIf(process.platform === 'win32')(`arena ${args.join(' ')} | head -1: one line, no error`, () => {
      const r = spawnSync(
        'bash',
        ['-c', `"${process.execPath}" "${cli}" ${args.join(' ')} | head -1; exit "\${PIPESTATUS[0]}"`],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')).toHaveLength(2);
    });
  }

  for (const args of [['list'], ['describe', 'trpo-vine', '--json']]) {
    it(`arena ${args.join(' ')} exits quietly with code 0 when its stdout is closed before it writes`, async () => {
      const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    });
  }
});

describe('results on stdout, as JSON where they are data', () => {
  it('arena run --quiet still prints its result, on stdout, and nothing on stderr', () => {
    const r = arena(
      ...base,
      '--seed',
      '1',
      '--iterations',
      '3',
      '--batch-size',
      '500',
      '--out',
      path.join(tmp, 'ok'),
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^done: final score\/step \d+\.\d\d \(return \d+\.\d\) → .*metrics\.jsonl\npolicy: deterministic score\/step \d+\.\d\d over 10 episodes \(seed 0\) → .*policy-final\.json\n$/,
    );
  });

  it('arena run --json prints the result as one JSON object on stdout', () => {
    const out = path.join(tmp, 'json-run');
    const r = arena(...base, ...short, '--seed', '3', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/iter 1\/1/); // progress stays on stderr
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(r.stdout);
    const records = fs
      .readFileSync(trialFile(out, 3, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const last = JSON.parse(records.at(-1)!);
    expect(result).toEqual({
      trial: 'trpo-single-path__cartpole-v1__seed3',
      algorithm: 'trpo-single-path',
      task: 'cartpole-v1',
      seed: 3,
      preset: 'quick',
      iterations: 1,
      stepsPerIteration: 200,
      config: expect.objectContaining({ stepSize: 0.01, baseline: 'normalize' }),
      status: 'done',
      iterationsDone: 1,
      alreadyComplete: false,
      final: {
        iteration: 1,
        envSteps: last.envSteps,
        perStepReward: last.perStepReward,
        meanReturn: last.meanReturn,
      },
      evaluation: expect.objectContaining({ episodes: 10, seed: 0, deterministic: true }),
      out,
      metrics: trialFile(out, 3, 'metrics.jsonl'),
      policy: trialFile(out, 3, 'policy-final.json'),
    });
    const again = JSON.parse(
      arena(...base, ...short, '--seed', '3', '--out', out, '--json', '--quiet').stdout,
    );
    expect(again).toMatchObject({ status: 'done', alreadyComplete: true, final: result.final });
  });

  it('arena list --json lists algorithms and tasks with their descriptions', () => {
    const r = arena('list', '--json');
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.algorithms).toContainEqual({
      name: 'trpo-single-path',
      description: expect.stringMatching(/TRPO/),
      package: { name: '@policy-arena/algorithms', version: expect.any(String) },
    });
    expect(list.algorithms).toHaveLength(9);
    expect(list.tasks).toContainEqual({ id: 'cartpole-v1', description: expect.stringMatching(/Cart-pole/) });
  });
});

describe('arena describe', () => {
  it('lists every setting with its type, default, per-preset and per-task values and its origin', () => {
    const r = arena('describe', 'trpo-vine');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^trpo-vine \(@policy-arena\/algorithms [\d.]+\)\n/);
    expect(r.stdout).toMatch(/^ {2}stepSize +number > 0, default 0\.01 {2}\[paper\]$/m);
    expect(r.stdout).toMatch(/^ {6}paper: 0\.01 for all experiments, §8\.1$/m);
    expect(r.stdout).toMatch(/^ {2}cgDamping +number ≥ 0, default 0\.001 {2}\[reconstructed\]$/m);
    expect(r.stdout).toMatch(/^ {6}reconstructed: modular_rl cg_damping 1e-3/m);
    // A preset that depends on the task: the value on each task.
    expect(r.stdout).toMatch(
      /paper preset: 25 on cartpole-v1; 100 on hopper-v1, hopper-v2, walker-v1, walker-v2; 50 on\s+swimmer-v1, swimmer-v2/,
    );
    expect(r.stdout).toMatch(/smoke preset: 10 on every task/);
  });

  it('--json gives the same as one object: every preset × task value', () => {
    const r = arena('describe', 'cem', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({ name: 'cem', package: { name: '@policy-arena/algorithms' } });
    const decay = d.settings.find((s: { name: string }) => s.name === 'extraDecayIterations');
    expect(decay).toMatchObject({
      type: 'integer ≥ 1',
      default: 25,
      origin: 'reconstructed',
      source: expect.stringMatching(/^modular_rl n_iter\/2/),
    });
    expect(decay.presets.quick['swimmer-v2']).toBe(25);
    expect(decay.presets.paper['swimmer-v2']).toBe(100);
    expect(decay.presets.paper['cartpole-v1']).toBe(25);
    expect(d.settings.map((s: { name: string }) => s.name)).toContain('populationSize');
  });

  it('rejects an unknown algorithm with a suggestion, exit code 2', () => {
    const r = arena('describe', 'trpo-vin');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^arena: unknown algorithm "trpo-vin"; valid: .* \(did you mean "trpo-vine"\?\)\n$/,
    );
  });

  it('is where `arena run --help` sends a reader for the settings', () => {
    const r = arena('run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/arena describe <algo>/);
  });
});

describe('third-party plugins with --plugin', () => {
  it('list, schema and describe see a plugin given as a path', () => {
    const plugin = ['--plugin', './examples/custom-plugin'];
    const list = arenaIn(repoRoot, 'list', ...plugin);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      /^ {2}random-search +Basic random search .*\(@policy-arena\/example-custom-plugin\)$/m,
    );
    const schema = arenaIn(repoRoot, 'schema', ...plugin);
    expect(schema.code, schema.stderr).toBe(0);
    expect(JSON.parse(schema.stdout).properties.algorithms.items.properties.name.enum).toContain(
      'random-search',
    );
    const described = arenaIn(repoRoot, 'describe', 'random-search', ...plugin, '--json');
    expect(described.code, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout)).toMatchObject({
      name: 'random-search',
      package: { name: '@policy-arena/example-custom-plugin' },
      settings: expect.arrayContaining([expect.objectContaining({ name: 'stepSize', default: 0.3 })]),
    });
    expect(arenaIn(repoRoot, 'describe', 'random-search').code).toBe(2); // not without --plugin
  });

  it('resolves a package name from the working directory, and runs the plugin', () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url)); // the runner has the example as a dev dependency
    const plugin = ['--plugin', '@policy-arena/example-custom-plugin'];
    expect(arenaIn(cwd, 'list', '--json', ...plugin).stdout).toMatch(/"random-search"/);
    const out = path.join(tmp, 'third-party-run');
    const r = arenaIn(
      cwd,
      'run',
      '--algo',
      'random-search',
      '--env',
      'cartpole-v1',
      ...short,
      '--out',
      out,
      '--json',
      ...plugin,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ algorithm: 'random-search', status: 'done' });
  });

  it('rejects a package that exports no plugin, and a path without ./, in one line with exit code 2', () => {
    const bad = arenaIn(repoRoot, 'list', '--plugin', './examples/not-a-plugin');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^arena: --plugin: plugin package "\.\/examples\/not-a-plugin" .*is not an AlgorithmPlugin: missing "description"[^\n]*\n$/,
    );
    const bare = arenaIn(repoRoot, 'describe', 'random-search', '--plugin', 'examples/custom-plugin');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(
      /is not installed .*\(for the path, write --plugin \.\/examples\/custom-plugin\)\n$/,
    );
  });
});

describe('arena list', () => {
  it('lists algorithms and tasks', () => {
    const r = arena('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/trpo-single-path/);
    expect(r.stdout).toMatch(/cartpole-v1/);
  });
});
