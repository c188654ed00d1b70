/**
 * `arena export <dir>`: a results directory's metrics for other tools.
 *   --format csv          one table for spreadsheets, pandas or R — a row per trial and iteration,
 *                         the trial's algorithm, label, task and seed first, then every metric any
 *                         trial recorded (blank where a trial did not); quoted per RFC 4180.
 *   --format tensorboard  a TensorBoard log directory: <out>/<trial id>/events.out.tfevents.*,
 *                         every metric as a scalar against the iteration (tensorboard.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './config.js';
import { ResultsStore } from './store.js';
import { writeFileAtomic } from './store-files.js';
import { eventFile } from './tensorboard.js';

const LEADING = ['trial', 'algorithm', 'label', 'task', 'seed'] as const;

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of the results directory `dir` (a sweep's or a run's). */
export function metricsCsv(dir: string): string {
  const store = new ResultsStore(dir);
  if (!store.readManifest()) throw new UsageError(`${dir}: not a results directory (no manifest.json)`);
  const rows: Record<string, unknown>[] = [];
  const metricNames = new Set<string>();
  for (const id of store.trialIds()) {
    const state = store.readState(id);
    if (!state) continue;
    for (const record of store.readRecords(id)) {
      for (const key of Object.keys(record)) metricNames.add(key);
      rows.push({
        trial: id,
        algorithm: state.spec.algorithm,
        label: state.spec.label,
        task: state.spec.task,
        seed: state.spec.seed,
        ...record,
      });
    }
  }
  // iteration and envSteps first among the metrics, the rest in a stable order.
  const first = ['iteration', 'envSteps'].filter((k) => metricNames.has(k));
  const columns = [...LEADING, ...first, ...[...metricNames].filter((k) => !first.includes(k)).sort()];
  return (
    [columns.join(','), ...rows.map((row) => columns.map((c) => csvField(row[c])).join(','))].join('\n') +
    '\n'
  );
}

/** Writes one TensorBoard event file per trial under `logDir`; returns the files written. */
export function writeTensorboard(dir: string, logDir: string): string[] {
  const store = new ResultsStore(dir);
  if (!store.readManifest()) throw new UsageError(`${dir}: not a results directory (no manifest.json)`);
  const files: string[] = [];
  for (const id of store.trialIds()) {
    const state = store.readState(id);
    if (!state) continue;
    const records = store.readRecords(id);
    // Wall times from the iterations' own durations, ending when trial.json was last written.
    const end = Date.parse(state.updatedAt) / 1000;
    let time = end - records.reduce((s, r) => s + r.seconds, 0);
    const start = time;
    const steps = records.map((r) => {
      time += r.seconds;
      const scalars: Record<string, number> = {};
      for (const [key, value] of Object.entries(r)) {
        if (key !== 'iteration' && typeof value === 'number' && Number.isFinite(value)) scalars[key] = value;
      }
      return { step: r.iteration, wallTime: time, scalars };
    });
    const trialDir = path.join(logDir, id);
    fs.mkdirSync(trialDir, { recursive: true });
    const file = path.join(trialDir, `events.out.tfevents.${Math.floor(start)}.arena`);
    writeFileAtomic(file, eventFile(steps, start));
    files.push(file);
  }
  return files;
}
