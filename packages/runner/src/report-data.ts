/**
 * A results directory's trials as a report reads them, and several directories merged into one
 * report. Without `node:` imports: `arena report` reads the files from disk, the web app's report
 * from a picked directory or over HTTP, and both turn them into the same TrialData.
 */
import type { Json } from '@policy-arena/core';
import type { TrialData } from './report-stats.js';
import type { Manifest, ManifestTrial, TrialState } from './store.js';
import type { IterationRecord } from './trial.js';
import { UsageError } from './usage-error.js';

/** The complete records of a metrics.jsonl (a cut-off last line is ignored). */
export function parseRecords(text: string): IterationRecord[] {
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
 * A trial as the report sees it: its records up to its budget (a resumed trial may have written
 * more before it was cut back), done only with every iteration recorded, and its failure.
 */
export function trialData(
  trial: ManifestTrial,
  allRecords: readonly IterationRecord[],
  state: TrialState | undefined,
): TrialData {
  const records = allRecords.slice(0, trial.iterations);
  const failure =
    state?.status !== 'failed'
      ? undefined
      : (state.failure ?? { type: 'Error', message: state.error ?? 'unknown error' });
  return {
    trial: state ? { ...trial, status: state.status } : trial,
    records,
    done: state?.status === 'done' && records.length === trial.iterations,
    ...(failure ? { failure } : {}),
    ...(state?.spec?.config ? { config: state.spec.config } : {}),
  };
}

/** One results directory as the report reads it. */
export interface LoadedResults {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly data: TrialData[];
}

/** How far a copy of a trial got: finished first, then the most iterations. */
const progress = (d: TrialData) => (d.done ? Number.MAX_SAFE_INTEGER : d.records.length);

/**
 * Several results directories as one: their trials side by side. A trial id in two directories
 * is one trial when its fingerprint (its spec: algorithm, settings, task, seed, budget, code) is
 * the same in both — shards of one sweep in separate directories, or a copy — and the copy that
 * got furthest is taken; with different fingerprints the two results are not comparable under one
 * name, and the merge is refused.
 */
export function mergeResults(sources: readonly LoadedResults[]): { manifest: Manifest; data: TrialData[] } {
  if (sources.length === 1) return { manifest: sources[0]!.manifest, data: sources[0]!.data };
  const byId = new Map<string, { data: TrialData; dir: string }>();
  for (const { dir, data } of sources) {
    for (const d of data) {
      const seen = byId.get(d.trial.id);
      if (!seen) {
        byId.set(d.trial.id, { data: d, dir });
        continue;
      }
      if (seen.data.trial.fingerprint !== d.trial.fingerprint) {
        throw new UsageError(
          `trial "${d.trial.id}" is in "${seen.dir}" and in "${dir}" with different specs (fingerprints ${seen.data.trial.fingerprint} and ${d.trial.fingerprint}): report those directories separately, or label one sweep's algorithms differently`,
        );
      }
      if (progress(d) > progress(seen.data)) byId.set(d.trial.id, { data: d, dir });
    }
  }
  const data = [...byId.values()].map((v) => v.data);
  const manifests = sources.map((s) => s.manifest);
  const unique = <T>(xs: readonly T[]) => [...new Set(xs)];
  const packages: Record<string, string> = {};
  for (const m of manifests) {
    for (const [name, version] of Object.entries(m.packages ?? {})) {
      const versions = unique([...(packages[name]?.split(' / ') ?? []), version]);
      packages[name] = versions.join(' / ');
    }
  }
  const manifest: Manifest = {
    version: 1,
    name: unique(manifests.map((m) => m.name)).join(' + '),
    configFile: manifests.map((m) => m.configFile).join('; '),
    config: manifests.map((m) => m.config) as Json,
    preset: unique(manifests.map((m) => m.preset)).join(', '),
    seeds: unique(manifests.flatMap((m) => m.seeds)).sort((a, b) => a - b),
    tasks: unique(manifests.flatMap((m) => m.tasks)),
    packages,
    plugins: unique(manifests.flatMap((m) => m.plugins ?? [])),
    updatedAt: manifests
      .map((m) => m.updatedAt)
      .sort()
      .at(-1)!,
    trials: data.map((d) => d.trial),
  };
  return { manifest, data };
}
