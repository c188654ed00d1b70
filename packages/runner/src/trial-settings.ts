/**
 * One trial's plugin config and budget from (plugin, preset, task, settings): the preset's values
 * for the task, then the config's settings, then the grid point, then the schema's defaults. The
 * sweep's trial expansion and the browser's playground both call it, so a trial configured in a
 * page is the trial `arena run` runs for the same names and seed.
 */
import { presetSettings } from '@policy-arena/core';
import type { AlgorithmPlugin, Json, PresetName } from '@policy-arena/core';
import { budgetFor } from './presets.js';
import { applyDefaults } from './sweep-schema.js';

export function mergedPluginConfig(
  plugin: AlgorithmPlugin,
  preset: PresetName,
  task: string,
  settings: Record<string, unknown> = {},
  grid: Record<string, unknown> = {},
): Record<string, Json> {
  return applyDefaults(plugin.configSchema, {
    ...presetSettings(plugin, preset, task),
    ...settings,
    ...grid,
  }) as Record<string, Json>;
}

export interface TrialSettings {
  readonly config: Record<string, Json>;
  readonly iterations: number;
  readonly stepsPerIteration: number;
}

/** The config and budget `arena run --preset <preset> --algo <plugin> --env <task>` uses. */
export function presetTrialSettings(
  plugin: AlgorithmPlugin,
  preset: PresetName,
  task: string,
): TrialSettings {
  const budget = budgetFor(preset, task);
  return {
    config: mergedPluginConfig(plugin, preset, task),
    iterations: budget.iterations,
    stepsPerIteration: budget.stepsPerIteration,
  };
}
