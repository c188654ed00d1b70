/**
 * `arena report <dir…>`: a self-contained HTML report of one or more results directories — sweeps,
 * and `arena run` directories, which are one-trial sweeps — merged into one report, with its figure
 * as SVG and PNG. The statistics (report-stats.ts) are computed before the figure (report-figure.ts)
 * and the page (report-page.ts), so the summary.json beside them holds exactly what they show.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinPlugins } from '@policy-arena/algorithms';
import type { Json } from '@policy-arena/core';
import { UsageError } from './config.js';
import { figureSpec, renderFigure } from './report-figure.js';
import type { XAxis } from './report-figure.js';
import { reportHtml } from './report-page.js';
import type { VariantInfo } from './report-page.js';
import { computeSummary } from './report-stats.js';
import type { ReportSummary, TrialData } from './report-stats.js';
import { checkOutputDir } from './output-dir.js';
import { MANIFEST_FILE, ResultsStore, makeDirectories, writeFileAtomic } from './store.js';
import type { Manifest } from './store.js';
import { mergeResults, trialData } from './report-data.js';
import type { LoadedResults } from './report-data.js';

export { mergeResults };
export type { LoadedResults };

export interface ReportOptions {
  /** One results directory (holds manifest.json); `dirs` takes several. */
  readonly dir?: string;
  /** Results directories, merged into one report. */
  readonly dirs?: readonly string[];
  /** Where to write index.html, figure-4.svg, figure-4.png, summary.json (default: <dir>/report; required with several). */
  readonly out?: string;
  /** Bootstrap resamples (default 2000). */
  readonly reps?: number;
  /** Seed of the bootstrap streams (default 0). */
  readonly seed?: number;
  /** PNG pixels per SVG unit (default 2). */
  readonly scale?: number;
  /** The figure's x-axis: policy iterations (default) or env steps. */
  readonly x?: XAxis;
}

function loadSweep(dir: string): LoadedResults {
  const store = new ResultsStore(dir);
  if (!fs.existsSync(path.join(dir, MANIFEST_FILE))) {
    throw new UsageError(
      `"${dir}" is not a sweep directory: it has no ${MANIFEST_FILE} (run \`arena sweep\` or \`arena run\` first)`,
    );
  }
  const manifest = store.readManifest();
  if (!manifest || !Array.isArray(manifest.trials))
    throw new UsageError(`${path.join(dir, MANIFEST_FILE)} is not a sweep manifest`);
  const data = manifest.trials.map((trial) =>
    trialData(trial, store.readRecords(trial.id), store.readState(trial.id)),
  );
  return { dir, manifest, data };
}

/** Per variant: its plugin's description and the settings its trials ran with, per task. */
function variantInfo(manifest: Manifest, data: readonly TrialData[]): VariantInfo[] {
  const variants = [...new Set(data.map((d) => d.trial.variant))];
  return variants.map((variant) => {
    const trials = data.filter((d) => d.trial.variant === variant);
    const algorithm = trials[0]!.trial.algorithm;
    const builtin = builtinPlugins.find((p) => p.name === algorithm);
    const thirdParty = manifest.plugins?.find((p) => p.name === algorithm);
    const description =
      builtin?.description ??
      (thirdParty
        ? `third-party plugin ${thirdParty.packageName ?? thirdParty.specifier}${thirdParty.version ? ` ${thirdParty.version}` : ''}`
        : '');
    const settings: Record<string, Readonly<Record<string, Json>>> = {};
    for (const d of trials) {
      if (d.config && !(d.trial.task in settings)) settings[d.trial.task] = d.config;
    }
    return { variant, algorithm, description, settings };
  });
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
  const dirs = [
    ...new Set(
      [...(options.dirs ?? []), ...(options.dir !== undefined ? [options.dir] : [])].map((d) =>
        path.resolve(d),
      ),
    ),
  ];
  if (dirs.length === 0) throw new UsageError('no results directory to report');
  if (dirs.length > 1 && options.out === undefined) {
    throw new UsageError('--out is required with more than one directory: where should the report go?');
  }
  const sources = dirs.map(loadSweep);
  const { manifest, data } = mergeResults(sources);
  const out = path.resolve(options.out ?? path.join(dirs[0]!, 'report'));
  // Before the bootstrap and the figure, so that an unusable --out costs no time and writes nothing.
  checkOutputDir(options.out ?? out, options.out !== undefined ? '--out' : 'the report directory');
  const reps = options.reps ?? 2000;
  const seed = options.seed ?? 0;
  const x = options.x ?? 'iterations';
  const stats = computeSummary(manifest, data, reps, seed);
  const spec = figureSpec(stats.curves, stats.tasks, stats.variants, { x });
  const figure = await renderFigure(spec, options.scale ?? 2);
  const summary: ReportSummary = {
    name: manifest.name,
    ...stats,
    figure: {
      x,
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
  writeFileAtomic(
    files.html,
    reportHtml(manifest, stats, figure.svg.replace(/^<\?xml[^>]*>\s*/, ''), {
      x,
      sources: sources.map((s) => ({ dir: s.dir, manifest: s.manifest })),
      variants: variantInfo(manifest, data),
    }),
  );
  return { files, summary };
}
