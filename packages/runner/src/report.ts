/**
 * `arena report <dir>`: a self-contained HTML report of a sweep directory, and its figure as SVG
 * and PNG (Vega-Lite → Vega → SVG → @resvg/resvg-js).
 *
 * - Figure (the paper's Figure 4): one panel per task, x = iteration, y = score per time step
 *   (perStepReward); per algorithm variant the mean over seeds and a 95 % percentile-bootstrap band
 *   of that mean.
 * - Final performance (perStepReward of the last iteration) per task and variant: mean ± std over
 *   seeds, IQM with a 95 % bootstrap interval; across tasks, the IQM of min–max normalized scores
 *   with a stratified-bootstrap interval (rliable). Wall time per variant.
 *
 * Every bootstrap is seeded: the same directory gives the same report, byte for byte.
 * Text in the PNG is drawn with DejaVu Sans shipped in the `dejavu-fonts-ttf` package, so it
 * renders the same on a machine without system fonts.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from './config.js';
import { bootstrap, iqm, mean, reportRng, std, stratifiedBootstrap } from './stats.js';
import type { Interval } from './stats.js';
import { MANIFEST_FILE, ResultsStore, checkWritable, makeDirectories, writeFileAtomic } from './store.js';
import type { Manifest, ManifestTrial, TrialFailure } from './store.js';
import type { IterationRecord } from './trial.js';

export const FONT_FAMILY = 'DejaVu Sans';

export function fontFile(): string {
  return createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
}

export interface ReportOptions {
  /** The sweep directory (holds manifest.json). */
  readonly dir: string;
  /** Where to write index.html, figure-4.svg, figure-4.png, summary.json (default: <dir>/report). */
  readonly out?: string;
  /** Bootstrap resamples (default 2000). */
  readonly reps?: number;
  /** Seed of the bootstrap streams (default 0). */
  readonly seed?: number;
  /** PNG pixels per SVG unit (default 2). */
  readonly scale?: number;
}

export interface CurvePoint {
  readonly task: string;
  readonly variant: string;
  /** 1-based, as on Figure 4's axis. */
  readonly iteration: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly seeds: number;
}

export interface FinalRow {
  readonly task: string;
  readonly variant: string;
  readonly algorithm: string;
  /** Finished trials (seeds) in the statistics. */
  readonly seeds: number;
  readonly mean: number;
  readonly std: number;
  readonly iqm: number;
  readonly iqmInterval: Interval;
  readonly meanReturn: number;
  /** Mean wall seconds per trial. */
  readonly secondsPerTrial: number;
  /** Mean CPU seconds per trial (all its threads), NaN where the records have no `cpuSeconds`. */
  readonly cpuSecondsPerTrial: number;
}

export interface AggregateRow {
  readonly variant: string;
  readonly tasks: number;
  readonly runs: number;
  readonly normalizedIqm: number;
  readonly normalizedIqmInterval: Interval;
  readonly normalizedMean: number;
  readonly normalizedMeanInterval: Interval;
  readonly totalSeconds: number;
  readonly secondsPerTrial: number;
}

export interface ReportSummary {
  readonly name: string;
  readonly tasks: readonly string[];
  readonly variants: readonly string[];
  readonly trials: { readonly total: number; readonly done: number; readonly withRecords: number };
  /** Every failed trial's error, as its trial.json keeps it. */
  readonly failures: readonly ({ readonly id: string } & TrialFailure)[];
  readonly curves: readonly CurvePoint[];
  readonly final: readonly FinalRow[];
  readonly aggregate: readonly AggregateRow[];
  readonly figure: {
    readonly width: number;
    readonly height: number;
    readonly pngWidth: number;
    readonly pngHeight: number;
  };
}

