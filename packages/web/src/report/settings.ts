/**
 * The report's first settings from its URL: `#report?x=steps&metric=meanReturn&aggregate=iqm&reps=2000&seed=0`
 * (`arena report --serve --x steps --bootstrap 500 --seed 1` prints such a URL). A value the page
 * does not know is named in `problems`, and its default is used.
 */
import { AGGREGATES, METRICS, X_AXES } from './curves.js';
import type { Aggregate, Metric, XChoice } from './curves.js';

export interface ReportSettings {
  readonly metric: Metric;
  readonly aggregate: Aggregate;
  readonly x: XChoice;
  readonly reps: number;
  readonly seed: number;
  readonly problems: readonly string[];
}

export function initialSettings(hash: string): ReportSettings {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  const problems: string[] = [];
  const oneOf = <K extends string>(name: string, options: Readonly<Record<K, unknown>>, fallback: K): K => {
    const value = params.get(name);
    if (value === null) return fallback;
    if (Object.hasOwn(options, value)) return value as K;
    problems.push(
      `URL parameter ${name}: expected one of ${Object.keys(options).join(', ')}, got "${value}"; showing ${fallback}`,
    );
    return fallback;
  };
  const integer = (name: string, min: number, fallback: number): number => {
    const value = params.get(name);
    if (value === null) return fallback;
    if (/^\d+$/.test(value) && Number(value) >= min && Number.isSafeInteger(Number(value)))
      return Number(value);
    problems.push(`URL parameter ${name}: expected an integer ≥ ${min}, got "${value}"; using ${fallback}`);
    return fallback;
  };
  return {
    metric: oneOf('metric', METRICS, 'perStepReward'),
    aggregate: oneOf('aggregate', AGGREGATES, 'mean'),
    x: oneOf('x', X_AXES, 'iterations'),
    reps: integer('reps', 1, 2000),
    seed: integer('seed', 0, 0),
    problems,
  };
}
