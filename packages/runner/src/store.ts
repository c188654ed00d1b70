/**
 * The results store of a sweep directory:
 *
 *   <out>/manifest.json                 config, package versions, seeds, every trial's status
 *   <out>/trials/<id>/metrics.jsonl     one IterationRecord per line (as `arena run` writes)
 *   <out>/trials/<id>/checkpoint.json   the latest TrialCheckpoint (resume)
 *   <out>/trials/<id>/trial.json        the trial's spec, fingerprint and status
 *
 * JSON files are written atomically (a temporary file in the same directory, fsync, rename), so a
 * killed process leaves either the old or the new version. metrics.jsonl is appended per
 * iteration; on resume it is cut back to the checkpoint's iteration count (a kill between the
 * append and the checkpoint, or mid-line, leaves extra text that is dropped).
 *
 * Writers: a trial's worker writes metrics.jsonl and checkpoint.json; the main thread writes
 * trial.json and manifest.json.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Json } from '@policy-arena/core';
import { UsageError } from './config.js';
import { checkOutputPath } from './paths.js';
import type { IterationRecord, TrialCheckpoint } from './trial.js';
import type { TrialSpec } from './trials.js';

export type TrialStatus = 'pending' | 'running' | 'done' | 'failed';

export interface TrialState {
  readonly id: string;
  readonly fingerprint: string;
  readonly spec: TrialSpec;
  readonly status: TrialStatus;
  /** Iterations recorded in metrics.jsonl. */
  readonly iterationsDone: number;
  /** Sum of the records' `seconds`. */
  readonly wallSeconds: number;
  /** The iteration each run of this trial started from (0 = fresh; more entries = resumed). */
  readonly starts: readonly number[];
  readonly error?: string;
  readonly updatedAt: string;
}

export interface StoredCheckpoint {
  readonly version: 1;
  readonly id: string;
  readonly fingerprint: string;
  readonly iteration: number;
  readonly envSteps: number;
  readonly params: number[];
  readonly optimizerState: Json;
}

export const MANIFEST_FILE = 'manifest.json';

/** mkdir -p without `recursive: true` (which loops forever on some paths in Node 20). */
export function makeDirectories(dir: string): void {
  const full = path.resolve(dir);
  if (fs.existsSync(full)) return;
  makeDirectories(path.dirname(full));
  try {
    fs.mkdirSync(full);
  } catch (e) {
    if ((e as { code?: string }).code !== 'EEXIST') throw e;
  }
}

/**
 * The nearest existing ancestor of `dir` must be a directory we can create entries in; probed by
 * creating and removing a temporary directory (permission bits say nothing for root).
 */
export function checkWritable(dir: string, flag = '--out'): void {
  checkOutputPath(dir, flag);
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe)) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  if (!fs.statSync(probe).isDirectory()) {
    throw new UsageError(`${flag} "${dir}" is not writable: ${probe} is not a directory`);
  }
  try {
    fs.rmdirSync(fs.mkdtempSync(path.join(probe, '.arena-write-probe-')));
  } catch (e) {
    throw new UsageError(
      `${flag} "${dir}" is not writable: cannot create entries in ${probe} (${(e as { code?: string }).code ?? e})`,
    );
  }
}

