export { runTrial, TIMING_FIELDS } from './trial.js';
export type { IterationRecord, TrialOptions, TrialResult } from './trial.js';
export { BUDGETS, PRESETS, POLICY_ARCHITECTURES, DEFAULT_POLICY_ARCHITECTURE, budgetFor } from './presets.js';
export type { Budget, PolicyArchitecture } from './presets.js';
export { UsageError, parseSetting, resolvePluginConfig } from './config.js';
