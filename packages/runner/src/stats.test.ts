import { describe, expect, it } from 'vitest';
import { Rng } from '@policy-arena/core';
import { bootstrap, iqm, mean, quantileSorted, std, stratifiedBootstrap } from './stats.js';

describe('report statistics', () => {
  it('IQM is scipy trim_mean(x, 0.25)', () => {
    // scipy.stats.trim_mean([1, 2, 3, 4, 100], 0.25) = mean([2, 3, 4]) = 3
    expect(iqm([100, 1, 3, 2, 4])).toBe(3);
    // n = 8: cut 2 from each end → mean([3, 4, 5, 6]) = 4.5
    expect(iqm([8, 7, 6, 5, 4, 3, 2, 1])).toBe(4.5);
    // n < 4: nothing cut
    expect(iqm([1, 2, 9])).toBe(4);
  });

  it('mean, sample std and numpy-style quantiles', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935299395, 12);
    expect(std([3])).toBe(0);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
  });

  it('the bootstrap is deterministic for a seed and brackets the statistic', () => {
    const xs = [9.1, 9.8, 7.5, 9.9, 8.7];
    const a = bootstrap(xs, mean, Rng.fromSeed(0), 2000);
    expect(bootstrap(xs, mean, Rng.fromSeed(0), 2000)).toEqual(a);
    expect(bootstrap(xs, mean, Rng.fromSeed(1), 2000)).not.toEqual(a);
    expect(a.low).toBeLessThan(mean(xs));
    expect(a.high).toBeGreaterThan(mean(xs));
    expect(a.low).toBeGreaterThanOrEqual(7.5);
    expect(a.high).toBeLessThanOrEqual(9.9);
  });

  it('the stratified bootstrap resamples within each task', () => {
    // Two tasks whose scores never mix: every resample keeps 2 runs of each, so the mean of any
    // resample lies between (0+0+10+10)/4 and (1+1+11+11)/4.
    const ci = stratifiedBootstrap(
      [
        [0, 1],
        [10, 11],
      ],
      mean,
      Rng.fromSeed(3),
      1000,
    );
    expect(ci.low).toBeGreaterThanOrEqual(5);
    expect(ci.high).toBeLessThanOrEqual(6);
    // A constant stratum adds no width.
    const flat = stratifiedBootstrap([[2, 2, 2]], iqm, Rng.fromSeed(3), 100);
    expect(flat).toEqual({ low: 2, high: 2 });
  });
});
