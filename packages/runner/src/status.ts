/**
 * `arena status <dir>`: where each trial of a sweep directory stands, read from its files alone —
 * so it works beside a running sweep, on any machine that mounts the directory, whoever runs the
 * trials (local sweeps, shards, queue workers).
 *
 * - done: trial.json says done and metrics.jsonl has every iteration;
 * - running: a live process holds the trial's lock (the holder is named);
 * - stopped: begun but not running now (its process was interrupted or killed); a sweep or queue
 *   worker that runs it again resumes from its checkpoint;
 * - failed: the run ended with an error (the error is shown);
 * - waiting: not begun.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './config.js';
import { formatDuration, scoreText } from './progress.js';
import { MANIFEST_FILE, ResultsStore } from './store.js';
import type { Manifest, TrialState } from './store.js';
import { trialLockHeld } from './sweep-locks.js';

export type TrialStanding = 'done' | 'running' | 'stopped' | 'failed' | 'waiting';
export const STANDINGS: readonly TrialStanding[] = ['done', 'running', 'stopped', 'failed', 'waiting'];

export interface TrialStatusRow {
  readonly id: string;
  readonly status: TrialStanding;
  readonly iterationsDone: number;
  readonly iterations: number;
  /** Score per time step of the last iteration that has one. */
  readonly score?: number;
  readonly wallSeconds: number;
  /** `pid N on host` of the process that holds or last held the trial. */
  readonly runner?: string;
  readonly error?: string;
}

export interface DirectoryStatus {
  readonly dir: string;
  readonly name: string;
  readonly counts: Readonly<Record<TrialStanding, number>>;
  readonly trials: readonly TrialStatusRow[];
}

export async function directoryStatus(dir: string): Promise<DirectoryStatus> {
  const full = path.resolve(dir);
  const store = new ResultsStore(full);
  if (!fs.existsSync(path.join(full, MANIFEST_FILE))) {
    throw new UsageError(
      `"${dir}" holds no sweep (${MANIFEST_FILE}); give a sweep directory or a redis:// queue URL`,
    );
  }
  const manifest = store.readManifest() as Manifest;
  const listed = new Map(manifest.trials.map((t) => [t.id, t]));
  const ids = [...new Set([...listed.keys(), ...store.trialIds()])];
  const trials: TrialStatusRow[] = [];
  for (const id of ids) {
    let state: TrialState | undefined;
    let error: string | undefined;
    try {
      state = store.readState(id);
    } catch (e) {
      error = (e as Error).message;
    }
    const records = store.readRecords(id);
    const iterations = listed.get(id)?.iterations ?? state?.spec.iterations ?? records.length;
    const held = fs.existsSync(store.trialDir(id)) && (await trialLockHeld(store.trialDir(id)));
    const status: TrialStanding =
      state?.status === 'done' && records.length === iterations
        ? 'done'
        : held
          ? 'running'
          : state?.status === 'failed' || error
            ? 'failed'
            : records.length > 0 || state?.status === 'running'
              ? 'stopped'
              : 'waiting';
    const score = records.findLast((r) => r.perStepReward !== undefined)?.perStepReward;
    const runner = state?.runner ? `pid ${state.runner.pid} on ${state.runner.host}` : undefined;
    const failure =
      error ?? (state?.failure ? `${state.failure.type}: ${state.failure.message}` : state?.error);
    trials.push({
      id,
      status,
      iterationsDone: records.length,
      iterations,
      ...(score !== undefined ? { score } : {}),
      wallSeconds: records.reduce((s, r) => s + (r.seconds ?? 0), 0),
      ...(runner && (status === 'running' || status === 'stopped') ? { runner } : {}),
      ...(status === 'failed' && failure ? { error: failure } : {}),
    });
  }
  trials.sort((a, b) => STANDINGS.indexOf(a.status) - STANDINGS.indexOf(b.status) || (a.id < b.id ? -1 : 1));
  const counts = Object.fromEntries(STANDINGS.map((s) => [s, trials.filter((t) => t.status === s).length]));
  return { dir: full, name: manifest.name, counts: counts as Record<TrialStanding, number>, trials };
}

export function formatDirectoryStatus(status: DirectoryStatus): string {
  const { counts, trials } = status;
  const lines = [
    `sweep "${status.name}" in ${status.dir}: ${trials.length} trials — ${STANDINGS.map((s) => `${counts[s]} ${s}`).join(', ')}`,
  ];
  if (trials.length === 0) return lines.join('\n') + '\n';
  const iterWidth = Math.max(9, ...trials.map((t) => `${t.iterationsDone}/${t.iterations}`.length));
  lines.push(
    `  ${'status'.padEnd(8)} ${'iteration'.padStart(iterWidth)}  ${'score/step'.padStart(10)}  ${'time'.padStart(7)}  trial`,
  );
  for (const t of trials) {
    const score = t.score === undefined ? '–' : scoreText(t.score);
    const extra = t.error
      ? `  ${t.error.split('\n')[0]}`
      : t.runner
        ? `  (${t.status === 'running' ? '' : 'last '}${t.runner})`
        : '';
    lines.push(
      `  ${t.status.padEnd(8)} ${`${t.iterationsDone}/${t.iterations}`.padStart(iterWidth)}  ${score.padStart(10)}  ${formatDuration(t.wallSeconds).padStart(7)}  ${t.id}${extra}`,
    );
  }
  return lines.join('\n') + '\n';
}
