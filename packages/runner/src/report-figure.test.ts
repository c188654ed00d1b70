import { describe, expect, it } from 'vitest';
import { figureSpec, renderFigure, seedText } from './report-figure.js';
import type { CurvePoint } from './report-stats.js';

const point = (variant: string, iteration: number, value: number, seeds = 5): CurvePoint => ({
  task: 'cartpole-v1',
  variant,
  iteration,
  envSteps: 4000 * iteration,
  mean: value,
  low: value,
  high: value,
  seeds,
});

describe('Figure 4', () => {
  it('leaves headroom above a curve at the maximum, so the frame does not hide it', async () => {
    // A curve flat at cart-pole's maximum of 10: without headroom it is drawn on the frame (y = 0).
    const curves = [1, 2, 3, 4, 5].map((i) => point('at-max', i, 10));
    const { svg } = await renderFigure(figureSpec(curves, ['cartpole-v1'], ['at-max']), 1);
    const line = /aria-roledescription="line mark" d="M[\d.]+,([\d.]+)/.exec(svg);
    expect(line).not.toBeNull();
    expect(Number(line![1])).toBeGreaterThan(10);
  });

  it('tells ten variants apart: ten Tableau colours, and dash patterns past five', () => {
    const variants = Array.from({ length: 10 }, (_, i) => `v${i}`);
    const spec = JSON.stringify(figureSpec([], ['cartpole-v1'], variants));
    expect(spec).toContain('"scheme":"tableau10"');
    const dashes = JSON.parse(spec).spec.layer[1].encoding.strokeDash.scale.range as number[][];
    expect(dashes.slice(0, 5).every((d) => d.join() === '1,0')).toBe(true);
    expect(dashes.slice(5).every((d) => d.join() !== '1,0')).toBe(true);
    expect(JSON.stringify(figureSpec([], ['cartpole-v1'], variants.concat('v10')))).toContain(
      '"scheme":"tableau20"',
    );
  });

  it('counts the seeds of its curves for the caption', () => {
    expect(seedText([point('a', 1, 1, 5), point('b', 1, 1, 5)])).toBe('5 seeds');
    expect(seedText([point('a', 1, 1, 3), point('b', 1, 1, 5), point('b', 2, 1, 4)])).toBe('3–5 seeds');
    expect(seedText([point('a', 1, 1, 1)])).toBe('1 seed');
  });
});