/** Writes via a unique temporary file in the same directory, fsync, then rename. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`,
  );
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    if (e instanceof SyntaxError) return undefined; // cannot happen with atomic writes; treat as absent
    throw e;
  }
}

export class ResultsStore {
  constructor(readonly dir: string) {}

  trialDir(id: string): string {
    return path.join(this.dir, 'trials', id);
  }
  metricsFile(id: string): string {
    return path.join(this.trialDir(id), 'metrics.jsonl');
  }
  checkpointFile(id: string): string {
    return path.join(this.trialDir(id), 'checkpoint.json');
  }
  stateFile(id: string): string {
    return path.join(this.trialDir(id), 'trial.json');
  }
  get manifestFile(): string {
    return path.join(this.dir, MANIFEST_FILE);
  }

  // --- metrics ---------------------------------------------------------------------------------

  /** The complete records of a trial (a cut-off last line is ignored). */
  readRecords(id: string): IterationRecord[] {
    let text: string;
    try {
      text = fs.readFileSync(this.metricsFile(id), 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw e;
    }
    const records: IterationRecord[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line) as IterationRecord);
      } catch {
        break; // a line cut by a kill: it and anything after it are not results
      }
    }
    return records;
  }

  /**
   * Makes metrics.jsonl hold exactly the first `iterations` records. Returns false when it holds
   * fewer (the caller then starts the trial over).
   */
  truncateRecords(id: string, iterations: number): boolean {
    makeDirectories(this.trialDir(id));
    if (iterations === 0) {
      writeFileAtomic(this.metricsFile(id), '');
      return true;
    }
    const records = this.readRecords(id);
    if (records.length < iterations) return false;
    if (!records.slice(0, iterations).every((r, i) => r.iteration === i)) return false;
    const text = fs.readFileSync(this.metricsFile(id), 'utf8');
    const lines = text.split('\n');
    const kept = lines.slice(0, iterations).join('\n') + '\n';
    if (kept !== text) writeFileAtomic(this.metricsFile(id), kept);
    return true;
  }

  appendRecord(id: string, record: IterationRecord): void {
    fs.appendFileSync(this.metricsFile(id), JSON.stringify(record) + '\n');
  }

  // --- checkpoints -----------------------------------------------------------------------------

  readCheckpoint(id: string): StoredCheckpoint | undefined {
    return readJson<StoredCheckpoint>(this.checkpointFile(id));
  }

  writeCheckpoint(id: string, fingerprint: string, checkpoint: TrialCheckpoint): void {
    const stored: StoredCheckpoint = {
      version: 1,
      id,
      fingerprint,
      iteration: checkpoint.iteration,
      envSteps: checkpoint.envSteps,
      params: Array.from(checkpoint.params),
      optimizerState: checkpoint.optimizerState,
    };
    writeFileAtomic(this.checkpointFile(id), JSON.stringify(stored) + '\n');
  }

  removeCheckpoint(id: string): void {
    fs.rmSync(this.checkpointFile(id), { force: true });
  }

  // --- trial state and manifest -------------------------------------------------------------------

  readState(id: string): TrialState | undefined {
    return readJson<TrialState>(this.stateFile(id));
  }

  writeState(state: TrialState): void {
    makeDirectories(this.trialDir(state.id));
    writeFileAtomic(this.stateFile(state.id), JSON.stringify(state, null, 2) + '\n');
  }

  readManifest(): Manifest | undefined {
    return readJson<Manifest>(this.manifestFile);
  }

  writeManifest(manifest: Manifest): void {
    makeDirectories(this.dir);
    writeFileAtomic(this.manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  }

  /** Ids of every trial directory on disk. */
  trialIds(): string[] {
    try {
      return fs
        .readdirSync(path.join(this.dir, 'trials'), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
  }
}

/** A trial as the manifest lists it: the spec's identity and budget, plus where it stands. */
export type ManifestTrial = Pick<
  TrialSpec,
  'id' | 'algorithm' | 'label' | 'variant' | 'task' | 'seed' | 'grid' | 'iterations' | 'stepsPerIteration'
> & {
  readonly fingerprint: string;
  readonly status: TrialStatus;
  readonly iterationsDone: number;
  readonly wallSeconds: number;
};

export interface Manifest {
  readonly version: 1;
  readonly name: string;
  /** The config file as given, and its validated content. */
  readonly configFile: string;
  readonly config: Json;
  readonly preset: string;
  readonly seeds: readonly number[];
  readonly tasks: readonly string[];
  /** Package name → version: node, the policy-arena packages, third-party plugin packages. */
  readonly packages: Readonly<Record<string, string>>;
  readonly plugins: readonly { specifier: string; name: string; packageName?: string; version?: string }[];
  readonly updatedAt: string;
  readonly trials: readonly ManifestTrial[];
}
