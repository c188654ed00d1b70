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
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

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
/** A budget of seconds, so that input the CLI wrongly accepts fails the test quickly. */
const short = ['--iterations', '1', '--batch-size', '200'];

describe('arena run', () => {
  it('writes one JSONL line per iteration with the documented fields, and a progress line each', () => {
    const out = path.join(tmp, 'ok');
    const r = arena(...base, '--seed', '1', '--iterations', '3', '--batch-size', '500', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const lines = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
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
    expect(JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'))).toMatchObject({
      algorithm: 'trpo-single-path',
      env: 'cartpole-v1',
      seed: 1,
      config: { stepSize: 0.01 },
    });
  });

  it('gives a byte-identical JSONL for the same seed (timing aside) and a different one for another seed', () => {
    const read = (name: string, seed: string) => {
      const out = path.join(tmp, name);
      expect(
        arena(...base, '--seed', seed, '--iterations', '4', '--batch-size', '800', '--out', out, '--quiet')
          .code,
      ).toBe(0);
      return fs
        .readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
        .replace(/"(seconds|cpuSeconds)":[^,}]+/g, '"$1":0');
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

  it('refuses to overwrite an existing run without --force', () => {
    const out = path.join(tmp, 'twice');
    expect(arena(...base, '--iterations', '1', '--batch-size', '200', '--out', out, '--quiet').code).toBe(0);
    const before = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8');
    const r = arena(...base, '--iterations', '2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a run.*--force/);
    expect(fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')).toBe(before);
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

describe('arena list', () => {
  it('lists algorithms and tasks', () => {
    const r = arena('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/trpo-single-path/);
    expect(r.stdout).toMatch(/cartpole-v1/);
  });
});
