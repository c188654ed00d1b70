/**
 * The jobs of a trial queue: one per trial, identified by the trial id and its sweep directory, so
 * that submitting a sweep again never queues a trial twice and several sweeps can share a queue.
 *
 * A job carries what a worker needs to run the trial exactly as the submitting `arena sweep` would
 * have: the sweep directory's absolute path (on a file system every worker mounts at that path),
 * the config's text and file name (plugins resolve from its directory), the trial's fingerprint
 * (a worker with other package versions refuses the job instead of running other code), and the
 * sweep's checkpoint interval and iteration timeout.
 */
import { shortHash } from './trials.js';

export const JOB_DATA_VERSION = 1;

export interface TrialJobData {
  readonly version: typeof JOB_DATA_VERSION;
  /** Absolute path of the sweep directory. */
  readonly dir: string;
  /** The trial id. */
  readonly trial: string;
  /** The trial's fingerprint on the submitting machine. */
  readonly fingerprint: string;
  /** The config as the submitter read it; `cwd` is where it resolved package names after the config's directory. */
  readonly config: { readonly file: string; readonly text: string; readonly cwd: string };
  readonly checkpointEvery: number;
  readonly iterationTimeout: number;
  readonly submitted: { readonly host: string; readonly pid: number; readonly at: string };
}

/** What a worker reports as a job's progress (at most one update per second, and the last). */
export interface TrialJobProgress {
  readonly iteration: number;
  readonly iterations: number;
  readonly fromIteration: number;
  readonly perStepReward?: number;
  readonly meanReturn?: number;
  readonly envSteps: number;
  readonly seconds: number;
  /** `host:pid` of the worker. */
  readonly worker: string;
}

/** A completed job's return value. */
export interface TrialJobResult {
  readonly iterations: number;
  readonly perStepReward?: number;
  readonly meanReturn?: number;
  /** `host:pid` of the worker that completed the job. */
  readonly worker: string;
  /** Finished by another process on the same directory (a local sweep, another worker) while this one waited. */
  readonly doneElsewhere?: boolean;
}

/** `<trial id>@<8 hex of the directory>`: BullMQ ids may not contain ":". */
export function trialJobId(dir: string, trial: string): string {
  return `${trial}@${shortHash(dir)}`;
}

/** The job data, or what is wrong with it (a job queued by another program or version). */
export function checkJobData(value: unknown): TrialJobData | string {
  const d = value as Partial<TrialJobData> | null;
  if (!d || typeof d !== 'object') return 'its data is not an object';
  if (d.version !== JOB_DATA_VERSION) {
    return `its data has version ${JSON.stringify(d.version)}, this worker reads version ${JOB_DATA_VERSION} (was it queued by another version of arena?)`;
  }
  for (const key of ['dir', 'trial', 'fingerprint'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '') return `its data has no "${key}"`;
  }
  const c = d.config;
  if (!c || typeof c.file !== 'string' || typeof c.text !== 'string' || typeof c.cwd !== 'string') {
    return 'its data has no "config" with file, text and cwd';
  }
  if (!(Number.isSafeInteger(d.checkpointEvery) && d.checkpointEvery! >= 1)) return 'bad "checkpointEvery"';
  if (!(typeof d.iterationTimeout === 'number' && d.iterationTimeout > 0)) return 'bad "iterationTimeout"';
  return d as TrialJobData;
}
