/**
 * The report's HTML page: self-contained (the figure inlined as SVG, the styles inline), so it can
 * be mailed or archived as one file.
 */
import type { Json } from '@policy-arena/core';
import type { Interval } from './stats.js';
import type { ReportSummary } from './report-stats.js';
import type { Manifest } from './store.js';

/** What the page says about one algorithm variant. */
export interface VariantInfo {
  readonly variant: string;
  readonly algorithm: string;
  /** The plugin's one-line description (for a third-party plugin: its package, where not loaded). */
  readonly description: string;
  /** Task → the resolved settings its trials ran with. */
  readonly settings: Readonly<Record<string, Readonly<Record<string, Json>>>>;
}

export interface PageExtras {
  readonly x?: 'iterations' | 'steps';
  /** The results directories merged into the report. */
  readonly sources?: readonly { readonly dir: string; readonly manifest: Manifest }[];
  readonly variants?: readonly VariantInfo[];
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

const settingsText = (config: Readonly<Record<string, Json>>) =>
  Object.entries(config)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');

/** The variant's settings: once when every task ran with the same, else per task. */
function settingsCell(v: VariantInfo): string {
  const entries = Object.entries(v.settings);
  if (entries.length === 0) return '<td class="note">not recorded</td>';
  const texts = entries.map(([task, config]) => [task, settingsText(config)] as const);
  if (new Set(texts.map(([, t]) => t)).size === 1) return `<td><code>${escapeHtml(texts[0]![1])}</code></td>`;
  return `<td>${texts.map(([task, t]) => `${escapeHtml(task)}: <code>${escapeHtml(t)}</code>`).join('<br>')}</td>`;
}

export function reportHtml(
  manifest: Manifest,
  summary: Omit<ReportSummary, 'figure' | 'name'>,
  svg: string,
  extras: PageExtras = {},
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
  const scoredTasks = new Set(summary.final.map((r) => r.task)).size;
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
    : scoredTasks === 1
      ? '<p>One task has finished trials: there is nothing to aggregate across tasks. (Min–max normalizing a single task would only rescale the table above, its worst run to 0 and its best to 1.)</p>'
      : '<p>No finished trials yet.</p>';
  const algorithms = extras.variants?.length
    ? `<table><thead><tr><th>algorithm</th><th>plugin</th><th>description</th><th>settings (resolved: defaults, preset, settings, grid point)</th></tr></thead><tbody>\n${extras.variants
        .map(
          (v) =>
            `<tr><td>${escapeHtml(v.variant)}</td><td>${escapeHtml(v.algorithm)}</td><td>${escapeHtml(v.description)}</td>${settingsCell(v)}</tr>`,
        )
        .join('\n')}\n</tbody></table>`
    : '';
  const sources = extras.sources ?? [];
  const configs =
    sources.length > 1
      ? sources
          .map(
            (s) =>
              `<h3>${escapeHtml(s.manifest.name)}</h3>\n<p class="note">${escapeHtml(s.dir)}</p>\n<pre>${escapeHtml(JSON.stringify(s.manifest.config, null, 2))}</pre>`,
          )
          .join('\n')
      : `<pre>${escapeHtml(JSON.stringify(manifest.config, null, 2))}</pre>`;
  const steps = extras.x === 'steps';
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
figure svg { display: block; width: 100%; height: auto; max-height: 90vh; }
code { font-size: 0.8rem; }
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
<figcaption class="note">Score per time step (mean episode return ÷ horizon) per ${steps ? 'env step count (cumulative env steps at each iteration, mean over seeds)' : 'iteration'}: mean over seeds, shaded 95 % percentile-bootstrap interval of the mean.</figcaption>
</figure>
${algorithms ? `<h2>Algorithms</h2>\n${algorithms}\n` : ''}<h2>Final performance</h2>
<p class="note">Score per time step at the last iteration, over finished trials (one per seed). IQM: interquartile mean (scipy trim_mean 0.25, as rliable); intervals: 95 % percentile bootstrap over seeds, ${'seeded'} so the report is deterministic.</p>
${finalTables}
<h2>Across tasks</h2>
${summary.aggregate.length ? `<p class="note">Each task's final scores min–max normalized over every finished run in this report (0 = worst, 1 = best run), then IQM and mean over all runs; 95 % stratified-bootstrap intervals (runs resampled within each task), as rliable.</p>\n` : ''}${aggregate}
<h2>Trials</h2>
${trials}
${sources.length > 1 ? `<h2>Results directories</h2>\n<ul>${sources.map((s) => `<li>${escapeHtml(s.manifest.name)}: ${escapeHtml(s.dir)}</li>`).join('')}</ul>\n` : ''}<h2>Config</h2>
${configs}
<p class="note">${escapeHtml(packages)}</p>
</body>
</html>
`;
}
