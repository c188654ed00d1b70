/**
 * `arena sweep` end to end, through the built CLI: the same per-trial results whatever the worker
 * count or shard split; a sweep killed with SIGKILL and run again resumes to the results of an
 * uninterrupted run; `arena report` renders the result.
 *
 * Algorithms: trpo-single-path with a two-point grid, the example third-party plugin
 * (random-search, from examples/custom-plugin) and the first other built-in `arena list` shows,
 * so at least three distinct plugins run side by side. Tasks: cartpole-v1 and swimmer-v1.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'packages/runner/dist/cli.js');
const cwd = path.join(root, 'packages/runner'); // where the example plugin is installed
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-sweep-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function arena(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function listed(section: 'algorithms' | 'tasks'): string[] {
  const text = arena('list').stdout;
  const block = text.split(/^(?=\w+:$)/m).find((b) => b.startsWith(`${section}:`)) ?? '';
  return [...block.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
}

function writeConfig(name: string, config: object): string {
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** trial id → metrics.jsonl with the timing field blanked (the only one that differs between runs). */
function results(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of fs.readdirSync(path.join(dir, 'trials')).sort()) {
    const text = fs.readFileSync(path.join(dir, 'trials', id, 'metrics.jsonl'), 'utf8');
    out[id] = text.replace(/"(seconds|cpuSeconds)":[^,}]+/g, '"$1":0');
  }
  return out;
}

function manifest(dir: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    trials: { id: string; algorithm: string; task: string; status: string; iterationsDone: number }[];
  };
}

