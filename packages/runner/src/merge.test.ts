/**
 * `arena merge` and `arena status <dir>` on sweep directories written by hand: the cases a real
 * sweep seldom produces (a trial interrupted in one copy and finished in another, a live lock, a
 * trial.json of another spec).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeSweepDirs } from './merge.js';
import { directoryStatus, formatDirectoryStatus } from './status.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arena-merge-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const IDS = ['a__cartpole-v1__seed1', 'a__cartpole-v1__seed2'];

function record(i: number, meanReturn = 10 * i): string {
  return JSON.stringify({
    iteration: i,
    envSteps: 100 * (i + 1),
    meanReturn,
    perStepReward: i / 10,
    seconds: Math.random(),
  });
}

interface TrialFixture {
  readonly records: number;
  readonly status: 'pending' | 'running' | 'done' | 'failed';
  readonly fingerprint?: string;
  readonly lock?: 'live' | 'stale';
  readonly error?: string;
}

/** A sweep directory: a manifest of IDS (4 iterations each) and the trials given. */
function sweepDir(
  name: string,
  trials: Record<string, TrialFixture>,
  fingerprints: Record<string, string> = {},
): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, 'trials'), { recursive: true });
  const print = (id: string) => fingerprints[id] ?? `fp-${id.slice(-1)}`;
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      version: 1,
      name: 'hand-made',
      configFile: '/x.json',
      config: {},
      preset: 'smoke',
      seeds: [1, 2],
      tasks: ['cartpole-v1'],
      packages: { '@policy-arena/runner': '0.1.0' },
      plugins: [],
      updatedAt: '',
      trials: IDS.map((id) => ({
        id,
        algorithm: 'a',
        label: 'a',
        variant: 'a',
        task: 'cartpole-v1',
        seed: Number(id.slice(-1)),
        grid: {},
        iterations: 4,
        stepsPerIteration: 100,
        fingerprint: print(id),
        status: 'pending',
        iterationsDone: 0,
        wallSeconds: 0,
      })),
    }),
  );
  for (const [id, t] of Object.entries(trials)) {
    const trialDir = path.join(dir, 'trials', id);
    fs.mkdirSync(trialDir);
    fs.writeFileSync(
      path.join(trialDir, 'metrics.jsonl'),
      Array.from({ length: t.records }, (_, i) => record(i) + '\n').join(''),
    );
    fs.writeFileSync(
      path.join(trialDir, 'trial.json'),
      JSON.stringify({
        id,
        fingerprint: t.fingerprint ?? print(id),
        spec: {
          id,
          algorithm: 'a',
          label: 'a',
          variant: 'a',
          task: 'cartpole-v1',
          seed: Number(id.slice(-1)),
          grid: {},
          iterations: t.fingerprint ? 5 : 4,
          stepsPerIteration: 100,
        },
        status: t.status,
        iterationsDone: t.records,
        wallSeconds: 1,
        starts: [0],
        runner: { pid: 4242, host: 'node7' },
        updatedAt: '',
        ...(t.error ? { failure: { type: 'Error', message: t.error } } : {}),
      }),
    );
    fs.writeFileSync(path.join(trialDir, 'policy-final.json'), `{"trial":"${id}"}`);
    fs.writeFileSync(path.join(trialDir, '.checkpoint.json.1.abcd.tmp'), '{"half":');
    if (t.lock) {
      fs.mkdirSync(path.join(trialDir, '.lock'));
      const when = t.lock === 'live' ? new Date() : new Date(Date.now() - 60_000);
      fs.utimesSync(path.join(trialDir, '.lock'), when, when);
    }
  }
  return dir;
}

