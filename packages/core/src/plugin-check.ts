/**
 * Structural check of the AlgorithmPlugin contract, for plugins loaded at run time from packages
 * this repo has never seen. Returns every problem found (empty when the object is a plugin).
 */
import { PLUGIN_NAME_PATTERN, PRESET_NAMES } from './plugin.js';

const NAME = new RegExp(PLUGIN_NAME_PATTERN);
const PRESETS: readonly string[] = PRESET_NAMES;

export function pluginProblems(candidate: unknown): string[] {
  if (typeof candidate !== 'object' || candidate === null) {
    return [`expected a plugin object, got ${candidate === null ? 'null' : typeof candidate}`];
  }
  const p = candidate as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p['name'] !== 'string') problems.push('missing "name" (a kebab-case string)');
  else if (!NAME.test(p['name'])) problems.push(`"name" must be kebab-case, got "${p['name']}"`);
  if (typeof p['description'] !== 'string') problems.push('missing "description" (a string)');
  if (typeof p['create'] !== 'function')
    problems.push('missing "create" (a function (config, deps) => Optimizer)');
  const schema = p['configSchema'] as Record<string, unknown> | undefined;
  if (typeof schema !== 'object' || schema === null) {
    problems.push('missing "configSchema" (a TypeBox Type.Object schema)');
  } else if (schema['type'] !== 'object' || typeof schema['properties'] !== 'object') {
    problems.push('"configSchema" must be an object schema (Type.Object) with "properties"');
  } else {
    for (const [key, prop] of Object.entries(
      schema['properties'] as Record<string, Record<string, unknown>>,
    )) {
      if (!('default' in prop)) problems.push(`configSchema property "${key}" has no default`);
    }
  }
  if (p['taskDefaults'] !== undefined && typeof p['taskDefaults'] !== 'function')
    problems.push('"taskDefaults" must be a function (envId) => settings');
  if (p['presets'] !== undefined) {
    if (typeof p['presets'] !== 'object' || p['presets'] === null)
      problems.push('"presets" must be an object');
    else {
      for (const [key, value] of Object.entries(p['presets'] as Record<string, unknown>)) {
        if (!PRESETS.includes(key)) problems.push(`unknown preset "${key}" (valid: ${PRESETS.join(', ')})`);
        if (typeof value !== 'function')
          problems.push(`preset "${key}" must be a function (envId) => settings`);
      }
    }
  }
  return problems;
}

/** Throws a TypeError listing what is missing when `candidate` is not a plugin. */
export function assertPlugin(candidate: unknown, source = 'plugin'): void {
  const problems = pluginProblems(candidate);
  if (problems.length > 0) throw new TypeError(`${source} is not an AlgorithmPlugin: ${problems.join('; ')}`);
}
