/**
 * The `arena` CLI as a user runs it: the built dist/cli.js (`pnpm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function arena(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const base = ['run', '--algo', 'trpo-single-path', '--env', 'cartpole-v1'];

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

describe('arena list', () => {
  it('lists algorithms and tasks', () => {
    const r = arena('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/trpo-single-path/);
    expect(r.stdout).toMatch(/cartpole-v1/);
  });
});
