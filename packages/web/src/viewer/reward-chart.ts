/**
 * The reward terms of the episode being played, per step, drawn up to the step on screen: one
 * polyline per term of the env's `spec.rewardTerms` (costs are negative) and a legend with each
 * term's value at that step. The episode is recorded before it plays, so the axes span all of it
 * from the first frame and do not rescale as it goes.
 */
import type { RecordedEpisode } from './episode.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 360;
const H = 200;
const PAD = { left: 48, right: 10, top: 10, bottom: 26 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];
/** The term plotted for an env that does not split its reward. */
const REWARD = 'reward';

function svgNode<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

export class RewardChart {
  readonly element: HTMLElement;
  private readonly names: readonly string[];
  private readonly svg: SVGSVGElement;
  private readonly lines: SVGPolylineElement[];
  private readonly values: HTMLElement[];
  private readonly axis: SVGGElement;
  /** Per term: each step's point as "x,y" (index t − 1 for step t). */
  private points: string[][] = [];
  private series: Float64Array[] = [];
  private shown = -1;

  constructor(termNames: readonly string[] | undefined) {
    this.names = termNames && termNames.length > 0 ? termNames : [REWARD];
    this.svg = svgNode('svg', {
      viewBox: `0 0 ${W} ${H}`,
      width: W,
      height: H,
      role: 'img',
      'aria-label': `reward terms per step: ${this.names.join(', ')}`,
    });
    this.axis = svgNode('g', { class: 'axis' });
    this.svg.append(this.axis);
    this.lines = this.names.map((name, i) => {
      const line = svgNode('polyline', {
        class: 'term',
        'data-term': name,
        fill: 'none',
        stroke: COLOURS[i % COLOURS.length]!,
        'stroke-width': 1.5,
      });
      this.svg.append(line);
      return line;
    });
    const legend = document.createElement('ul');
    legend.className = 'legend';
    this.values = this.names.map((name, i) => {
      const item = document.createElement('li');
      item.dataset.term = name;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = COLOURS[i % COLOURS.length]!;
      const value = document.createElement('span');
      value.className = 'value';
      item.append(swatch, `${name} `, value);
      legend.append(item);
      return value;
    });
    const title = document.createElement('figcaption');
    title.textContent = 'Reward terms per step';
    this.element = document.createElement('figure');
    this.element.className = 'reward-chart';
    this.element.append(title, this.svg, legend);
  }

  /** Lays out the axes for a new episode and clears the lines. */
  setEpisode(episode: RecordedEpisode): void {
    const steps = episode.steps;
    this.series = this.names.map((name) =>
      Float64Array.from(steps.slice(1), (s, i) =>
        name === REWARD && !s.terms ? s.total - steps[i]!.total : (s.terms?.[name] ?? NaN),
      ),
    );
    let lo = 0;
    let hi = 0;
    for (const values of this.series)
      for (const v of values)
        if (Number.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
    // Zero, and the extremes where they are far enough from it for their labels not to overlap.
    const ticks = [0, ...[lo, hi].filter((v) => Math.abs(v) > 0.1 * (hi - lo))];
    if (hi - lo < 1e-9) hi = lo + 1;
    const pad = 0.05 * (hi - lo);
    lo -= pad;
    hi += pad;
    const last = Math.max(1, steps.length - 1);
    const x = (t: number) => PAD.left + (t / last) * (W - PAD.left - PAD.right);
    const y = (v: number) => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
    this.points = this.series.map((values) =>
      Array.from(values, (v, i) => `${x(i + 1).toFixed(1)},${y(Number.isFinite(v) ? v : 0).toFixed(1)}`),
    );
    const tick = (v: number) =>
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${v === 0 ? '#9aa4b2' : '#eef0f4'}"/>` +
      `<text x="${PAD.left - 5}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="10">${Number(v.toPrecision(2))}</text>`;
    this.axis.innerHTML =
      `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="#fff" stroke="#c8ced9"/>` +
      ticks.map(tick).join('') +
      `<text x="${PAD.left}" y="${H - 8}" font-size="10">0</text>` +
      `<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" font-size="10">${last}</text>` +
      `<text x="${(W + PAD.left) / 2}" y="${H - 8}" text-anchor="middle" font-size="11">step</text>`;
    this.shown = -1;
  }

  /** Draws the lines up to step `t` (0: the reset, nothing yet). */
  show(t: number): void {
    if (t === this.shown) return;
    this.shown = t;
    this.lines.forEach((line, i) => line.setAttribute('points', this.points[i]!.slice(0, t).join(' ')));
    this.values.forEach((value, i) => {
      const v = t > 0 ? this.series[i]![t - 1]! : NaN;
      value.textContent = formatTerm(v);
    });
  }
}

/** Three decimals, or two significant digits for a small cost (control costs are ~1e-5). */
function formatTerm(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(1) : v.toFixed(3);
}
