/**
 * Figure 4 of the paper rendered for `arena report`: the spec (report-spec.ts) → Vega → SVG → PNG
 * (@resvg/resvg-js). Text in the PNG is drawn with DejaVu Sans shipped in the `dejavu-fonts-ttf`
 * package, so it renders the same on a machine without system fonts.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY } from './report-spec.js';

export { FONT_FAMILY, PANEL, figureSpec, seedText, wrapText } from './report-spec.js';
export type { FigureOptions, FigureX, XAxis } from './report-spec.js';

export function fontFile(): string {
  return createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
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