/** Enough of a PNG decoder to prove the file is one: chunks, CRC-free IHDR, inflated scanlines. */
function decodePng(buffer: Buffer): { width: number; height: number } {
  expect(buffer.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('ascii', offset + 4, offset + 8);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[data[9]!] ?? 0;
      expect(channels).toBeGreaterThan(0);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const pixels = zlib.inflateSync(Buffer.concat(idat));
  expect(pixels.length).toBe(height * (1 + width * channels));
  for (let row = 0; row < height; row++) expect(pixels[row * (1 + width * channels)]).toBeLessThanOrEqual(4);
  return { width, height };
}

let algorithms: string[];
let config: string;
const iterations = { 'cartpole-v1': 3, 'swimmer-v1': 2 };

beforeAll(() => {
  expect(fs.existsSync(cli), 'build first: pnpm tsc -b').toBe(true);
  const builtins = listed('algorithms');
  expect(builtins).toContain('trpo-single-path');
  expect(listed('tasks')).toEqual(expect.arrayContaining(['cartpole-v1', 'swimmer-v1']));
  const other = builtins.find((a) => a !== 'trpo-single-path');
  algorithms = ['trpo-single-path', 'random-search', ...(other ? [other] : [])];
  config = writeConfig('smoke', {
    name: 'smoke sweep',
    preset: 'smoke',
    plugins: ['@policy-arena/example-custom-plugin'],
    algorithms: [
      { name: 'trpo-single-path', grid: { stepSize: [0.01, 0.03] } },
      { name: 'random-search' },
      ...(other ? [{ name: other }] : []),
    ],
    tasks: ['cartpole-v1', 'swimmer-v1'],
    seeds: [1, 2],
    budgets: {
      'cartpole-v1': { iterations: iterations['cartpole-v1'], stepsPerIteration: 300 },
      'swimmer-v1': { iterations: iterations['swimmer-v1'], stepsPerIteration: 1000 },
    },
  });
});

describe('arena sweep', () => {
  const one = () => path.join(tmp, 'w1');
  const variants = () => algorithms.length + 1; // trpo's grid has two points

  it('runs algorithms × tasks × seeds × grid with 1 worker', () => {
    const r = arena('sweep', config, '--workers', '1', '--out', one(), '--progress-interval', '0');
    expect(r.code, r.stderr).toBe(0);
    const m = manifest(one());
    expect(m.trials).toHaveLength(variants() * 2 * 2);
    expect(new Set(m.trials.map((t) => t.algorithm)).size).toBeGreaterThanOrEqual(3);
    for (const t of m.trials) {
      expect(t.status).toBe('done');
      expect(t.iterationsDone).toBe(iterations[t.task as keyof typeof iterations]);
    }
    expect(Object.keys(results(one()))).toContain('trpo-single-path__cartpole-v1__stepSize=0.01__seed1');
    expect(r.stderr).toMatch(/^sweep: 16 trials|^sweep: \d+ trials \(0 already done/m);
    expect(r.stderr).toMatch(
      /^done {3}random-search__swimmer-v1__seed2: score\/step -?\d+\.\d\d at iteration 2/m,
    );
  });

  it('gives the same per-trial results with 2 workers', () => {
    const two = path.join(tmp, 'w2');
    const r = arena('sweep', config, '--workers', '2', '--out', two, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/on 2 workers|sweep done/);
    expect(results(two)).toEqual(results(one()));
  });

  it('gives the same trials from --shard 1/2 and --shard 2/2 (sharing an output directory) as without', () => {
    const shared = path.join(tmp, 'shards');
    const a = arena('sweep', config, '--shard', '1/2', '--workers', '2', '--out', shared, '--quiet');
    expect(a.code, a.stderr).toBe(0);
    const first = Object.keys(results(shared));
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(variants() * 4);
    const b = arena('sweep', config, '--shard', '2/2', '--workers', '2', '--out', shared, '--quiet');
    expect(b.code, b.stderr).toBe(0);
    expect(results(shared)).toEqual(results(one()));
    expect(manifest(shared).trials.every((t) => t.status === 'done')).toBe(true);
  });

  it('skips finished trials when run again', () => {
    const before = results(one());
    const r = arena('sweep', config, '--out', one(), '--progress-interval', '0');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/(\d+) trials \((\1) already done, 0 run\)/);
    expect(results(one())).toEqual(before);
  });

  it('arena report renders every algorithm and task, with a PNG of the expected size', () => {
    const r = arena('report', one());
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(path.join(one(), 'report', 'index.html'), 'utf8');
    for (const name of [...algorithms, 'trpo-single-path stepSize=0.03', 'cartpole-v1', 'swimmer-v1']) {
      expect(html).toContain(name);
    }
    const summary = JSON.parse(fs.readFileSync(path.join(one(), 'report', 'summary.json'), 'utf8'));
    const png = decodePng(fs.readFileSync(path.join(one(), 'report', 'figure-4.png')));
    expect(png).toEqual({ width: summary.figure.pngWidth, height: summary.figure.pngHeight });
    expect(png.width).toBe(Math.round(2 * summary.figure.width));
    expect(summary.final).toHaveLength(variants() * 2);
  });
});

describe('arena sweep after SIGKILL', () => {
  it('resumes unfinished trials from their checkpoints to the results of an uninterrupted run', async () => {
    const file = writeConfig('long', {
      preset: 'smoke',
      plugins: ['@policy-arena/example-custom-plugin'],
      algorithms: [{ name: 'trpo-single-path' }, { name: 'random-search' }],
      tasks: ['cartpole-v1'],
      seeds: [1, 2],
      budget: { iterations: 12, stepsPerIteration: 1500 },
    });
    const straight = path.join(tmp, 'straight');
    expect(arena('sweep', file, '--out', straight, '--workers', '2', '--quiet').code).toBe(0);

    const killed = path.join(tmp, 'killed');
    const child = spawn(
      process.execPath,
      [cli, 'sweep', file, '--out', killed, '--workers', '2', '--quiet'],
      {
        cwd,
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)),
    );
    // Kill as soon as some trial has a checkpoint at iteration 3–8 of 12: mid-trial, with a few
    // iterations (tens of milliseconds) to spare before it could finish.
    const midRun = () => {
      const dir = path.join(killed, 'trials');
      if (!fs.existsSync(dir)) return false;
      return fs.readdirSync(dir).some((id) => {
        try {
          const cp = JSON.parse(fs.readFileSync(path.join(dir, id, 'checkpoint.json'), 'utf8'));
          return cp.iteration >= 3 && cp.iteration <= 8;
        } catch {
          return false;
        }
      });
    };
    const deadline = Date.now() + 120_000;
    while (!midRun() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);

    const partial = manifest(killed).trials;
    expect(partial.some((t) => t.status !== 'done')).toBe(true);
    const checkpoints = fs
      .readdirSync(path.join(killed, 'trials'))
      .map((id) => path.join(killed, 'trials', id, 'checkpoint.json'))
      .filter((f) => fs.existsSync(f))
      .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')).iteration as number);
    expect(checkpoints.some((i) => i > 0 && i < 12)).toBe(true);

    const resumed = arena('sweep', file, '--out', killed, '--workers', '2', '--progress-interval', '0');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming at iteration \d+ of 12/);
    expect(results(killed)).toEqual(results(straight));
    // At least one trial continued from a checkpoint rather than starting over.
    const starts = fs
      .readdirSync(path.join(killed, 'trials'))
      .map(
        (id) =>
          JSON.parse(fs.readFileSync(path.join(killed, 'trials', id, 'trial.json'), 'utf8'))
            .starts as number[],
      );
    expect(starts.some((s) => s.length === 2 && s[0] === 0 && s[1]! > 0)).toBe(true);
    expect(manifest(killed).trials.every((t) => t.status === 'done' && t.iterationsDone === 12)).toBe(true);
  });
});
