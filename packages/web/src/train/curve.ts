/**
 * The playground's live learning curve: score per iteration as an SVG polyline, redrawn on each
 * record (a few hundred points at most, so a full redraw is cheaper than a chart library).
 */
const NS = 'http://www.w3.org/2000/svg';
const W = 560;
const H = 260;
const PAD = { left: 56, right: 12, top: 12, bottom: 36 };

export class LiveCurve {
  readonly svg: SVGSVGElement;
  private readonly points: [number, number][] = [];

  constructor(
    private readonly yLabel: string,
    private readonly totalIterations: number,
  ) {
    this.svg = document.createElementNS(NS, 'svg');
    this.svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.svg.setAttribute('width', String(W));
    this.svg.setAttribute('height', String(H));
    this.svg.setAttribute('role', 'img');
    this.svg.setAttribute('aria-label', `learning curve: ${yLabel} per iteration`);
    this.draw();
  }

  push(iteration: number, value: number): void {
    if (Number.isFinite(value)) this.points.push([iteration, value]);
    this.draw();
  }

  private draw(): void {
    const xs = this.points.map((p) => p[0]);
    const ys = this.points.map((p) => p[1]);
    const xMax = Math.max(this.totalIterations - 1, 1);
    let yMin = Math.min(0, ...ys);
    let yMax = Math.max(1e-9, ...ys);
    if (yMax - yMin < 1e-9) yMax = yMin + 1;
    const pad = 0.05 * (yMax - yMin);
    yMin -= pad;
    yMax += pad;
    const sx = (x: number) => PAD.left + (x / xMax) * (W - PAD.left - PAD.right);
    const sy = (y: number) => H - PAD.bottom - ((y - yMin) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);
    const parts: string[] = [];
    parts.push(
      `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="#fff" stroke="#c8ced9"/>`,
    );
    for (let k = 0; k <= 4; k++) {
      const y = yMin + ((yMax - yMin) * k) / 4;
      parts.push(
        `<text x="${PAD.left - 6}" y="${sy(y) + 4}" text-anchor="end" font-size="11">${y.toPrecision(3)}</text>`,
      );
      parts.push(
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${sy(y)}" y2="${sy(y)}" stroke="#eef0f4"/>`,
      );
    }
    parts.push(`<text x="${PAD.left}" y="${H - 8}" font-size="11">0</text>`);
    parts.push(`<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" font-size="11">${xMax}</text>`);
    parts.push(
      `<text x="${(W + PAD.left) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">iteration</text>`,
    );
    parts.push(
      `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle" font-size="12">${this.yLabel}</text>`,
    );
    if (xs.length > 0) {
      const path = this.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      parts.push(`<polyline class="curve" points="${path}" fill="none" stroke="#1f77b4" stroke-width="2"/>`);
    }
    this.svg.innerHTML = parts.join('');
  }
}
