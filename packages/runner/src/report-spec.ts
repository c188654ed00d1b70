/**
 * The Vega-Lite spec of Figure 4: one panel per task, x = iteration (or env steps), y = score per
 * time step, per variant the mean over seeds and its 95 % band. Pure and without `node:` imports:
 * `arena report` renders it to SVG and PNG (report-figure.ts), and the web app's interactive
 * report draws it in the page with other metrics, aggregates and x-axes.
 *
 * Legibility: Tableau10 colours (Tableau20 past ten variants), and past five variants a dash
 * pattern per group of five, so that colours close in hue (red and pink) still differ; headroom
 * above each panel's highest band, so that curves at the maximum are not drawn over the frame;
 * labels cut to the figure's width (with an ellipsis) rather than widening it; and a caption
 * with the seed count.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CurvePoint } from './report-stats.js';

export const FONT_FAMILY = 'DejaVu Sans';

/** The figure's x-axis: policy iterations (Figure 4's) or env steps (sample efficiency). */
export type XAxis = 'iterations' | 'steps';

/** The interactive report's x-axes: XAxis's and cumulative wall time (a point's `wallSeconds`). */
export type FigureX = XAxis | 'wallTime';

export interface FigureOptions {
  readonly x?: FigureX;
  /** The y-axis title; Figure 4's by default. */
  readonly yTitle?: string;
  /** The caption under the figure, wrapped to its width; by default Figure 4's, with the seed count. */
  readonly caption?: string;
  /**
   * The variants the legend lists (default: all). The others keep their place in the colour scale,
   * so hiding one variant does not repaint the rest.
   */
  readonly legendVariants?: readonly string[];
  /**
   * For a figure shown in a browser: the point nearest the pointer lights up and carries a tooltip
   * (its datum, for the page's tooltip handler).
   */
  readonly hover?: boolean;
}

/** Size of one panel, in SVG units (the PNG has `scale` pixels per unit). */
export const PANEL = { width: 480, height: 300 } as const;
const COLUMN_SPACING = 20;
const LEGEND_FONT_SIZE = 13;
/** A legend entry's symbol and the gaps around its label. */
const LEGEND_SYMBOL = 50;
const CAPTION_FONT_SIZE = 12;
/** Dash patterns, one per group of five variants (solid, dashed, dotted, dash-dot). */
const DASHES = [
  [1, 0],
  [7, 3],
  [2, 2],
  [7, 3, 2, 3],
];

/** Lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** "5 seeds" when every curve has the same number, else "3–5 seeds". */
export function seedText(curves: readonly CurvePoint[]): string {
  const perCurve = new Map<string, number>();
  for (const c of curves) {
    const key = `${c.task}\u0000${c.variant}`;
    perCurve.set(key, Math.max(perCurve.get(key) ?? 0, c.seeds));
  }
  const counts = [...perCurve.values()];
  if (counts.length === 0) return 'no seeds';
  const [lo, hi] = [Math.min(...counts), Math.max(...counts)];
  return lo === hi ? `${lo} seed${lo === 1 ? '' : 's'}` : `${lo}–${hi} seeds`;
}

function xEncoding(x: FigureX) {
  switch (x) {
    case 'steps':
      return {
        field: 'envSteps',
        type: 'quantitative',
        title: 'env steps',
        // SI prefixes (200k, 1M); d3 gives every tick the largest one's, so 0 would read "0k".
        axis: { format: '~s', labelExpr: "datum.value === 0 ? '0' : datum.label" },
      } as const;
    case 'wallTime':
      return { field: 'wallSeconds', type: 'quantitative', title: 'wall time (s)' } as const;
    case 'iterations':
      return {
        field: 'iteration',
        type: 'quantitative',
        title: 'iteration',
        axis: { tickMinStep: 1 },
      } as const;
  }
}

/**
 * The Vega-Lite spec of Figure 4: one panel per task, mean and 95 % band per variant. With
 * `x: 'wallTime'` the points need a `wallSeconds` field besides CurvePoint's.
 */
