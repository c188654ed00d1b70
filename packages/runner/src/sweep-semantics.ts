/**
 * Problems of a sweep config that its schema cannot express: they relate entries to one another
 * or to the plugins that were loaded, so they are checked on a value the schema already accepted.
 */
import type { AlgorithmPlugin } from '@policy-arena/core';
import type { ConfigIssue } from './config-messages.js';
import type { LoadedPlugin } from './plugins.js';
import type { SweepConfig } from './sweep-schema.js';

/** Third-party plugins whose names clash with a built-in algorithm or with one another. */
export function pluginNameIssues(
  specifiers: readonly string[],
  loaded: readonly LoadedPlugin[],
  builtinPlugins: readonly AlgorithmPlugin[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const builtinNames = new Set(builtinPlugins.map((p) => p.name));
  const seen = new Map<string, string>();
  for (const l of loaded) {
    const index = specifiers.indexOf(l.source.specifier);
    if (builtinNames.has(l.plugin.name)) {
      issues.push({
        path: ['plugins', index],
        message: `plugin package "${l.source.specifier}" exports plugin "${l.plugin.name}", which is already a built-in algorithm; rename it`,
      });
    } else if (seen.has(l.plugin.name)) {
      issues.push({
        path: ['plugins', index],
        message: `plugin "${l.plugin.name}" is exported by both "${seen.get(l.plugin.name)}" and "${l.source.specifier}"`,
      });
    }
    seen.set(l.plugin.name, l.source.specifier);
  }
  return issues;
}

/** Problems the schema cannot express: duplicate labels, a key both fixed and swept, budgets for absent tasks. */
export function semanticIssues(config: SweepConfig, plugins: readonly AlgorithmPlugin[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const labels = new Map<string, number>();
  config.algorithms.forEach((entry, i) => {
    const label = entry.label ?? entry.name;
    const first = labels.get(label);
    if (first !== undefined) {
      issues.push({
        path: ['algorithms', i],
        message: `algorithms[${first}] and algorithms[${i}] are both labelled "${label}"; give one a distinct "label"`,
      });
    } else labels.set(label, i);
    for (const key of Object.keys(entry.grid ?? {})) {
      if (entry.settings && key in entry.settings) {
        issues.push({
          path: ['algorithms', i, 'grid', key],
          atKey: true,
          message: `"${key}" is both a fixed setting and a grid key; keep one`,
        });
      }
    }
    if (!plugins.some((p) => p.name === entry.name)) {
      issues.push({ path: ['algorithms', i, 'name'], message: `unknown algorithm "${entry.name}"` });
    }
  });
  for (const task of Object.keys(config.budgets ?? {})) {
    if (!config.tasks.includes(task)) {
      issues.push({
        path: ['budgets', task],
        atKey: true,
        message: `budget for task "${task}", which is not in "tasks"; expected one of: ${config.tasks.join(', ')}`,
      });
    }
  }
  return issues;
}