interface TrialData {
  readonly trial: ManifestTrial;
  readonly records: IterationRecord[];
  readonly done: boolean;
  readonly failure?: TrialFailure;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function loadSweep(dir: string): { manifest: Manifest; data: TrialData[] } {
  const store = new ResultsStore(dir);
  if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) {
    throw new UsageError(
      `"${dir}" is not a sweep directory: it has no ${MANIFEST_FILE} (run \`arena sweep\` first)`,
    );
  }
  const manifest = store.readManifest();
  if (!manifest || !Array.isArray(manifest.trials))
    throw new UsageError(`${path.join(dir, MANIFEST_FILE)} is not a sweep manifest`);
  const data = manifest.trials.map((trial) => {
    const records = store.readRecords(trial.id).slice(0, trial.iterations);
    const state = store.readState(trial.id);
    const failure =
      state?.status !== 'failed'
        ? undefined
        : (state.failure ?? { type: 'Error', message: state.error ?? 'unknown error' });
    return {
      trial: state ? { ...trial, status: state.status } : trial,
      records,
      done: state?.status === 'done' && records.length === trial.iterations,
      ...(failure ? { failure } : {}),
    };
  });
  return { manifest, data };
}

export function computeSummary(manifest: Manifest, data: readonly TrialData[], reps: number, seed: number) {
  const withRecords = data.filter((d) => d.records.length > 0);
  const tasks = unique(manifest.trials.map((t) => t.task));
  const variants = unique(manifest.trials.map((t) => t.variant));

  const curves: CurvePoint[] = [];
  for (const task of tasks) {
    for (const variant of variants) {
      const runs = withRecords.filter((d) => d.trial.task === task && d.trial.variant === variant);
      if (runs.length === 0) continue;
      const length = Math.max(...runs.map((r) => r.records.length));
      const rng = reportRng(seed, 'curve', task, variant);
      for (let i = 0; i < length; i++) {
        const values = runs
          .map((r) => r.records[i]?.perStepReward)
          .filter((v): v is number => Number.isFinite(v));
        if (values.length === 0) continue;
        const band = bootstrap(values, mean, rng, Math.min(reps, 1000));
        curves.push({
          task,
          variant,
          iteration: i + 1,
          mean: mean(values),
          low: band.low,
          high: band.high,
          seeds: values.length,
        });
      }
    }
  }

  const final: FinalRow[] = [];
  const finalScores = new Map<string, Map<string, number[]>>(); // task → variant → scores
  for (const task of tasks) {
    const byVariant = new Map<string, number[]>();
    finalScores.set(task, byVariant);
    for (const variant of variants) {
      // A trial's final score is its last iteration's, or the latest before it where an iteration
      // completed no episode; a trial with no scored iteration has no final score.
      const runs = data
        .filter((d) => d.done && d.trial.task === task && d.trial.variant === variant)
        .map((d) => ({ ...d, scored: d.records.findLast((r) => r.perStepReward !== undefined) }))
        .filter((d): d is typeof d & { scored: IterationRecord } => d.scored !== undefined);
      if (runs.length === 0) continue;
      const scores = runs.map((r) => r.scored.perStepReward!);
      byVariant.set(variant, scores);
      const seconds = runs.map((r) => r.records.reduce((s, x) => s + x.seconds, 0));
      const cpu = runs.map((r) => r.records.reduce((s, x) => s + (x['cpuSeconds'] ?? NaN), 0));
      final.push({
        task,
        variant,
        algorithm: runs[0]!.trial.algorithm,
        seeds: runs.length,
        mean: mean(scores),
        std: std(scores),
        iqm: iqm(scores),
        iqmInterval: bootstrap(scores, iqm, reportRng(seed, 'final-iqm', task, variant), reps),
        meanReturn: mean(runs.map((r) => r.scored.meanReturn!)),
        secondsPerTrial: mean(seconds),
        cpuSecondsPerTrial: mean(cpu),
      });
    }
  }

  // Across tasks: scores min–max normalized per task over every finished run in this report.
  const aggregate: AggregateRow[] = [];
  for (const variant of variants) {
    const strata: number[][] = [];
    for (const task of tasks) {
      const all = [...finalScores.get(task)!.values()].flat();
      const scores = finalScores.get(task)!.get(variant);
      if (!scores || all.length === 0) continue;
      const lo = Math.min(...all);
      const hi = Math.max(...all);
      strata.push(scores.map((s) => (hi > lo ? (s - lo) / (hi - lo) : 1)));
    }
    if (strata.length === 0) continue;
    const runs = data.filter((d) => d.done && d.trial.variant === variant);
    const seconds = runs.map((r) => r.records.reduce((s, x) => s + x.seconds, 0));
    const flat = strata.flat();
    aggregate.push({
      variant,
      tasks: strata.length,
      runs: flat.length,
      normalizedIqm: iqm(flat),
      normalizedIqmInterval: stratifiedBootstrap(
        strata,
        iqm,
        reportRng(seed, 'aggregate-iqm', variant),
        reps,
      ),
      normalizedMean: mean(flat),
      normalizedMeanInterval: stratifiedBootstrap(
        strata,
        mean,
        reportRng(seed, 'aggregate-mean', variant),
        reps,
      ),
      totalSeconds: seconds.reduce((a, b) => a + b, 0),
      secondsPerTrial: mean(seconds),
    });
  }
  return {
    tasks,
    variants,
    curves,
    final,
    aggregate,
    trials: { total: data.length, done: data.filter((d) => d.done).length, withRecords: withRecords.length },
    failures: data.flatMap((d) => {
      if (!d.failure) return [];
      const { stack: _stack, ...failure } = d.failure;
      return [{ id: d.trial.id, ...failure }];
    }),
  };
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

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const interval = (i: Interval, digits = 2) => `[${num(i.low, digits)}, ${num(i.high, digits)}]`;

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function reportHtml(
  manifest: Manifest,
  summary: Omit<ReportSummary, 'figure' | 'name'>,
  svg: string,
): string {
  const title = `policy-arena report — ${manifest.name}`;
  const finalTables = summary.tasks
    .map((task) => {
      const rows = summary.final
        .filter((r) => r.task === task)
        .map((r) => [
          r.variant,
          String(r.seeds),
          `${num(r.mean)} ± ${num(r.std)}`,
          num(r.iqm),
          interval(r.iqmInterval),
          num(r.meanReturn, 1),
          seconds(r.secondsPerTrial),
          Number.isFinite(r.cpuSecondsPerTrial) ? seconds(r.cpuSecondsPerTrial) : 'n/a',
        ]);
      return `<h3>${escapeHtml(task)}</h3>\n${
        rows.length
          ? table(
              [
                'algorithm',
                'seeds',
                'final score/step mean ± std',
                'IQM',
                'IQM 95 % CI',
                'final return (mean)',
                'wall time / trial',
                'CPU time / trial',
              ],
              rows,
            )
          : '<p>No finished trials yet.</p>'
      }`;
    })
    .join('\n');
  const aggregate = summary.aggregate.length
    ? table(
        [
          'algorithm',
          'tasks',
          'runs',
          'normalized IQM',
          '95 % CI (stratified)',
          'normalized mean',
          '95 % CI (stratified)',
          'total wall time',
          'wall time / trial',
        ],
        summary.aggregate.map((a) => [
          a.variant,
          String(a.tasks),
          String(a.runs),
          num(a.normalizedIqm),
          interval(a.normalizedIqmInterval),
          num(a.normalizedMean),
          interval(a.normalizedMeanInterval),
          seconds(a.totalSeconds),
          seconds(a.secondsPerTrial),
        ]),
      )
    : '<p>No finished trials yet.</p>';
  const failures = new Map(summary.failures.map((f) => [f.id, f]));
  const trials = table(
    ['trial', 'status', 'iterations', 'wall time', 'error'],
    manifest.trials.map((t) => {
      const f = failures.get(t.id);
      return [
        t.id,
        f ? 'failed' : t.status,
        `${t.iterationsDone}/${t.iterations}`,
        seconds(t.wallSeconds),
        f
          ? `${f.iteration !== undefined ? `iteration ${f.iteration + 1}: ` : ''}${f.type}: ${f.message}`
          : '',
      ];
    }),
  );
  const packages = Object.entries(manifest.packages)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; }
th { background: #f4f4f4; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
pre { background: #f7f7f7; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; }
.note { color: #555; font-size: 0.9rem; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${summary.trials.done} of ${summary.trials.total} trials finished (${summary.trials.withRecords} with results) · tasks: ${escapeHtml(summary.tasks.join(', '))} · algorithms: ${escapeHtml(summary.variants.join(', '))} · preset ${escapeHtml(manifest.preset)} · seeds ${escapeHtml(manifest.seeds.join(', '))}</p>
<h2>Learning curves (Figure 4)</h2>
<figure>
${svg}
<figcaption class="note">Score per time step (mean episode return ÷ horizon) per iteration: mean over seeds, shaded 95 % percentile-bootstrap interval of the mean.</figcaption>
</figure>
<h2>Final performance</h2>
<p class="note">Score per time step at the last iteration, over finished trials (one per seed). IQM: interquartile mean (scipy trim_mean 0.25, as rliable); intervals: 95 % percentile bootstrap over seeds, ${'seeded'} so the report is deterministic.</p>
${finalTables}
<h2>Across tasks</h2>
<p class="note">Each task's final scores min–max normalized over every finished run in this report (0 = worst, 1 = best run), then IQM and mean over all runs; 95 % stratified-bootstrap intervals (runs resampled within each task), as rliable.</p>
${aggregate}
<h2>Trials</h2>
${trials}
<h2>Config</h2>
<pre>${escapeHtml(JSON.stringify(manifest.config, null, 2))}</pre>
<p class="note">${escapeHtml(packages)}</p>
</body>
</html>
`;
}

export interface ReportFiles {
  readonly html: string;
  readonly svg: string;
  readonly png: string;
  readonly summary: string;
}

/** Writes the report; returns its file paths and the summary. */
export async function writeReport(
  options: ReportOptions,
): Promise<{ files: ReportFiles; summary: ReportSummary }> {
  const dir = path.resolve(options.dir);
  const { manifest, data } = loadSweep(dir);
  const out = path.resolve(options.out ?? path.join(dir, 'report'));
  // Before the bootstrap and the figure, so that an unusable --out costs no time and writes nothing.
  checkWritable(options.out ?? out, options.out !== undefined ? '--out' : 'the report directory');
  const reps = options.reps ?? 2000;
  const seed = options.seed ?? 0;
  const stats = computeSummary(manifest, data, reps, seed);
  const spec = figureSpec(stats.curves, stats.tasks, stats.variants);
  const figure = await renderFigure(spec, options.scale ?? 2);
  const summary: ReportSummary = {
    name: manifest.name,
    ...stats,
    figure: {
      width: figure.width,
      height: figure.height,
      pngWidth: figure.pngWidth,
      pngHeight: figure.pngHeight,
    },
  };
  makeDirectories(out);
  const files: ReportFiles = {
    html: path.join(out, 'index.html'),
    svg: path.join(out, 'figure-4.svg'),
    png: path.join(out, 'figure-4.png'),
    summary: path.join(out, 'summary.json'),
  };
  writeFileAtomic(files.svg, figure.svg);
  fs.writeFileSync(files.png + '.tmp', figure.png);
  fs.renameSync(files.png + '.tmp', files.png);
  writeFileAtomic(files.summary, JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic(files.html, reportHtml(manifest, stats, figure.svg.replace(/^<\?xml[^>]*>\s*/, '')));
  return { files, summary };
}
