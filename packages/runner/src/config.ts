/**
 * Plugin configs: defaults from the schema, then preset overrides, then the user's settings,
 * validated against the plugin's TypeBox schema with errors that name the field.
 */
import { Value } from '@sinclair/typebox/value';
import type { AlgorithmPlugin, PresetName } from '@policy-arena/core';

export class UsageError extends Error {}

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
  for (const key of Object.keys(settings)) {
    if (!known.includes(key)) {
      throw new UsageError(`${plugin.name} has no setting "${key}"; valid: ${known.join(', ')}`);
    }
  }
  const merged = { ...(plugin.presets?.[preset]?.(envId) ?? {}), ...settings };
  const config = Value.Default(schema, Value.Clone(merged)) as Record<string, unknown>;
  const first = [...Value.Errors(schema, config)][0];
  if (first) {
    const field = first.path.replace(/^\//, '') || '(config)';
    const property = (schema.properties as Record<string, { anyOf?: { const?: unknown }[] }>)[field];
    const choices = property?.anyOf?.map((s) => s.const).filter((c) => c !== undefined);
    const expected = choices?.length
      ? `expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`
      : first.message;
    throw new UsageError(
      `${plugin.name} setting "${field}": ${expected}, got ${JSON.stringify(first.value)}`,
    );
  }
  return config;
}
