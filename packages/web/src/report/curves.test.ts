import { computeSummary, iqm, mean } from '@policy-arena/runner/browser';
import type { IterationRecord, Manifest, ManifestTrial, TrialData } from '@policy-arena/runner/browser';
import { describe, expect, it } from 'vitest';
import { finalRows, metricCurves, metricValues, variantsWithout } from './curves.js';

const seeds = [1, 2, 3, 4, 5];
const variants = ['trpo', 'cem'];

/** Made-up trials: seed s of variant v scores (v+1)·i + s² at iteration i; only trpo records meanKl. */
function fakeData(): { manifest: Manifest; data: TrialData[] } {
  const data: TrialData[] = [];
  variants.forEach((variant, v) => {
    for (const seed of seeds) {
      const records: IterationRecord[] = Array.from({ length: 4 }, (_, i) => ({
        iteration: i,
        envSteps: 100 * (i + 1) + seed,
        episodes: 3,
        meanReturn: 10 * ((v + 1) * i + seed ** 2),
        perStepReward: (v + 1) * i + seed ** 2,
        seconds: 0.25 * seed,
        ...(variant === 'trpo' ? { meanKl: 0.01 * seed } : {}),
      }));
      const trial = {
        id: `${variant}__cartpole-v1__seed${seed}`,
        algorithm: variant,
        label: variant,
        variant,
        task: 'cartpole-v1',
        seed,
        grid: {},
        iterations: 4,
        stepsPerIteration: 100,
        fingerprint: 'f',
        status: 'done',
        iterationsDone: 4,
        wallSeconds: 1,
      } as ManifestTrial;
      data.push({ trial, records, done: true });
    }
  });
  const manifest = { trials: data.map((d) => d.trial) } as unknown as Manifest;
  return { manifest, data };
}

const defaults = { metric: 'perStepReward', aggregate: 'mean', reps: 500, seed: 3 } as const;

describe("the interactive report's statistics", () => {
  const { manifest, data } = fakeData();
  const tasks = ['cartpole-v1'];

  it("are the CLI report's for Figure 4's choices: the same curves, bands and final scores", () => {
    const cli = computeSummary(manifest, data, defaults.reps, defaults.seed);
    const curves = metricCurves(data, tasks, variants, defaults);
    expect(curves.map(({ wallSeconds: _, ...point }) => point)).toEqual(cli.curves);
    const finals = finalRows(data, tasks, variants, defaults);
    expect(finals).toEqual(
      cli.final.map(({ task, variant, seeds, mean, std, iqm, iqmInterval }) => ({
        task,
        variant,
        seeds,
        mean,
        std,
        iqm,
        iqmInterval,
      })),
    );
  });

  it('aggregate by IQM: each point is the interquartile mean of the seeds, inside its own band', () => {
    const curves = metricCurves(data, tasks, ['trpo'], { ...defaults, aggregate: 'iqm' });
    const at2 = curves.find((c) => c.iteration === 3)!;
    const values = seeds.map((s) => 2 + s ** 2);
    expect(at2.mean).toBeCloseTo(iqm(values), 12);
    expect(at2.mean).not.toBeCloseTo(mean(values), 3);
    expect(at2.low).toBeLessThanOrEqual(at2.mean);
    expect(at2.high).toBeGreaterThanOrEqual(at2.mean);
  });

  it('put cumulative wall time on the x-axis and as a metric: the running sum of seconds, mean over seeds', () => {
    expect(metricValues(data[0]!.records, 'cumulativeSeconds')).toEqual([0.25, 0.5, 0.75, 1]);
    const curves = metricCurves(data, tasks, ['cem'], { ...defaults, metric: 'cumulativeSeconds' });
    expect(curves.map((c) => c.wallSeconds)).toEqual([0.75, 1.5, 2.25, 3]);
    expect(curves.map((c) => c.mean)).toEqual([0.75, 1.5, 2.25, 3]);
    const totals = finalRows(data, tasks, ['cem'], { ...defaults, metric: 'cumulativeSeconds' });
    expect(totals[0]!.mean).toBe(3);
  });

  it('leave out variants whose records lack the metric, and name them', () => {
    const kl = { ...defaults, metric: 'meanKl' } as const;
    expect(new Set(metricCurves(data, tasks, variants, kl).map((c) => c.variant))).toEqual(new Set(['trpo']));
    expect(finalRows(data, tasks, variants, kl).map((r) => r.variant)).toEqual(['trpo']);
    expect(variantsWithout(data, tasks, variants, 'meanKl')).toEqual(['cem']);
    expect(variantsWithout(data, tasks, variants, 'meanReturn')).toEqual([]);
  });
});
