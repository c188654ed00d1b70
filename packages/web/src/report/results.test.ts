import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, computeSummary, mergeResults } from '@policy-arena/runner/browser';
import type { ReportSummary } from '@policy-arena/runner/browser';
import { describe, expect, it } from 'vitest';
import { checkServedIndex, readResults, resultsDirectories, servedSource, viewerLink } from './results.js';
import type { ResultsSource } from './results.js';

const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
const CARTPOLE = path.join(REPO, 'results/figure4/cartpole');

/** Files in memory, as a picked directory gives them: paths under the directory's name. */
function memorySource(files: Record<string, string>): ResultsSource {
  return {
    paths: Object.keys(files),
    read: (p) => Promise.resolve(files[p]!),
    url: (p) => `blob:${p}`,
    name: (dir) => dir,
  };
}

/** A directory on disk as the picker gives it: every file, under the directory's base name. */
function diskSource(dir: string): ResultsSource {
  const files: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      // The report's images are never read; their bytes are not text.
      else
        files[`${path.basename(dir)}/${rel}`] = /\.(png)$/.test(rel)
          ? ''
          : fs.readFileSync(path.join(dir, rel), 'utf8');
    }
  };
  walk('');
  return memorySource(files);
}

const trial = (id: string, iterations = 3, fingerprint = 'f1') => ({
  id,
  algorithm: 'cem',
  label: 'cem',
  variant: 'cem',
  task: 'cartpole-v1',
  seed: 1,
  grid: {},
  iterations,
  stepsPerIteration: 100,
  fingerprint,
  status: 'done',
  iterationsDone: iterations,
  wallSeconds: 1,
});
const manifest = (trials: object[]) =>
  JSON.stringify({ version: 1, name: 'x', preset: 'quick', seeds: [1], tasks: ['cartpole-v1'], trials });
const record = (iteration: number) =>
  JSON.stringify({
    iteration,
    envSteps: 100 * (iteration + 1),
    episodes: 2,
    perStepReward: iteration,
    seconds: 0.5,
  });

describe('reading a picked results directory', () => {
  it("gives the CLI's report the same trials: the statistics of results/figure4/cartpole equal its committed summary.json", async () => {
    const [dir, ...rest] = await readResults(diskSource(CARTPOLE), '"cartpole"');
    expect(rest).toEqual([]);
    expect(dir!.dir).toBe('cartpole');
    const cli = JSON.parse(
      fs.readFileSync(path.join(CARTPOLE, 'report/summary.json'), 'utf8'),
    ) as ReportSummary;
    const page = computeSummary(dir!.manifest, dir!.data, 2000, 0);
    // JSON turns the summary's NaN (no CPU time recorded) into null, as the CLI's file holds it.
    expect(JSON.parse(JSON.stringify(page.curves))).toEqual(cli.curves);
    expect(JSON.parse(JSON.stringify(page.final))).toEqual(cli.final);
    expect(page.trials).toEqual(cli.trials);
  });

  it('refuses a directory without manifest.json, naming what it expected and the files it got', async () => {
    const source = memorySource({ 'runs/notes.txt': 'hi', 'runs/trials/a/metrics.jsonl': record(0) });
    await expect(readResults(source, '"runs"')).rejects.toThrow(UsageError);
    await expect(readResults(source, '"runs"')).rejects.toThrow(
      /^"runs" is not a results directory: expected a manifest\.json .* got runs\/notes\.txt, runs\/trials\/a\/metrics\.jsonl$/,
    );
    await expect(readResults(memorySource({}), 'the picked directory')).rejects.toThrow(/got no files$/);
  });

  it('names the file and the problem when a manifest or trial.json is not what the report reads', async () => {
    await expect(readResults(memorySource({ 'a/manifest.json': '{"trials": [' }), 'a')).rejects.toThrow(
      /^a\/manifest\.json is not valid JSON/,
    );
    await expect(readResults(memorySource({ 'a/manifest.json': '{"name": "x"}' }), 'a')).rejects.toThrow(
      'a/manifest.json is not a sweep manifest: expected a "trials" list, got undefined',
    );
    await expect(
      readResults(memorySource({ 'a/manifest.json': manifest([{ ...trial('t'), task: 3 }]) }), 'a'),
    ).rejects.toThrow(
      'a/manifest.json is not a sweep manifest: trials[0].task should be a string, got number',
    );
    const badState = memorySource({
      'a/manifest.json': manifest([trial('t')]),
      'a/trials/t/trial.json': JSON.stringify({ status: 'finished' }),
    });
    await expect(readResults(badState, 'a')).rejects.toThrow(
      'a/trials/t/trial.json is not a trial state: expected "status" to be one of pending, running, done, failed, got "finished"',
    );
  });

  it('reads records as the results store does: a line cut by a kill ends them, and a trial short of its budget is not done', async () => {
    const [dir] = await readResults(
      memorySource({
        'a/manifest.json': manifest([trial('t')]),
        'a/trials/t/trial.json': JSON.stringify({ status: 'done' }),
        'a/trials/t/metrics.jsonl': `${record(0)}\n${record(1)}\n{"iteration": 2, "envSt`,
      }),
      'a',
    );
    expect(dir!.data[0]!.records.map((r) => r.iteration)).toEqual([0, 1]);
    expect(dir!.data[0]!.done).toBe(false);
  });

  it('finds every results directory under a picked parent, with the final policies the viewer can open', async () => {
    const source = memorySource({
      'all/one/manifest.json': manifest([trial('t')]),
      'all/one/trials/t/policy-final.json': '{}',
      'all/two/manifest.json': manifest([trial('u')]),
      'all/two/report/index.html': '<html>',
    });
    expect(resultsDirectories(source.paths)).toEqual(['all/one', 'all/two']);
    const dirs = await readResults(source, '"all"');
    expect(dirs.map((d) => d.dir)).toEqual(['all/one', 'all/two']);
    expect([...dirs[0]!.finalPolicies]).toEqual([['t', 'blob:all/one/trials/t/policy-final.json']]);
    expect(dirs[1]!.finalPolicies.size).toBe(0);
    expect(mergeResults(dirs).data.map((d) => d.trial.id)).toEqual(['t', 'u']);
  });

  it('refuses to merge directories that hold one trial id with different specs, naming both', async () => {
    const dirs = await readResults(
      memorySource({
        'p/a/manifest.json': manifest([trial('t', 3, 'f1')]),
        'p/b/manifest.json': manifest([trial('t', 3, 'f2')]),
      }),
      'p',
    );
    expect(() => mergeResults(dirs)).toThrow(/trial "t" is in "p\/a" and in "p\/b" with different specs/);
  });
});

