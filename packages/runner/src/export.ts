/**
 * `arena export <dir> --format csv`: every trial's metrics as one table, for spreadsheets, pandas
 * or R — one row per trial and iteration, the trial's algorithm, label, task and seed first, then
 * every metric any trial recorded (blank where a trial did not record it). Fields are quoted per
 * RFC 4180 when they need it.
 */
import { UsageError } from './config.js';
import { ResultsStore } from './store.js';

const LEADING = ['trial', 'algorithm', 'label', 'task', 'seed'] as const;

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'number' ? String(value) : String(value);
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
