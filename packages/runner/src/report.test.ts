import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from './report.js';
import { ResultsStore } from './store.js';
import type { Manifest, ManifestTrial } from './store.js';
import type { IterationRecord } from './trial.js';
import type { TrialSpec } from './trials.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-report-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const variants = ['trpo-single-path', 'random-search', 'cem stepSize=0.1'];
const tasks = ['cartpole-v1', 'swimmer-v1'];
const seeds = [1, 2, 3];

/** A sweep directory with made-up curves: variant v on task t with seed s scores (v+1)·i/10 + s/100. */
function fakeSweep(
  dir: string,
  unfinished?: string,
  { variants: names = variants, tasks: taskIds = tasks, fingerprint = 'f' } = {},
): void {
  const store = new ResultsStore(dir);
  const trials: ManifestTrial[] = [];
  names.forEach((variant, v) => {
    for (const task of taskIds) {
      for (const seed of seeds) {
        const id = `${variant.replace(/[ =.]/g, '_')}__${task}__seed${seed}`;
        const iterations = 5;
        const done = id !== unfinished;
        const records: IterationRecord[] = Array.from({ length: done ? iterations : 2 }, (_, i) => ({
          iteration: i,
          envSteps: 100 * (i + 1),
          episodes: 4,
          meanReturn: 100 * ((v + 1) * i * 0.1 + seed / 100),
          perStepReward: (v + 1) * i * 0.1 + seed / 100,
          meanEpisodeLength: 50,
          seconds: 0.5,
        }));
        store.truncateRecords(id, 0);
        for (const r of records) store.appendRecord(id, r);
        const spec = {
          id,
          algorithm: variant.split(' ')[0]!,
          label: variant.split(' ')[0]!,
          variant,
          task,
          seed,
          grid: {},
          config: { stepSize: 0.01 * (v + 1) },
          iterations,
        } as unknown as TrialSpec;
        store.writeState({
          id,
          fingerprint,
          spec,
          status: done ? 'done' : 'running',
          iterationsDone: records.length,
          wallSeconds: records.length * 0.5,
          starts: [0],
          updatedAt: 'x',
        });
        trials.push({
          id,
          algorithm: spec.algorithm,
          label: spec.label,
          variant,
          task,
          seed,
          grid: {},
          iterations,
          stepsPerIteration: 100,
          fingerprint,
          status: done ? 'done' : 'running',
          iterationsDone: records.length,
          wallSeconds: records.length * 0.5,
        });
      }
    }
  });
  const manifest: Manifest = {
    version: 1,
    name: 'fake <sweep>',
    configFile: 'x.json',
    config: { tasks: taskIds },
    preset: 'smoke',
    seeds,
    tasks: taskIds,
    packages: { node: process.version },
    plugins: [],
    updatedAt: 'x',
    trials,
  };
  store.writeManifest(manifest);
}

