/**
 * Figure 4 of the paper from a report's curves: one panel per task, x = iteration, y = score per
 * time step, per variant the mean over seeds and its 95 % band; rendered Vega-Lite → Vega → SVG →
 * PNG (@resvg/resvg-js). Text in the PNG is drawn with DejaVu Sans shipped in the
 * `dejavu-fonts-ttf` package, so it renders the same on a machine without system fonts.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { CurvePoint } from './report-stats.js';

export const FONT_FAMILY = 'DejaVu Sans';

export function fontFile(): string {
  return createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
}

/** The Vega-Lite spec of Figure 4: one panel per task, mean and 95 % band per variant. */
export function figureSpec(
  curves: readonly CurvePoint[],
  tasks: readonly string[],
  variants: readonly string[],
): TopLevelSpec {
  const x = {
    field: 'iteration',
    type: 'quantitative',
    title: 'iteration',
    axis: { tickMinStep: 1 },
  } as const;
  const color = {
    field: 'variant',
    type: 'nominal',
    title: 'algorithm',
    scale: { domain: [...variants] },
  } as const;
  const legend = {
    orient: 'bottom',
    columns: Math.min(3, Math.max(1, variants.length)),
    labelLimit: 360,
    symbolType: 'stroke',
    symbolStrokeWidth: 3,
    symbolOpacity: 1,
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 12,
    data: { values: curves.map((c) => ({ ...c })) },
    facet: {
      field: 'task',
      type: 'nominal',
      title: null,
      sort: [...tasks],
      header: { labelFontSize: 14, labelFontWeight: 'bold' },
    },
    columns: Math.min(2, Math.max(1, tasks.length)),
    spec: {
      width: 360,
      height: 240,
      layer: [
        {
          mark: { type: 'area', opacity: 0.2 },
          encoding: {
            x,
            y: { field: 'low', type: 'quantitative', title: 'score per time step' },
            y2: { field: 'high' },
            color: { ...color, legend },
          },
        },
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x,
            y: { field: 'mean', type: 'quantitative', title: 'score per time step' },
            color: { ...color, legend },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent', x: 'independent' } },
    config: {
      font: FONT_FAMILY,
      view: { stroke: '#ccc' },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 12, titleFontSize: 12 },
    },
  } as TopLevelSpec;
}

export async function renderFigure(
  spec: TopLevelSpec,
  scale = 2,
): Promise<{ svg: string; png: Buffer; width: number; height: number; pngWidth: number; pngHeight: number }> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const width = Number(size?.[1] ?? NaN);
  const height = Number(size?.[2] ?? NaN);
  const rendered = new Resvg(svg, {
    font: { fontFiles: [fontFile()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  }).render();
  return { svg, png: rendered.asPng(), width, height, pngWidth: rendered.width, pngHeight: rendered.height };
}
