/**
 * The statistics of a report, from a sweep's records:
 *
 * - Curves (the paper's Figure 4): per task, variant and iteration, the mean over seeds of the
 *   score per time step (perStepReward) and a 95 % percentile-bootstrap band of that mean.
 * - Final performance (perStepReward of the last iteration) per task and variant: mean ± std over
 *   seeds, IQM with a 95 % bootstrap interval; across tasks, the IQM of min–max normalized scores
 *   with a stratified-bootstrap interval (rliable). Wall time per variant. With finished runs on
 *   one task only there is nothing to aggregate — min–max normalizing one task would only rescale
 *   its table, its worst run to 0 — and `aggregate` is empty.
 *
 * Every bootstrap is seeded: the same directory gives the same report, byte for byte.
 */
import { bootstrap, iqm, mean, reportRng, std, stratifiedBootstrap } from './stats.js';
import type { Interval } from './stats.js';
import type { Json } from '@policy-arena/core';
import type { Manifest, ManifestTrial, TrialFailure } from './store.js';
import type { IterationRecord } from './trial.js';

export interface CurvePoint {
  readonly task: string;
  readonly variant: string;
  /** 1-based, as on Figure 4's axis. */
  readonly iteration: number;
  /** Env steps so far at this iteration: the mean over the seeds in `mean` (the x-axis of `--x steps`). */
  readonly envSteps: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly seeds: number;
}

export interface FinalRow {
  readonly task: string;
  readonly variant: string;
  readonly algorithm: string;
  /** Finished trials (seeds) in the statistics. */
  readonly seeds: number;
  readonly mean: number;
  readonly std: number;
  readonly iqm: number;
  readonly iqmInterval: Interval;
  readonly meanReturn: number;
  /** Mean wall seconds per trial. */
  readonly secondsPerTrial: number;
  /** Mean CPU seconds per trial (all its threads), NaN where the records have no `cpuSeconds`. */
  readonly cpuSecondsPerTrial: number;
}

export interface AggregateRow {
  readonly variant: string;
  readonly tasks: number;
  readonly runs: number;
  readonly normalizedIqm: number;
  readonly normalizedIqmInterval: Interval;
  readonly normalizedMean: number;
  readonly normalizedMeanInterval: Interval;
  readonly totalSeconds: number;
  readonly secondsPerTrial: number;
}

export interface ReportSummary {
  readonly name: string;
  readonly tasks: readonly string[];
  readonly variants: readonly string[];
  readonly trials: { readonly total: number; readonly done: number; readonly withRecords: number };
  /** Every failed trial's error, as its trial.json keeps it. */
  readonly failures: readonly ({ readonly id: string } & TrialFailure)[];
  readonly curves: readonly CurvePoint[];
  readonly final: readonly FinalRow[];
  readonly aggregate: readonly AggregateRow[];
  readonly figure: {
    /** The x-axis: policy iterations or env steps. */
    readonly x: 'iterations' | 'steps';
    readonly width: number;
    readonly height: number;
    readonly pngWidth: number;
    readonly pngHeight: number;
  };
}

