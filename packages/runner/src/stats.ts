/**
 * Statistics for the report, after rliable (Agarwal et al. 2021, "Deep RL at the edge of the
 * statistical precipice"): the interquartile mean (IQM) and percentile-bootstrap confidence
 * intervals, stratified by task when scores of several tasks are aggregated (each resample draws
 * runs with replacement within every task separately). Every bootstrap takes a seeded Rng, so a
 * report is deterministic.
 */
import { Rng } from '@policy-arena/core/env';

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return xs.length === 1 ? 0 : NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/**
 * Interquartile mean: the mean of the middle 50 % — scipy's `trim_mean(x, 0.25)` as rliable uses
 * it: ⌊n/4⌋ values are cut from each end (none for n < 4).
 */
export function iqm(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const cut = Math.floor(0.25 * sorted.length);
  return mean(sorted.slice(cut, sorted.length - cut));
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * Percentile-bootstrap (1 − alpha) interval of `statistic` over runs grouped by task (strata):
 * each of `reps` resamples draws, within every task, as many runs as it has, with replacement,
 * and applies `statistic` to all resampled scores together. With one task this is the ordinary
 * bootstrap.
 */
export function stratifiedBootstrap(
  strata: readonly (readonly number[])[],
  statistic: (xs: readonly number[]) => number,
  rng: Rng,
  reps = 2000,
  alpha = 0.05,
): Interval {
  const groups = strata.filter((g) => g.length > 0);
  if (groups.length === 0) return { low: NaN, high: NaN };
  const total = groups.reduce((s, g) => s + g.length, 0);
  const sample = new Array<number>(total);
  const stats = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    let k = 0;
    for (const g of groups) for (let i = 0; i < g.length; i++) sample[k++] = g[rng.int(g.length)]!;
    stats[r] = statistic(sample);
  }
  const sorted = Array.from(stats).sort((a, b) => a - b);
  return { low: quantileSorted(sorted, alpha / 2), high: quantileSorted(sorted, 1 - alpha / 2) };
}

export function bootstrap(
  xs: readonly number[],
  statistic: (xs: readonly number[]) => number,
  rng: Rng,
  reps = 2000,
  alpha = 0.05,
): Interval {
  return stratifiedBootstrap([xs], statistic, rng, reps, alpha);
}

/** A seeded stream per purpose, so adding a table never shifts another's intervals. */
export function reportRng(seed: number, ...labels: string[]): Rng {
  return Rng.fromSeed(seed, ...labels);
}
