/**
 * Plugin configs: defaults from the schema, then preset overrides, then the user's settings,
 * validated against the plugin's TypeBox schema with errors that name the field.
 */
import os from 'node:os';
import { BackendUnavailableError, loadBackend } from '@policy-arena/core';
import type { AlgorithmPlugin, BackendName, PresetName } from '@policy-arena/core';
import { issuesFromAjv, withoutOverlap } from './config-messages.js';
import { compileSchema } from './validation.js';
import { valueIssues } from './value-checks.js';
import { mergedPluginConfig } from './trial-settings.js';
import { UsageError } from './usage-error.js';

export { UsageError };

/** Threads per CPU past which more threads only cost memory: sampling and training are CPU-bound. */
export const THREADS_PER_CPU = 4;

/**
 * Refuses a thread count above THREADS_PER_CPU × the CPU count: each thread loads tfjs and the
 * simulators, so a typo such as 1000 would exhaust memory rather than speed anything up.
 */
export function checkThreadCount(name: string, n: number): void {
  const cpus = os.availableParallelism();
  const max = THREADS_PER_CPU * cpus;
  if (n > max) {
    throw new UsageError(`${name} must be at most ${max} (${THREADS_PER_CPU} × the ${cpus} CPUs), got ${n}`);
  }
}

/**
 * Loads the backend's packages now, so that a missing optional one (tfjs-node) is an input error
 * before anything is written rather than a crash in the first trial.
 */
export async function checkBackend(name: string, backend: BackendName): Promise<void> {
  try {
    await loadBackend(backend);
  } catch (e) {
    if (e instanceof BackendUnavailableError)
      throw new UsageError(`${name} ${backend} cannot load: ${e.message}`);
    throw e;
  }
}

/** Parses `key=value` (value as JSON when it parses, else a string). */
export function parseSetting(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set "${text}" is not key=value`);
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

export function resolvePluginConfig(
  plugin: AlgorithmPlugin,
  preset: PresetName,
  envId: string,
  settings: Record<string, unknown>,
): Record<string, unknown> {
  const schema = plugin.configSchema;
  const known = Object.keys(schema.properties);
  // Before the unknown-key check, so that "__proto__" gets the reason rather than the key list.
  const [unsafe] = valueIssues(settings);
  if (unsafe) {
    throw new UsageError(`${plugin.name} setting "${unsafe.path.join('.')}": ${unsafe.message}`);
  }
  for (const key of Object.keys(settings)) {
    if (!known.includes(key)) {
      throw new UsageError(`${plugin.name} has no setting "${key}"; valid: ${known.join(', ')}`);
    }
  }
  const config = mergedPluginConfig(plugin, preset, envId, settings);
  const [first] = pluginConfigIssues(plugin, config);
  if (first) throw new UsageError(`${plugin.name} setting "${first.field}": ${first.message}`);
  return config;
}

/**
 * Checks a full config against the plugin's schema — with Ajv rather than TypeBox's checker,
 * because third-party plugins may ship plain JSON Schema — plus finite numbers and safe integers
 * whatever the schema says. Empty when valid.
 */
export function pluginConfigIssues(
  plugin: AlgorithmPlugin,
  config: Record<string, unknown>,
): { field: string; message: string }[] {
  const unsafe = valueIssues(config);
  const validate = compileSchema(plugin.configSchema);
  const schemaIssues = validate(config) ? [] : issuesFromAjv(validate.errors ?? []);
  return [...unsafe, ...withoutOverlap(unsafe, schemaIssues)].map((i) => ({
    field: i.path.join('.') || '(config)',
    message: i.message,
  }));
}