/** A trial's records and outcome, as the report reads them from the results store. */
export interface TrialData {
  readonly trial: ManifestTrial;
  readonly records: IterationRecord[];
  readonly done: boolean;
  readonly failure?: TrialFailure;
  /** The plugin config the trial ran with (its trial.json's spec), where known. */
  readonly config?: Readonly<Record<string, Json>>;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

export function computeSummary(manifest: Manifest, data: readonly TrialData[], reps: number, seed: number) {
  const withRecords = data.filter((d) => d.records.length > 0);
  const tasks = unique(manifest.trials.map((t) => t.task));
  const variants = unique(manifest.trials.map((t) => t.variant));

  const curves: CurvePoint[] = [];
  for (const task of tasks) {
    for (const variant of variants) {
      const runs = withRecords.filter((d) => d.trial.task === task && d.trial.variant === variant);
      if (runs.length === 0) continue;
      const length = Math.max(...runs.map((r) => r.records.length));
      const rng = reportRng(seed, 'curve', task, variant);
      for (let i = 0; i < length; i++) {
        const scored = runs
          .map((r) => r.records[i])
          .filter((r): r is IterationRecord => r !== undefined && Number.isFinite(r.perStepReward));
        if (scored.length === 0) continue;
        const values = scored.map((r) => r.perStepReward!);
        const band = bootstrap(values, mean, rng, Math.min(reps, 1000));
        curves.push({
          task,
          variant,
          iteration: i + 1,
          envSteps: mean(scored.map((r) => r.envSteps)),
          mean: mean(values),
          low: band.low,
          high: band.high,
          seeds: values.length,
        });
      }
    }
  }

  const final: FinalRow[] = [];
  const finalScores = new Map<string, Map<string, number[]>>(); // task → variant → scores
  for (const task of tasks) {
    const byVariant = new Map<string, number[]>();
    finalScores.set(task, byVariant);
    for (const variant of variants) {
      // A trial's final score is its last iteration's, or the latest before it where an iteration
      // completed no episode; a trial with no scored iteration has no final score.
      const runs = data
        .filter((d) => d.done && d.trial.task === task && d.trial.variant === variant)
        .map((d) => ({ ...d, scored: d.records.findLast((r) => r.perStepReward !== undefined) }))
        .filter((d): d is typeof d & { scored: IterationRecord } => d.scored !== undefined);
      if (runs.length === 0) continue;
      const scores = runs.map((r) => r.scored.perStepReward!);
      byVariant.set(variant, scores);
      const seconds = runs.map((r) => r.records.reduce((s, x) => s + x.seconds, 0));
      const cpu = runs.map((r) => r.records.reduce((s, x) => s + (x['cpuSeconds'] ?? NaN), 0));
      final.push({
        task,
        variant,
        algorithm: runs[0]!.trial.algorithm,
        seeds: runs.length,
        mean: mean(scores),
        std: std(scores),
        iqm: iqm(scores),
        iqmInterval: bootstrap(scores, iqm, reportRng(seed, 'final-iqm', task, variant), reps),
        meanReturn: mean(runs.map((r) => r.scored.meanReturn!)),
        secondsPerTrial: mean(seconds),
        cpuSecondsPerTrial: mean(cpu),
      });
    }
  }

  // Across tasks: scores min–max normalized per task over every finished run in this report.
  const aggregate: AggregateRow[] = [];
  const scoredTasks = tasks.filter((t) => finalScores.get(t)!.size > 0);
  for (const variant of scoredTasks.length >= 2 ? variants : []) {
    const strata: number[][] = [];
    for (const task of tasks) {
      const all = [...finalScores.get(task)!.values()].flat();
      const scores = finalScores.get(task)!.get(variant);
      if (!scores || all.length === 0) continue;
      const lo = Math.min(...all);
      const hi = Math.max(...all);
      strata.push(scores.map((s) => (hi > lo ? (s - lo) / (hi - lo) : 1)));
    }
    if (strata.length === 0) continue;
    const runs = data.filter((d) => d.done && d.trial.variant === variant);
    const seconds = runs.map((r) => r.records.reduce((s, x) => s + x.seconds, 0));
    const flat = strata.flat();
    aggregate.push({
      variant,
      tasks: strata.length,
      runs: flat.length,
      normalizedIqm: iqm(flat),
      normalizedIqmInterval: stratifiedBootstrap(
        strata,
        iqm,
        reportRng(seed, 'aggregate-iqm', variant),
        reps,
      ),
      normalizedMean: mean(flat),
      normalizedMeanInterval: stratifiedBootstrap(
        strata,
        mean,
        reportRng(seed, 'aggregate-mean', variant),
        reps,
      ),
      totalSeconds: seconds.reduce((a, b) => a + b, 0),
      secondsPerTrial: mean(seconds),
    });
  }
  return {
    tasks,
    variants,
    curves,
    final,
    aggregate,
    trials: { total: data.length, done: data.filter((d) => d.done).length, withRecords: withRecords.length },
    failures: data.flatMap((d) => {
      if (!d.failure) return [];
      const { stack: _stack, ...failure } = d.failure;
      return [{ id: d.trial.id, ...failure }];
    }),
  };
}