export function figureSpec(
  curves: readonly CurvePoint[],
  tasks: readonly string[],
  variants: readonly string[],
  options: FigureOptions = {},
): TopLevelSpec {
  const steps = options.x === 'steps';
  const x = xEncoding(options.x ?? 'iterations');
  const columns = Math.min(2, Math.max(1, tasks.length));
  const figureWidth = columns * PANEL.width + (columns - 1) * COLUMN_SPACING;
  // Vega sizes text without a canvas at 0.8 × the font size a character (it then cuts labels at
  // their limit with an ellipsis): as many legend columns as the longest label allows, up to 3.
  const legendChar = 0.8 * LEGEND_FONT_SIZE;
  const longest = Math.max(1, ...variants.map((v) => v.length));
  const legendColumns = Math.max(
    1,
    Math.min(3, variants.length, Math.floor(figureWidth / (longest * legendChar + LEGEND_SYMBOL))),
  );
  const color = {
    field: 'variant',
    type: 'nominal',
    title: 'algorithm',
    scale: { domain: [...variants], scheme: variants.length > 10 ? 'tableau20' : 'tableau10' },
  } as const;
  const strokeDash = {
    field: 'variant',
    type: 'nominal',
    title: 'algorithm',
    scale: {
      domain: [...variants],
      range: variants.map((_, i) =>
        variants.length > 5 ? DASHES[Math.floor(i / 5) % DASHES.length]! : [1, 0],
      ),
    },
  } as const;
  const legend = {
    orient: 'bottom',
    columns: legendColumns,
    // Long labels are cut with an ellipsis: the legend never makes the figure wider than its panels.
    labelLimit: Math.floor(figureWidth / legendColumns) - LEGEND_SYMBOL,
    symbolType: 'stroke',
    symbolStrokeWidth: 3,
    symbolOpacity: 1,
    ...(options.legendVariants ? { values: [...options.legendVariants] } : {}),
  } as const;
  const y = { type: 'quantitative', title: options.yTitle ?? 'score per time step' } as const;
  const caption = wrapText(
    options.caption ??
      `Mean over ${seedText(curves)} per curve; shaded: the 95 % percentile-bootstrap interval of the mean. ` +
        `x: ${steps ? 'env steps so far (mean over seeds)' : 'policy iteration'}; y: mean episode return ÷ horizon.`,
    Math.floor(figureWidth / (0.8 * CAPTION_FONT_SIZE)),
  );
  const hover = options.hover
    ? [
        {
          // The point nearest the pointer (Voronoi cells over the panel), so that a thin line need
          // not be hit exactly.
          params: [
            {
              name: 'hover',
              select: { type: 'point', on: 'pointerover', clear: 'pointerout', nearest: true },
            },
          ],
          mark: { type: 'point', filled: true, size: 60, tooltip: { content: 'data' } },
          encoding: {
            x,
            y: { ...y, field: 'mean' },
            color: { ...color, legend },
            opacity: { condition: { param: 'hover', empty: false, value: 1 }, value: 0 },
          },
        },
      ]
    : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    padding: 12,
    title: {
      text: caption,
      orient: 'bottom',
      anchor: 'start',
      fontSize: CAPTION_FONT_SIZE,
      fontWeight: 'normal',
      color: '#444',
      limit: figureWidth,
      offset: 14,
    },
    data: { values: curves.map((c) => ({ ...c })) },
    facet: {
      field: 'task',
      type: 'nominal',
      title: null,
      sort: [...tasks],
      header: { labelFontSize: 14, labelFontWeight: 'bold', labelLimit: PANEL.width },
    },
    columns,
    spacing: { column: COLUMN_SPACING, row: 24 },
    spec: {
      width: PANEL.width,
      height: PANEL.height,
      transform: [
        {
          joinaggregate: [
            { op: 'max', field: 'high', as: 'top' },
            { op: 'min', field: 'low', as: 'bottom' },
          ],
          groupby: ['task'],
        },
        // 6 % of the panel's range above its highest band: room between the curves and the frame.
        { calculate: 'datum.top + 0.06 * (datum.top - min(0, datum.bottom))', as: 'headroom' },
      ],
      layer: [
        {
          mark: { type: 'area', opacity: 0.15 },
          encoding: {
            x,
            y: { ...y, field: 'low' },
            y2: { field: 'high' },
            color: { ...color, legend },
          },
        },
        {
          mark: { type: 'line', strokeWidth: 2.25 },
          encoding: {
            x,
            y: { ...y, field: 'mean' },
            color: { ...color, legend },
            strokeDash: { ...strokeDash, legend },
          },
        },
        {
          mark: { type: 'point', opacity: 0 },
          encoding: { x, y: { ...y, field: 'headroom' } },
        },
        ...hover,
      ],
    },
    resolve: { scale: { y: 'independent', x: 'independent' } },
    config: {
      font: FONT_FAMILY,
      view: { stroke: '#ccc' },
      axis: { labelFontSize: 12, titleFontSize: 13 },
      legend: { labelFontSize: LEGEND_FONT_SIZE, titleFontSize: LEGEND_FONT_SIZE },
    },
  } as TopLevelSpec;
}
