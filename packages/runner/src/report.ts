/**
 * `arena report <dir>`: a self-contained HTML report of a sweep directory, and its figure as SVG
 * and PNG. The statistics (report-stats.ts) are computed before the figure (report-figure.ts) and
 * the page (report-page.ts), so the summary.json beside them holds exactly what they show.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './config.js';
import { figureSpec, renderFigure } from './report-figure.js';
import { reportHtml } from './report-page.js';
import { computeSummary } from './report-stats.js';
import type { ReportSummary, TrialData } from './report-stats.js';
import { checkOutputDir } from './output-dir.js';
import { MANIFEST_FILE, ResultsStore, makeDirectories, writeFileAtomic } from './store.js';
import type { Manifest } from './store.js';

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
  checkOutputDir(options.out ?? out, options.out !== undefined ? '--out' : 'the report directory');
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
