/**
 * Draws the report's figure in the page: the runner's Figure 4 spec (shared with `arena report`)
 * compiled by Vega-Lite and rendered by a Vega View as SVG, with a tooltip handler that writes the
 * hovered point's values into a positioned div rather than the browser's title tooltip.
 */
import { View, parse } from 'vega';
import type { TooltipHandler } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { el } from '../dom.js';
import type { ReportPoint } from './curves.js';

export interface TooltipLabels {
  readonly x: string;
  /** The x value's field on a point. */
  readonly xField: 'iteration' | 'envSteps' | 'wallSeconds';
  readonly y: string;
}

const format = (x: number) =>
  Number.isInteger(x) ? String(x) : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(4);

function isPoint(value: unknown): value is ReportPoint {
  const p = value as Partial<ReportPoint> | null;
  return typeof p?.variant === 'string' && typeof p.mean === 'number' && typeof p.seeds === 'number';
}

/** The tooltip handler: the hovered point's algorithm, x, y, interval and seed count. */
export function tooltipHandler(tooltip: HTMLElement, labels: () => TooltipLabels): TooltipHandler {
  return (_handler, event, _item, value) => {
    if (!isPoint(value) || !(event instanceof MouseEvent)) {
      tooltip.hidden = true;
      return;
    }
    const l = labels();
    const rows: [string, string][] = [
      ['algorithm', value.variant],
      ['task', value.task],
      [l.x, format(value[l.xField])],
      [l.y, format(value.mean)],
      ['95 % CI', `[${format(value.low)}, ${format(value.high)}]`],
      ['seeds', String(value.seeds)],
    ];
    tooltip.replaceChildren(
      el('table', {}, ...rows.map(([k, v]) => el('tr', { 'data-key': k }, el('th', {}, k), el('td', {}, v)))),
    );
    tooltip.hidden = false;
    // Beside the pointer, flipped to its left near the window's right edge.
    const { innerWidth } = window;
    const width = tooltip.offsetWidth;
    const left = event.clientX + 14 + width > innerWidth ? event.clientX - 14 - width : event.clientX + 14;
    tooltip.style.left = `${Math.max(0, left)}px`;
    tooltip.style.top = `${event.clientY + 14}px`;
  };
}

/** A rendered figure; finalize() before drawing the next one, so its listeners go with it. */
export async function drawFigure(
  container: HTMLElement,
  spec: TopLevelSpec,
  tooltip: TooltipHandler,
): Promise<View> {
  const view = new View(parse(compile(spec).spec), { renderer: 'svg', container, hover: true });
  view.tooltip(tooltip);
  await view.runAsync();
  return view;
}