describe('arena report', () => {
  it('writes an HTML report naming every algorithm and task, an SVG, and a PNG of the SVG’s size × scale', async () => {
    const dir = path.join(tmp, 'a');
    fakeSweep(dir, 'random-search__swimmer-v1__seed3');
    const { files, summary } = await writeReport({ dir, reps: 500 });
    const html = fs.readFileSync(files.html, 'utf8');
    for (const name of [...variants, ...tasks]) expect(html).toContain(name);
    expect(html).toContain('fake &lt;sweep&gt;'); // escaped
    expect(html).toMatch(/<svg[\s\S]*<\/svg>/); // the figure is inline: the page is self-contained
    expect(html).not.toMatch(/<script|<link|src="http/);
    const png = PNG.sync.read(fs.readFileSync(files.png));
    expect(png.width).toBe(summary.figure.pngWidth);
    expect(png.height).toBe(summary.figure.pngHeight);
    expect(png.width).toBe(Math.round(summary.figure.width * 2));
    expect(png.height).toBe(Math.round(summary.figure.height * 2));
    expect(png.width).toBeGreaterThan(1000);
    // Not blank: the lines' colours are there (Tableau blue of the first variant).
    let coloured = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      if (Math.abs(r - 0x4c) < 12 && Math.abs(g - 0x78) < 12 && Math.abs(b - 0xa8) < 12) coloured++;
    }
    expect(coloured).toBeGreaterThan(500);
    expect(fs.readFileSync(files.svg, 'utf8')).toMatch(/cartpole-v1[\s\S]*swimmer-v1/);

    // Statistics: final = last iteration; the unfinished trial is left out of the table.
    const row = summary.final.find((r) => r.task === 'cartpole-v1' && r.variant === 'random-search')!;
    expect(row.seeds).toBe(3);
    expect(row.mean).toBeCloseTo(2 * 4 * 0.1 + 0.02, 12);
    expect(summary.final.find((r) => r.task === 'swimmer-v1' && r.variant === 'random-search')!.seeds).toBe(
      2,
    );
    expect(summary.trials).toEqual({ total: 18, done: 17, withRecords: 18 });
    // One curve point per task × variant × iteration, the band around the mean.
    expect(summary.curves).toHaveLength(tasks.length * variants.length * 5);
    for (const c of summary.curves) {
      expect(c.low).toBeLessThanOrEqual(c.mean + 1e-12);
      expect(c.high).toBeGreaterThanOrEqual(c.mean - 1e-12);
    }
    // The best variant has the highest normalized IQM across tasks.
    const best = [...summary.aggregate].sort((a, b) => b.normalizedIqm - a.normalizedIqm)[0]!;
    expect(best.variant).toBe('cem stepSize=0.1');
  });

  it('is deterministic: the same directory gives byte-identical files', async () => {
    const dir = path.join(tmp, 'b');
    fakeSweep(dir);
    const one = await writeReport({ dir, out: path.join(tmp, 'b1'), reps: 300 });
    const two = await writeReport({ dir, out: path.join(tmp, 'b2'), reps: 300 });
    for (const key of ['html', 'svg', 'png', 'summary'] as const) {
      expect(fs.readFileSync(two.files[key]).equals(fs.readFileSync(one.files[key])), key).toBe(true);
    }
  });

  it('merges several results directories into one report, and needs --out for it', async () => {
    const sweep = path.join(tmp, 'merge-sweep');
    const run = path.join(tmp, 'merge-run');
    fakeSweep(sweep);
    fakeSweep(run, undefined, { variants: ['rwr'], tasks: ['cartpole-v1'] });
    const out = path.join(tmp, 'merged');
    const { files, summary } = await writeReport({ dirs: [sweep, run], out, reps: 50 });
    expect(summary.variants).toEqual([...variants, 'rwr']);
    expect(summary.tasks).toEqual(tasks);
    expect(summary.trials.total).toBe(18 + 3);
    expect(summary.final.find((r) => r.variant === 'rwr')).toMatchObject({ task: 'cartpole-v1', seeds: 3 });
    const html = fs.readFileSync(files.html, 'utf8');
    expect(html).toContain(sweep);
    expect(html).toContain(run);
    await expect(writeReport({ dirs: [sweep, run], reps: 50 })).rejects.toThrow(
      /--out is required with more than one directory/,
    );
  });

  it('takes the copy of a trial that got furthest when directories share it (shards in separate directories)', async () => {
    const done = path.join(tmp, 'shard-done');
    const partial = path.join(tmp, 'shard-partial');
    fakeSweep(done);
    fakeSweep(partial, 'cem_stepSize_0_1__cartpole-v1__seed2');
    const { summary } = await writeReport({ dirs: [partial, done], out: path.join(tmp, 'shards'), reps: 50 });
    expect(summary.trials).toEqual({ total: 18, done: 18, withRecords: 18 });
  });

  it('refuses directories that hold the same trial id with different specs', async () => {
    const a = path.join(tmp, 'conflict-a');
    const b = path.join(tmp, 'conflict-b');
    fakeSweep(a);
    fakeSweep(b, undefined, { fingerprint: 'other' });
    await expect(writeReport({ dirs: [a, b], out: path.join(tmp, 'conflict'), reps: 50 })).rejects.toThrow(
      /trial "trpo-single-path__cartpole-v1__seed1" is in ".*conflict-a" and in ".*conflict-b" with different specs \(fingerprints f and other\)/,
    );
    expect(fs.existsSync(path.join(tmp, 'conflict'))).toBe(false);
  });

  it('--x steps puts the env steps on the x-axis', async () => {
    const dir = path.join(tmp, 'steps');
    fakeSweep(dir);
    const { files, summary } = await writeReport({ dir, reps: 50, x: 'steps' });
    expect(summary.figure.x).toBe('steps');
    // The fake records have 100 env steps per iteration.
    for (const c of summary.curves) expect(c.envSteps).toBe(100 * c.iteration);
    const svg = fs.readFileSync(files.svg, 'utf8');
    expect(svg).toMatch(/aria-label="X-axis titled 'env steps'/);
    expect(svg).not.toMatch(/X-axis titled 'iteration'/);
    expect(fs.readFileSync(files.html, 'utf8')).toMatch(/per env step count/);
  });

  it('puts the seed count in the figure’s caption, and the plugin descriptions and settings in the page', async () => {
    const dir = path.join(tmp, 'caption');
    fakeSweep(dir);
    const { files } = await writeReport({ dir, reps: 50 });
    expect(fs.readFileSync(files.svg, 'utf8')).toMatch(
      /Title text 'Mean over 3 seeds per curve; shaded: the 95 %/,
    );
    const html = fs.readFileSync(files.html, 'utf8');
    expect(html).toContain('<h2>Algorithms</h2>');
    expect(html).toMatch(/TRPO with single-path Q estimates/); // the built-in plugin's description
    expect(html).toContain('<code>stepSize=0.03</code>'); // cem's resolved settings
  });

  it('has one task: no min–max normalization across tasks, and the page says why', async () => {
    const dir = path.join(tmp, 'one-task');
    fakeSweep(dir, undefined, { tasks: ['cartpole-v1'] });
    const { files, summary } = await writeReport({ dir, reps: 50 });
    expect(summary.aggregate).toEqual([]);
    expect(fs.readFileSync(files.html, 'utf8')).toMatch(
      /One task has finished trials: there is nothing to aggregate/,
    );
  });

  it('keeps long variant labels from widening the figure', async () => {
    const short = path.join(tmp, 'labels-short');
    const long = path.join(tmp, 'labels-long');
    fakeSweep(short, undefined, { tasks: ['cartpole-v1'] });
    fakeSweep(long, undefined, {
      tasks: ['cartpole-v1'],
      variants: variants.map((v, i) => `${v} ${'someSetting=0.001 '.repeat(8)}${i}`),
    });
    const a = await writeReport({ dir: short, reps: 50 });
    const b = await writeReport({ dir: long, reps: 50 });
    expect(b.summary.figure.pngWidth).toBe(a.summary.figure.pngWidth);
    expect(a.summary.figure.pngWidth).toBeLessThan(1300);
  });

  it('rejects a directory that holds no sweep', async () => {
    await expect(writeReport({ dir: tmp })).rejects.toThrow(
      /is not a sweep directory: it has no manifest.json/,
    );
  });
});
