/**
 * `arena merge <out> <dir…>`: combines the directories of one sweep run in parts — `--shard i/n`
 * each in its own directory (Slurm array tasks, Kubernetes Indexed Job pods) — into one sweep
 * directory that `arena report` reads and `arena sweep` resumes.
 *
 * Everything is checked before anything is written, and a mismatch is one line naming the trial
 * and the directories: every manifest must list the same trials with the same fingerprints (the
 * same config, plugin versions and budgets); every trial's trial.json must carry that fingerprint;
 * no trial may be running (a live lock); a trial present in two directories must hold the same
 * records there apart from the timing fields, or one a prefix of the other (a shard interrupted in
 * one copy and finished in another): the longer is kept. `<out>` may be new, empty, hold only the
 * directories to merge (`arena merge runs/x runs/x/shard-*`), or be one of the sweep's directories
 * (its trials take part like the others'). Each trial — all its files: records, checkpoint,
 * trial.json, saved policies — is copied into a temporary directory and renamed into place, and
 * manifest.json is rewritten last, under its lock.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './config.js';
import { checkOutputDir } from './output-dir.js';
import { MANIFEST_FILE, ResultsStore, makeDirectories, writeFileAtomic } from './store.js';
import type { Manifest, ManifestTrial, TrialState } from './store.js';
import { lockManifest, trialLockHeld } from './sweep-locks.js';
import { systemClock } from './services.js';
import type { Clock } from './services.js';
import { TIMING_FIELDS } from './trial.js';

export interface MergeResult {
  readonly out: string;
  /** Trials in the merged directory, and how many of them were copied in by this merge. */
  readonly trials: number;
  readonly copied: number;
  /** Trials found in more than one directory (identical, or one continuing the other). */
  readonly duplicates: number;
  readonly done: number;
  /** Package versions that differ between the directories' manifests (results may differ). */
  readonly warnings: readonly string[];
}

interface Copy {
  readonly dir: string;
  readonly state: TrialState;
  readonly lines: readonly string[];
  /** The lines without their timing fields, for comparison. */
  readonly content: readonly string[];
}

function withoutTimingLine(line: string): string {
  const record = JSON.parse(line) as Record<string, unknown>;
  for (const f of TIMING_FIELDS) delete record[f];
  return JSON.stringify(record);
}

/** The first differing field of two records, for the message. */
function firstDifference(a: string, b: string): string {
  const ra = JSON.parse(a) as Record<string, unknown>;
  const rb = JSON.parse(b) as Record<string, unknown>;
  for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    if (JSON.stringify(ra[key]) !== JSON.stringify(rb[key])) {
      return `${key}: ${JSON.stringify(ra[key])} vs ${JSON.stringify(rb[key])}`;
    }
  }
  return 'their records differ';
}

function changedKeys(a: object, b: object): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter(
    (k) => JSON.stringify(ra[k]) !== JSON.stringify(rb[k]),
  );
}

/** A manifest entry's spec fields (its standing left out). */
function specPart(t: ManifestTrial): object {
  const { fingerprint: _f, status: _s, iterationsDone: _i, wallSeconds: _w, ...spec } = t;
  return spec;
}

/** The complete lines of metrics.jsonl (a line cut by a kill, and anything after it, left out). */
function metricsLines(store: ResultsStore, id: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(store.metricsFile(id), 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw e;
  }
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      JSON.parse(line);
    } catch {
      break;
    }
    lines.push(line);
  }
  return lines;
}