describe("arena report --serve's listing", () => {
  const index = {
    version: 1,
    directories: [
      { name: 'runs/cart pole', url: '0/', files: ['manifest.json', 'trials/a b/policy-final.json'] },
    ],
  };

  it('becomes a source of the directories under "<i>/", named as given, with URLs under the listing', async () => {
    const fetched: string[] = [];
    const source = servedSource(
      checkServedIndex(index, '/results/index.json'),
      new URL('http://127.0.0.1:9/results/index.json'),
      (url) => {
        fetched.push(url.href);
        return Promise.resolve(manifest([]));
      },
    );
    expect(source.paths).toEqual(['0/manifest.json', '0/trials/a b/policy-final.json']);
    expect(source.name('0')).toBe('runs/cart pole');
    expect(source.url('0/trials/a b/policy-final.json')).toBe('/results/0/trials/a%20b/policy-final.json');
    await source.read('0/manifest.json');
    expect(fetched).toEqual(['http://127.0.0.1:9/results/0/manifest.json']);
  });

  it('is refused when it is not a listing', () => {
    expect(() => checkServedIndex({ files: [] }, '/results/index.json')).toThrow(
      /^\/results\/index\.json is not a results listing: expected \{"directories": .*, got an object without a "directories" list$/,
    );
    expect(() => checkServedIndex({ directories: [{ name: 'x' }] }, 'i')).toThrow(/with other entries$/);
  });
});

describe('links to the viewer', () => {
  it('carry the policy URL as a parameter that URLSearchParams gives back', () => {
    for (const url of [
      '/results/0/trials/a%20b/policy-final.json',
      'blob:http://127.0.0.1:5173/4f1c-9a',
      '/x?y=1&z#w',
    ]) {
      const link = viewerLink(url);
      expect(link.startsWith('#viewer?policy=')).toBe(true);
      expect(new URLSearchParams(link.slice('#viewer?'.length)).get('policy')).toBe(url);
    }
    expect(viewerLink('/results/0/trials/t/policy-final.json')).toBe(
      '#viewer?policy=/results/0/trials/t/policy-final.json',
    );
  });
});
