import { describe, expect, it } from 'vitest';
import { initialSettings } from './settings.js';

describe("the report's first settings from its URL", () => {
  it("are Figure 4's without parameters", () => {
    expect(initialSettings('#report')).toEqual({
      metric: 'perStepReward',
      aggregate: 'mean',
      x: 'iterations',
      reps: 2000,
      seed: 0,
      problems: [],
    });
  });

  it('take the parameters arena report --serve prints', () => {
    expect(initialSettings('#report?x=steps&reps=500&seed=7&metric=meanKl&aggregate=iqm')).toMatchObject({
      x: 'steps',
      reps: 500,
      seed: 7,
      metric: 'meanKl',
      aggregate: 'iqm',
      problems: [],
    });
  });

  it('name an unknown value and keep the default', () => {
    const settings = initialSettings('#report?x=time&reps=-1&metric=toString');
    expect(settings).toMatchObject({ x: 'iterations', reps: 2000, metric: 'perStepReward' });
    expect(settings.problems).toEqual([
      'URL parameter metric: expected one of perStepReward, meanReturn, meanKl, seconds, cumulativeSeconds, got "toString"; showing perStepReward',
      'URL parameter x: expected one of iterations, steps, wallTime, got "time"; showing iterations',
      'URL parameter reps: expected an integer ≥ 1, got "-1"; using 2000',
    ]);
  });
});
