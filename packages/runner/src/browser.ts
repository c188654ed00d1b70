/**
 * `@policy-arena/runner/browser`: the parts of the runner that run in a page or a Web Worker —
 * the trial loop, the built-in plugins, the presets' configs and budgets, and what the report
 * shares with the web app's: its statistics, the figure's Vega-Lite spec, and the reading and
 * merging of results directories' files. Nothing here imports a `node:` module (the CLI, the
 * results store, sweeps and the figure's PNG rendering stay in the main entry). A trial run here with `samplerWorkers: 0` gives
 * the records `arena run` writes for the same plugin, task, preset and seed (minus `cpuSeconds`,
 * which browsers cannot measure per thread).
 */
export { runTrial, withoutTiming, TIMING_FIELDS } from './trial.js';
export type { IterationRecord, TrialOptions, TrialResult, TrialCheckpoint } from './trial.js';
export { builtinPlugins } from '@policy-arena/algorithms';
export { PRESETS, budgetFor } from './presets.js';
export { architectureFor, defaultPolicy } from './default-policy.js';
export type { Budget, PolicyArchitecture } from './presets.js';
export { mergedPluginConfig, presetTrialSettings } from './trial-settings.js';
export type { TrialSettings } from './trial-settings.js';
export { computeSummary } from './report-stats.js';
export type { CurvePoint, FinalRow, AggregateRow, ReportSummary, TrialData } from './report-stats.js';
export { mean, std, iqm, bootstrap, stratifiedBootstrap } from './stats.js';
export type { Interval } from './stats.js';
export { mergeResults, parseRecords, trialData } from './report-data.js';
export type { LoadedResults } from './report-data.js';
export { FONT_FAMILY, PANEL, figureSpec, seedText, wrapText } from './report-spec.js';
export type { FigureOptions, FigureX, XAxis } from './report-spec.js';
export { reportRng } from './stats.js';
export { UsageError } from './usage-error.js';
export type { Manifest, ManifestTrial, TrialFailure, TrialState, TrialStatus } from './store.js';
