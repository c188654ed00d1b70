export {
  runTrial,
  TIMING_FIELDS,
  RUNNER_METRIC_PREFIXES,
  isRunnerMetric,
  withoutTiming,
  architectureFor,
  defaultPolicy,
} from './trial.js';
export type { IterationRecord, TrialOptions, TrialResult, TrialCheckpoint, PolicyMaker } from './trial.js';
export {
  BUDGETS,
  LOCOMOTION_IDS,
  PRESETS,
  POLICY_ARCHITECTURES,
  DEFAULT_POLICY_ARCHITECTURE,
  budgetFor,
} from './presets.js';
export type { Budget, PolicyArchitecture } from './presets.js';
export { UsageError, parseSetting, resolvePluginConfig, pluginConfigIssues } from './config.js';
export { TYPES, systemClock, silentReporter } from './services.js';
export type {
  Clock,
  IterationUpdate,
  PolicyFactory,
  Reporter,
  TrialFinish,
  TrialServices,
} from './services.js';
export {
  TrialRunner,
  boundPlugins,
  createRootContainer,
  createTrialContainer,
  defaultPolicyFactory,
} from './container.js';
export type { RootServices, TrialOutcome } from './container.js';
export { PluginLoadError, importPlugin, loadPlugins, pluginExport, resolvePlugin } from './plugins.js';
export type { LoadedPlugin, PluginSource } from './plugins.js';
export { ConfigError } from './config-messages.js';
export type { ConfigIssue } from './config-messages.js';
export {
  SweepConfigSchema,
  AlgorithmEntrySchema,
  applyDefaults,
  composeSweepSchema,
} from './sweep-schema.js';
export type { AlgorithmEntry, SweepConfig } from './sweep-schema.js';
export { readSweepConfig } from './sweep-config.js';
export type { LoadedSweepConfig } from './sweep-config.js';
export { expandTrials, fingerprint, parseShard, selectShard, trialId, gridPoints } from './trials.js';
export type { Shard, TrialSpec } from './trials.js';
export { ResultsStore, writeFileAtomic, MANIFEST_FILE } from './store.js';
export type { Manifest, ManifestTrial, StoredCheckpoint, TrialState, TrialStatus } from './store.js';
export { SweepRunner, runSweep } from './sweep.js';
export type { SweepSummary } from './sweep.js';
export { prepareLoadedSweep, prepareSweep } from './sweep-prepare.js';
export type { PreparedSweep, SweepOptions } from './sweep-prepare.js';
export { PlainReporter, TtyReporter, silentSweepReporter, formatDuration } from './progress.js';
export type { SweepPlan, SweepReporter } from './progress.js';
export { writeReport } from './report.js';
export type { ReportOptions } from './report.js';
export { computeSummary } from './report-stats.js';
export type { ReportSummary, FinalRow, AggregateRow, CurvePoint } from './report-stats.js';
export { figureSpec, renderFigure } from './report-figure.js';
export { iqm, bootstrap, stratifiedBootstrap } from './stats.js';
export {
  assertPluginContract,
  pluginContractProblems,
  pluginContractReport,
  CONTRACT_ITERATIONS,
  SHARED_METRICS,
} from './contract.js';
export type { PluginContractOptions, PluginContractReport } from './contract.js';