export async function mergeSweepDirs(
  outArg: string,
  dirArgs: readonly string[],
  clock: Clock = systemClock,
): Promise<MergeResult> {
  if (dirArgs.length === 0)
    throw new UsageError('arena merge: give the output directory and at least one sweep directory');
  checkOutputDir(outArg, 'the merge output');
  const out = path.resolve(outArg);
  const outIsSweep = fs.existsSync(path.join(out, MANIFEST_FILE));
  // The shard directories may live inside the output directory (runs/x/shard-1 … → runs/x).
  const inputs = dirArgs.map((d) => path.resolve(d));
  const holdsInput = (entry: string) =>
    inputs.some((d) => d === path.join(out, entry) || d.startsWith(path.join(out, entry) + path.sep));
  if (
    fs.existsSync(out) &&
    !outIsSweep &&
    fs.readdirSync(out).some((e) => !e.startsWith('.') && !holdsInput(e))
  ) {
    throw new UsageError(
      `"${outArg}" is not empty and holds no sweep (${MANIFEST_FILE}); merge into a new or empty directory, one holding only the directories to merge, or one of the sweep's directories`,
    );
  }
  const dirs: string[] = outIsSweep ? [out] : [];
  for (const arg of dirArgs) {
    const dir = path.resolve(arg);
    if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) {
      throw new UsageError(`"${arg}" holds no sweep (${MANIFEST_FILE})`);
    }
    if (dirs.includes(dir)) {
      if (dir === out) continue; // the output directory named among the inputs too
      throw new UsageError(`"${arg}" is given twice`);
    }
    dirs.push(dir);
  }

  // The manifests: one sweep, the same trials with the same fingerprints.
  const manifests = dirs.map((dir) => ({ dir, manifest: new ResultsStore(dir).readManifest() as Manifest }));
  const [first] = manifests;
  if (!first) throw new UsageError('arena merge: nothing to merge');
  const expected = new Map(first.manifest.trials.map((t) => [t.id, t]));
  const warnings: string[] = [];
  for (const { dir, manifest } of manifests.slice(1)) {
    const ids = new Set(manifest.trials.map((t) => t.id));
    for (const t of manifest.trials) {
      const mine = expected.get(t.id);
      if (!mine) {
        throw new UsageError(
          `cannot merge: trial ${t.id} is in the manifest of ${dir} but not in that of ${first.dir} (another sweep config?)`,
        );
      }
      if (mine.fingerprint !== t.fingerprint) {
        const keys = changedKeys(specPart(mine), specPart(t));
        throw new UsageError(
          `cannot merge: trial ${t.id} has another spec in ${dir} than in ${first.dir} (fingerprint ${t.fingerprint} vs ${mine.fingerprint}${keys.length ? `; ${keys.join(', ')} differ` : '; settings or plugin versions differ'})`,
        );
      }
    }
    for (const id of expected.keys()) {
      if (!ids.has(id)) {
        throw new UsageError(
          `cannot merge: trial ${id} is in the manifest of ${first.dir} but not in that of ${dir} (another sweep config?)`,
        );
      }
    }
    for (const [name, version] of Object.entries(manifest.packages)) {
      const other = first.manifest.packages[name];
      if (name !== 'node' && other !== undefined && other !== version) {
        warnings.push(`${name} is ${version} in ${dir} and ${other} in ${first.dir}`);
      }
    }
  }

  // The trials on disk: finished or not, never running, with the manifest's fingerprint.
  const copies = new Map<string, Copy[]>();
  for (const dir of dirs) {
    const store = new ResultsStore(dir);
    for (const id of store.trialIds()) {
      const trialDir = store.trialDir(id);
      if (await trialLockHeld(trialDir)) {
        throw new UsageError(
          `cannot merge: trial ${id} in ${dir} is being run (its lock is live); wait for that sweep to finish, or stop it`,
        );
      }
      const state = store.readState(id);
      const lines = metricsLines(store, id);
      if (!state) {
        if (lines.length === 0) continue; // a directory with nothing in it yet
        throw new UsageError(`cannot merge: trial ${id} in ${dir} has records but no trial.json`);
      }
      const listed = expected.get(id);
      if (!listed) {
        throw new UsageError(`cannot merge: trial ${id} in ${dir} is not in the sweep's manifest`);
      }
      if (state.fingerprint !== listed.fingerprint) {
        const spec = specPart(listed);
        const ran = Object.fromEntries(
          Object.keys(spec).map((k) => [k, (state.spec as unknown as Record<string, unknown>)[k]]),
        );
        const keys = changedKeys(ran, spec);
        throw new UsageError(
          `cannot merge: trial ${id} in ${dir} was run with another spec than the manifest's (fingerprint ${state.fingerprint} vs ${listed.fingerprint}${keys.length ? `; ${keys.join(', ')} differ` : ''})`,
        );
      }
      const list = copies.get(id) ?? [];
      list.push({ dir, state, lines, content: lines.map(withoutTimingLine) });
      copies.set(id, list);
    }
  }

  // One copy per trial: identical copies, or the longer of one continuing the other.
  const chosen = new Map<string, Copy>();
  let duplicates = 0;
  for (const [id, list] of copies) {
    let best = list[0]!;
    for (const other of list.slice(1)) {
      const [shorter, longer] = other.content.length > best.content.length ? [best, other] : [other, best];
      const k = shorter.content.findIndex((line, i) => line !== longer.content[i]);
      if (k >= 0) {
        throw new UsageError(
          `cannot merge: trial ${id} differs between ${best.dir} and ${other.dir} at iteration ${k + 1} (${firstDifference(withoutTimingLine(best.lines[k]!), withoutTimingLine(other.lines[k]!))})`,
        );
      }
      // Equal records: prefer a finished copy.
      best =
        longer.content.length > shorter.content.length
          ? longer
          : other.state.status === 'done' && best.state.status !== 'done'
            ? other
            : best;
    }
    if (list.length > 1) duplicates++;
    chosen.set(id, best);
  }

  // Write: each trial whole (a temporary directory renamed into place), then the manifest.
  makeDirectories(path.join(out, 'trials'));
  const release = await lockManifest(out);
  let copied = 0;
  try {
    const outStore = new ResultsStore(out);
    for (const [id, copy] of chosen) {
      if (copy.dir === out) continue;
      const from = new ResultsStore(copy.dir);
      const tmp = path.join(out, 'trials', `.merge-${crypto.randomBytes(4).toString('hex')}`);
      fs.mkdirSync(tmp);
      try {
        // Every file of the trial (checkpoint, trial.json, saved policies…), dot-files (its lock,
        // temporary files) aside; metrics.jsonl as read, without a line cut by a kill.
        for (const entry of fs.readdirSync(from.trialDir(id), { withFileTypes: true })) {
          if (!entry.isFile() || entry.name.startsWith('.')) continue;
          const to = path.join(tmp, entry.name);
          if (entry.name === 'metrics.jsonl') {
            writeFileAtomic(to, copy.lines.map((l) => l + '\n').join(''));
          } else {
            fs.copyFileSync(path.join(from.trialDir(id), entry.name), to);
          }
        }
        if (!fs.existsSync(path.join(tmp, 'metrics.jsonl')))
          writeFileAtomic(path.join(tmp, 'metrics.jsonl'), '');
        const target = outStore.trialDir(id);
        const old = fs.existsSync(target) ? `${tmp}-old` : undefined;
        if (old) fs.renameSync(target, old);
        fs.renameSync(tmp, target);
        if (old) fs.rmSync(old, { recursive: true, force: true });
      } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
      copied++;
    }
    const trials: ManifestTrial[] = first.manifest.trials.map((t) => {
      const state = chosen.get(t.id)?.state;
      return state
        ? {
            ...t,
            status: state.status,
            iterationsDone: chosen.get(t.id)!.lines.length,
            wallSeconds: state.wallSeconds,
          }
        : { ...t, status: 'pending', iterationsDone: 0, wallSeconds: 0 };
    });
    outStore.writeManifest({ ...first.manifest, updatedAt: clock.isoDate(), trials });
  } finally {
    await release();
  }
  const done = first.manifest.trials.filter((t) => {
    const c = chosen.get(t.id);
    return c?.state.status === 'done' && c.lines.length === t.iterations;
  }).length;
  return { out, trials: first.manifest.trials.length, copied, duplicates, done, warnings };
}
