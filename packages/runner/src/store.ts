/**
 * The results store of a sweep directory:
 *
 *   <out>/manifest.json                 config, package versions, seeds, every trial's status
 *   <out>/trials/<id>/metrics.jsonl     one IterationRecord per line (as `arena run` writes)
 *   <out>/trials/<id>/checkpoint.json   the latest TrialCheckpoint (resume)
 *   <out>/trials/<id>/trial.json        the trial's spec, fingerprint and status
 *
 * JSON files are written atomically (a temporary file in the same directory, fsync, rename:
 * store-files.ts), so a killed process leaves either the old or the new version. metrics.jsonl is
 * appended per iteration; on resume it is cut back to the checkpoint's iteration count (a kill
 * between the append and the checkpoint, or mid-line, leaves extra text that is dropped).
 *
 * Writers: a trial's worker writes metrics.jsonl and checkpoint.json; the main thread writes
 * trial.json and manifest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Json } from '@policy-arena/core';
import { UsageError } from './config.js';
import { issuesFromAjv } from './config-messages.js';
import { makeAjv } from './validation.js';
import { parseRecords } from './report-data.js';
import { makeDirectories, removeTempFiles, writeFileAtomic } from './store-files.js';
import type { IterationRecord, TrialCheckpoint } from './trial.js';
import type { TrialSpec } from './trials.js';

// Re-exported so that the store stays the one import of the code that writes results or reports.
export {
  checkWritable,
  makeDirectories,
  removeTempFiles,
  StoreWriteError,
  writeFileAtomic,
} from './store-files.js';

const SafeCount = (description: string, minimum = 0) =>
  Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER, description });
const FiniteNumber = (description: string) =>
  Type.Number({ minimum: -Number.MAX_VALUE, maximum: Number.MAX_VALUE, description });

export const TrialStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('failed'),
]);
export type TrialStatus = Static<typeof TrialStatusSchema>;

/** Why a trial failed, as trial.json keeps it. */
export const TrialFailureSchema = Type.Object({
  type: Type.String({ description: 'the error class, e.g. PluginContractError, IterationTimeoutError' }),
  message: Type.String(),
  stack: Type.Optional(Type.String()),
  iteration: Type.Optional(SafeCount('the iteration (0-based) that was running when it failed')),
});
export type TrialFailure = Static<typeof TrialFailureSchema>;

/** trial.json. `spec` is checked against the sweep's own spec by fingerprint, not here. */
export const TrialStateSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  fingerprint: Type.String({ minLength: 1 }),
  spec: Type.Object({}, { additionalProperties: true }),
  status: TrialStatusSchema,
  iterationsDone: SafeCount('iterations recorded in metrics.jsonl'),
  wallSeconds: FiniteNumber("sum of the records' seconds"),
  starts: Type.Array(SafeCount('the iteration a run of this trial started from'), {
    description: 'the iteration each run of this trial started from (0 = fresh; more entries = resumed)',
  }),
  /** The failure's message (kept beside `failure` for readers of the first layout). */
  error: Type.Optional(Type.String()),
  failure: Type.Optional(TrialFailureSchema),
  /** The pid and host of the sweep that last ran the trial. */
  runner: Type.Optional(Type.Object({ pid: SafeCount('process id'), host: Type.String() })),
  updatedAt: Type.String(),
});
export type TrialState = Omit<Static<typeof TrialStateSchema>, 'spec'> & { readonly spec: TrialSpec };

export const StoredCheckpointSchema = Type.Object({
  version: Type.Literal(1),
  id: Type.String({ minLength: 1 }),
  fingerprint: Type.String({ minLength: 1 }),
  iteration: SafeCount('iterations completed (the next one to run)', 1),
  envSteps: SafeCount('cumulative env steps after those iterations'),
  params: Type.Array(FiniteNumber('a policy parameter')),
  optimizerState: Type.Unknown(),
});
export type StoredCheckpoint = Omit<Static<typeof StoredCheckpointSchema>, 'optimizerState'> & {
  readonly optimizerState: Json;
};

/** A results file that exists but cannot be trusted: says which file, what is wrong, and the way out. */
export class CorruptResultError extends UsageError {
  override name = 'CorruptResultError';
}

function validated<S extends TSchema>(schema: S, file: string, value: unknown, remedy: string): Static<S> {
  const validate = makeAjv().compile(schema);
  if (validate(value)) return value as Static<S>;
  const issue = issuesFromAjv(validate.errors ?? [])[0];
  const where = issue?.path.length ? issue.path.join('.') : '(top level)';
  throw new CorruptResultError(
    `${file} is invalid: ${where}: ${issue?.message ?? 'does not match its schema'}; ${remedy}`,
  );
}

export const MANIFEST_FILE = 'manifest.json';

/** undefined when the file does not exist; throws CorruptResultError when it is not JSON. */
function readJson(file: string, remedy: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CorruptResultError(`${file} is not valid JSON (${(e as Error).message}); ${remedy}`);
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
    return parseRecords(text);
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

  /** The trial's checkpoint, validated (CorruptResultError when it holds wrong types or values). */
  readCheckpoint(id: string): StoredCheckpoint | undefined {
    const file = this.checkpointFile(id);
    const remedy = `delete it to run trial ${id} from its first iteration`;
    const value = readJson(file, remedy);
    if (value === undefined) return undefined;
    const checkpoint = validated(StoredCheckpointSchema, file, value, remedy) as StoredCheckpoint;
    if (checkpoint.id !== id) {
      throw new CorruptResultError(
        `${file} is invalid: id: expected "${id}", got "${checkpoint.id}"; ${remedy}`,
      );
    }
    return checkpoint;
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

  /**
   * Deletes a trial's results so that it runs from its first iteration (`arena run --force`). The
   * directory and its `.lock` stay: the caller holds that lock while it deletes.
   */
  clearTrial(id: string): void {
    for (const file of [this.metricsFile(id), this.checkpointFile(id), this.stateFile(id)]) {
      fs.rmSync(file, { force: true });
    }
    removeTempFiles(this.trialDir(id));
  }

  // --- trial state and manifest -------------------------------------------------------------------

  /** The trial's trial.json, validated (CorruptResultError when it holds wrong types or values). */
  readState(id: string): TrialState | undefined {
    const file = this.stateFile(id);
    const remedy = `delete ${this.trialDir(id)} to run the trial again`;
    const value = readJson(file, remedy);
    if (value === undefined) return undefined;
    return validated(TrialStateSchema, file, value, remedy) as TrialState;
  }

  writeState(state: TrialState): void {
    makeDirectories(this.trialDir(state.id));
    writeFileAtomic(this.stateFile(state.id), JSON.stringify(state, null, 2) + '\n');
  }

  readManifest(): Manifest | undefined {
    return readJson(
      this.manifestFile,
      "it is rewritten from the trials' trial.json by the next `arena sweep`",
    ) as Manifest | undefined;
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
