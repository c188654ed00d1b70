import { describe, expect, it } from 'vitest';
import { figureSpec } from './report-spec.js';

interface Layer {
  mark: { type: string };
  encoding: Record<string, { field?: string; title?: string; legend?: { values?: string[] } }>;
  params?: { name: string }[];
}
const layers = (spec: object) => (spec as { spec: { layer: Layer[] } }).spec.layer;

describe('the figure spec the CLI and the web app share', () => {
  const variants = ['trpo-vine', 'cem', 'cma'];

  it("is Figure 4's without options: iterations, score per time step, every variant in the legend, no hover layer", () => {
    const spec = figureSpec([], ['cartpole-v1'], variants);
    const [area, line, headroom, ...rest] = layers(spec);
    expect(rest).toEqual([]);
    expect(line!.encoding['x']!.field).toBe('iteration');
    expect(line!.encoding['y']!.title).toBe('score per time step');
    expect(area!.encoding['color']!.legend!.values).toBeUndefined();
    expect(headroom!.mark.type).toBe('point');
  });

  it("takes the interactive report's x-axis, y title, caption, legend and hover layer", () => {
    const spec = figureSpec([], ['cartpole-v1'], variants, {
      x: 'wallTime',
      yTitle: 'mean KL',
      caption: 'IQM over seeds',
      legendVariants: ['cem'],
      hover: true,
    });
    const all = layers(spec);
    expect(all).toHaveLength(4);
    const hover = all[3]!;
    expect(hover.params?.map((p) => p.name)).toEqual(['hover']);
    // The same legend as the lines': Vega-Lite merges them into one rather than warning of a conflict.
    expect(hover.encoding['color']!.legend).toEqual(all[1]!.encoding['color']!.legend);
    expect(all[1]!.encoding['x']).toMatchObject({ field: 'wallSeconds', title: 'wall time (s)' });
    expect(all[1]!.encoding['y']!.title).toBe('mean KL');
    expect(all[1]!.encoding['color']!.legend!.values).toEqual(['cem']);
    expect((spec as { title: { text: string[] } }).title.text).toEqual(['IQM over seeds']);
    // Hidden variants keep their colour: the scale's domain is still every variant.
    expect(JSON.stringify(all[1]!.encoding['color'])).toContain('"domain":["trpo-vine","cem","cma"]');
  });
});