const lines = (dir: string, id: string) =>
  fs
    .readFileSync(path.join(dir, 'trials', id, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n');

describe('arena merge', () => {
  it('keeps the longer of two copies when one continues the other, and rewrites the manifest', async () => {
    const a = sweepDir('cont-a', {
      [IDS[0]!]: { records: 2, status: 'running' },
      [IDS[1]!]: { records: 4, status: 'done' },
    });
    const b = sweepDir('cont-b', { [IDS[0]!]: { records: 4, status: 'done' } });
    const out = path.join(tmp, 'cont-out');
    const r = await mergeSweepDirs(out, [a, b]);
    expect(r).toMatchObject({ trials: 2, copied: 2, duplicates: 1, done: 2, warnings: [] });
    expect(lines(out, IDS[0]!)).toEqual(lines(b, IDS[0]!));
    expect(lines(out, IDS[1]!)).toEqual(lines(a, IDS[1]!));
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(
      manifest.trials.map((t: { status: string; iterationsDone: number }) => [t.status, t.iterationsDone]),
    ).toEqual([
      ['done', 4],
      ['done', 4],
    ]);
    expect(fs.readdirSync(path.join(out, 'trials')).sort()).toEqual(IDS); // no temporary directory left
    // Every file of a trial but its lock and a killed writer's temporary files.
    expect(fs.readdirSync(path.join(out, 'trials', IDS[0]!)).sort()).toEqual([
      'metrics.jsonl',
      'policy-final.json',
      'trial.json',
    ]);
    expect(fs.readFileSync(path.join(out, 'trials', IDS[0]!, 'policy-final.json'), 'utf8')).toBe(
      `{"trial":"${IDS[0]}"}`,
    );
  });

  it('merges into one of the directories, whose trials take part like the others', async () => {
    const a = sweepDir('into-a', { [IDS[0]!]: { records: 4, status: 'done' } });
    const b = sweepDir('into-b', { [IDS[1]!]: { records: 4, status: 'done' } });
    expect(await mergeSweepDirs(a, [b])).toMatchObject({ trials: 2, copied: 1, duplicates: 0, done: 2 });
    expect(lines(a, IDS[1]!)).toEqual(lines(b, IDS[1]!));
    // Again, naming it among the inputs too: identical copies are found and nothing is copied.
    expect(await mergeSweepDirs(a, [a, b])).toMatchObject({ trials: 2, copied: 0, duplicates: 1, done: 2 });
  });

  it('merges shard directories that live inside the output directory', async () => {
    const out = path.join(tmp, 'nest');
    sweepDir('nest/shard-1', { [IDS[0]!]: { records: 4, status: 'done' } });
    sweepDir('nest/shard-2', { [IDS[1]!]: { records: 4, status: 'done' } });
    const r = await mergeSweepDirs(out, [path.join(out, 'shard-1'), path.join(out, 'shard-2')]);
    expect(r).toMatchObject({ trials: 2, copied: 2, done: 2 });
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'shard-1', 'shard-2', 'trials']);
    fs.mkdirSync(path.join(tmp, 'busy', 'other'), { recursive: true });
    await expect(mergeSweepDirs(path.join(tmp, 'busy'), [path.join(out, 'shard-1')])).rejects.toThrow(
      /"\S+busy" is not empty and holds no sweep/,
    );
  });

  it.each([
    [
      'a trial being run',
      () => [sweepDir('live', { [IDS[0]!]: { records: 2, status: 'running', lock: 'live' } })],
      /trial a__cartpole-v1__seed1 in .*live is being run \(its lock is live\)/,
    ],
    [
      'a trial.json of another spec',
      () => [sweepDir('respec', { [IDS[0]!]: { records: 4, status: 'done', fingerprint: 'other' } })],
      /trial a__cartpole-v1__seed1 in .*respec was run with another spec than the manifest's \(fingerprint other vs fp-1; iterations differ\)/,
    ],
    [
      'manifests of different fingerprints',
      () => [sweepDir('fp-a', {}), sweepDir('fp-b', {}, { [IDS[1]!]: 'changed' })],
      /trial a__cartpole-v1__seed2 has another spec in .*fp-b than in .*fp-a \(fingerprint changed vs fp-2; settings or plugin versions differ\)/,
    ],
    [
      'the same directory twice',
      () => [sweepDir('twice', {}), path.join(tmp, 'twice')],
      /"\S+twice" is given twice/,
    ],
    [
      'a directory without a sweep',
      () => [fs.mkdtempSync(path.join(tmp, 'empty-'))],
      /holds no sweep \(manifest\.json\)/,
    ],
  ])('refuses %s and writes nothing', async (_what, dirs, message) => {
    const out = path.join(tmp, `refused-${Math.random().toString(36).slice(2)}`);
    await expect(mergeSweepDirs(out, dirs())).rejects.toThrow(message);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('merges past a stale lock (its sweep was killed)', async () => {
    const dir = sweepDir('stale', { [IDS[0]!]: { records: 3, status: 'running', lock: 'stale' } });
    const r = await mergeSweepDirs(path.join(tmp, 'stale-out'), [dir]);
    expect(r).toMatchObject({ trials: 2, copied: 1, done: 0 });
  });
});

describe('arena status <dir>', () => {
  it('tells done, running, stopped, failed and waiting trials apart', async () => {
    const dir = sweepDir('status', {
      [IDS[0]!]: { records: 4, status: 'done' },
      [IDS[1]!]: { records: 2, status: 'running', lock: 'live' },
      'b__cartpole-v1__seed1': { records: 1, status: 'running', lock: 'stale' },
      'c__cartpole-v1__seed1': { records: 1, status: 'failed', error: 'it broke' },
    });
    const s = await directoryStatus(dir);
    expect(s.counts).toEqual({ done: 1, running: 1, stopped: 1, failed: 1, waiting: 0 });
    expect(s.trials.map((t) => [t.id, t.status])).toEqual([
      [IDS[0], 'done'],
      [IDS[1], 'running'],
      ['b__cartpole-v1__seed1', 'stopped'],
      ['c__cartpole-v1__seed1', 'failed'],
    ]);
    const text = formatDirectoryStatus(s);
    expect(text).toMatch(
      /^sweep "hand-made" in .*: 4 trials — 1 done, 1 running, 1 stopped, 1 failed, 0 waiting$/m,
    );
    expect(text).toMatch(/^ {2}running +2\/4 +0\.10 .* a__cartpole-v1__seed2 {2}\(pid 4242 on node7\)$/m);
    expect(text).toMatch(/^ {2}failed .* c__cartpole-v1__seed1 {2}Error: it broke$/m);
    const waiting = await directoryStatus(sweepDir('status-new', {}));
    expect(waiting.counts.waiting).toBe(2);
    await expect(directoryStatus(tmp)).rejects.toThrow(/holds no sweep/);
  });
});
