/**
 * The interactive report's statistics: per task, variant and iteration the mean or IQM over seeds
 * of a chosen metric with a 95 % percentile-bootstrap interval, and the final value per trial.
 * With Figure 4's choices (score per time step, mean) the bootstrap streams and resample counts
 * are the CLI's (report-stats.ts), so the page draws the same bands as `arena report` does.
 */
import { bootstrap, iqm, mean, reportRng, std } from '@policy-arena/runner/browser';
import type { CurvePoint, Interval, IterationRecord, TrialData } from '@policy-arena/runner/browser';

export const METRICS = {
  perStepReward: { label: 'score per time step', axis: 'score per time step' },
  meanReturn: { label: 'mean return', axis: 'mean episode return' },
  meanKl: { label: 'mean KL', axis: 'mean KL divergence' },
  seconds: { label: 'wall time per iteration', axis: 'wall time per iteration (s)' },
  cumulativeSeconds: { label: 'wall time, cumulative', axis: 'wall time so far (s)' },
} as const;
export type Metric = keyof typeof METRICS;

export const AGGREGATES = {
  mean: { label: 'mean ± 95 % bootstrap CI', short: 'mean', statistic: mean },
  iqm: { label: 'IQM with 95 % bootstrap CI', short: 'IQM', statistic: iqm },
} as const;
export type Aggregate = keyof typeof AGGREGATES;

export const X_AXES = {
  iterations: 'iterations',
  steps: 'env steps',
  wallTime: 'wall time',
} as const;
export type XChoice = keyof typeof X_AXES;

/** A curve point with the cumulative wall seconds (mean over its seeds) for the wall-time x-axis; `mean` holds the chosen aggregate. */
export interface ReportPoint extends CurvePoint {
  readonly wallSeconds: number;
}

export interface CurveOptions {
  readonly metric: Metric;
  readonly aggregate: Aggregate;
  /** Bootstrap resamples (the curves take at most 1000, as the CLI's). */
  readonly reps: number;
  readonly seed: number;
}

/** Per record of a trial, the metric's value (NaN where the record has none). */
export function metricValues(records: readonly IterationRecord[], metric: Metric): number[] {
  if (metric === 'cumulativeSeconds') {
    let sum = 0;
    return records.map((r) => (sum += r.seconds));
  }
  return records.map((r) => {
    const value = r[metric];
    return typeof value === 'number' && Number.isFinite(value) ? value : NaN;
  });
}

function cumulativeSeconds(records: readonly IterationRecord[]): number[] {
  return metricValues(records, 'cumulativeSeconds');
}

/** Figure 4's choices use the CLI's stream names, so that the page's bands are the report's. */
const streamLabels = (kind: 'curve' | 'final-iqm', options: CurveOptions, task: string, variant: string) =>
  options.metric === 'perStepReward' && (kind === 'final-iqm' || options.aggregate === 'mean')
    ? [kind, task, variant]
    : [kind, task, variant, options.metric, ...(kind === 'curve' ? [options.aggregate] : [])];

export function metricCurves(
  data: readonly TrialData[],
  tasks: readonly string[],
  variants: readonly string[],
  options: CurveOptions,
): ReportPoint[] {
  const statistic = AGGREGATES[options.aggregate].statistic;
  const points: ReportPoint[] = [];
  for (const task of tasks) {
    for (const variant of variants) {
      const runs = data
        .filter((d) => d.records.length > 0 && d.trial.task === task && d.trial.variant === variant)
        .map((d) => ({
          records: d.records,
          values: metricValues(d.records, options.metric),
          wall: cumulativeSeconds(d.records),
        }));
      if (runs.length === 0) continue;
      const length = Math.max(...runs.map((r) => r.records.length));
      const rng = reportRng(options.seed, ...streamLabels('curve', options, task, variant));
      for (let i = 0; i < length; i++) {
        const scored = runs.filter((r) => i < r.records.length && Number.isFinite(r.values[i]));
        if (scored.length === 0) continue;
        const values = scored.map((r) => r.values[i]!);
        const band = bootstrap(values, statistic, rng, Math.min(options.reps, 1000));
        points.push({
          task,
          variant,
          iteration: i + 1,
          envSteps: mean(scored.map((r) => r.records[i]!.envSteps)),
          wallSeconds: mean(scored.map((r) => r.wall[i]!)),
          mean: statistic(values),
          low: band.low,
          high: band.high,
          seeds: values.length,
        });
      }
    }
  }
  return points;
}

export interface FinalMetricRow {
  readonly task: string;
  readonly variant: string;
  /** Finished trials with a value of the metric. */
  readonly seeds: number;
  readonly mean: number;
  readonly std: number;
  readonly iqm: number;
  readonly iqmInterval: Interval;
}

/**
 * Per task and variant, over finished trials, the metric's last value (for cumulative wall time:
 * the trial's total) — for the score, the CLI's final score: the last iteration that completed an
 * episode.
 */
export function finalRows(
  data: readonly TrialData[],
  tasks: readonly string[],
  variants: readonly string[],
  options: CurveOptions,
): FinalMetricRow[] {
  const rows: FinalMetricRow[] = [];
  for (const task of tasks) {
    for (const variant of variants) {
      const values = data
        .filter((d) => d.done && d.trial.task === task && d.trial.variant === variant)
        .map((d) => metricValues(d.records, options.metric).findLast(Number.isFinite))
        .filter((v): v is number => v !== undefined);
      if (values.length === 0) continue;
      rows.push({
        task,
        variant,
        seeds: values.length,
        mean: mean(values),
        std: std(values),
        iqm: iqm(values),
        iqmInterval: bootstrap(
          values,
          iqm,
          reportRng(options.seed, ...streamLabels('final-iqm', options, task, variant)),
          options.reps,
        ),
      });
    }
  }
  return rows;
}

/** The variants with trials on the tasks but no value of the metric in any record. */
export function variantsWithout(
  data: readonly TrialData[],
  tasks: readonly string[],
  variants: readonly string[],
  metric: Metric,
): string[] {
  return variants.filter((variant) => {
    const runs = data.filter((d) => d.trial.variant === variant && tasks.includes(d.trial.task));
    return runs.length > 0 && runs.every((d) => !metricValues(d.records, metric).some(Number.isFinite));
  });
}
