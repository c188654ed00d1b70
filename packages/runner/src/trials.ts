/**
 * A sweep's trials: algorithms (× grid points) × tasks × seeds, each with a stable, readable id.
 *
 * Id: `<label>__<task>__<key>=<value>…__seed<n>` with grid keys in alphabetical order, e.g.
 * `trpo-single-path__cartpole-v1__stepSize=0.01__seed1`. When a grid value is not a plain
 * number, boolean or short word, or the id would exceed 120 characters, the grid part becomes an
 * 8-hex hash of the grid point: `trpo-single-path__cartpole-v1__grid-1a2b3c4d__seed1`.
 *
 * The spec of a trial holds everything its results depend on — the plugin's package, version and
 * config-schema hash among them — and its fingerprint (a hash of the spec) guards resumes against a
 * changed config or an upgraded plugin: a trial is never half one version, half another.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinPlugins } from '@policy-arena/algorithms';
import type { AlgorithmPlugin } from '@policy-arena/core';
import type { BackendName, Json, PresetName } from '@policy-arena/core';
import { budgetFor } from './presets.js';
import { ConfigError, issuesFromAjv } from './config-messages.js';
import type { ConfigIssue } from './config-messages.js';
import type { LoadedSweepConfig } from './sweep-config.js';
import { mergedPluginConfig } from './trial-settings.js';
import { compileSchema } from './validation.js';

export interface TrialSpec {
  readonly id: string;
  /** The plugin's name. */
  readonly algorithm: string;
  /** The config entry's label (default: the plugin's name). */
  readonly label: string;
  /** Label and grid point: one line (curve) in the report, e.g. `trpo-single-path stepSize=0.01`. */
  readonly variant: string;
  readonly task: string;
  readonly seed: number;
  readonly grid: Readonly<Record<string, Json>>;
  /** The plugin config the trial runs with: defaults, preset, settings and grid point. */
  readonly config: Readonly<Record<string, Json>>;
  readonly preset: PresetName;
  readonly iterations: number;
  readonly stepsPerIteration: number;
  readonly backend: BackendName;
  /** Which code the trial runs: part of the fingerprint, so a resume after an upgrade is refused. */
  readonly plugin: PluginIdentity;
  /** Periodic deterministic evaluation (absent: none; absent from older specs, so their fingerprints hold). */
  readonly evaluation?: TrialEvaluation;
}

/** Evaluate the policy deterministically after every `every`-th iteration, over `episodes` episodes. */
export interface TrialEvaluation {
  readonly every: number;
  readonly episodes: number;
}

/** The plugin's package and version (or its module's content hash) and its config schema's hash. */
export interface PluginIdentity {
  /** npm package name; for a module outside any package, its file URL. */
  readonly package: string;
  /** The package version; for a module outside any package, `sha256:` + its content hash. */
  readonly version: string;
  readonly schemaHash: string;
}

let algorithmsPackage: { name: string; version: string } | undefined;

function builtinPackage(): { name: string; version: string } {
  algorithmsPackage ??= JSON.parse(
    fs.readFileSync(fileURLToPath(import.meta.resolve('@policy-arena/algorithms/package.json')), 'utf8'),
  ) as { name: string; version: string };
  return algorithmsPackage;
}

/** Words that document a schema without changing what it accepts or its defaults: not hashed, so fixing a typo in a description does not make every result directory refuse to resume. */
const DOCUMENTATION_KEYS = new Set(['description', 'title', 'examples', '$comment']);

/** The schema without its documentation keywords (a property named "description" is kept). */
export function semanticSchema(schema: unknown, inProperties = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => semanticSchema(s));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (!inProperties && DOCUMENTATION_KEYS.has(key)) continue;
    out[key] = semanticSchema(value, !inProperties && (key === 'properties' || key === 'patternProperties'));
  }
  return out;
}

/** The identity of a plugin of a loaded sweep config: built-in, third-party package or module file. */
export function pluginIdentity(loaded: LoadedSweepConfig, plugin: AlgorithmPlugin): PluginIdentity {
  const schemaHash = shortHash(canonicalJson(semanticSchema(plugin.configSchema)), 16);
  const source = loaded.thirdParty.find((l) => l.plugin === plugin)?.source;
  if (source?.packageName && source.packageVersion) {
    return { package: source.packageName, version: source.packageVersion, schemaHash };
  }
  if (source) {
    const code = fs.readFileSync(fileURLToPath(source.url));
    return { package: source.url, version: `sha256:${shortHash(code.toString('latin1'), 16)}`, schemaHash };
  }
  if (builtinPlugins.includes(plugin)) {
    const pkg = builtinPackage();
    return { package: pkg.name, version: pkg.version, schemaHash };
  }
  // A plugin object handed to the runner in-process (tests, embedders): only its schema is known.
  return { package: '(in-process)', version: '(unversioned)', schemaHash };
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function shortHash(text: string, length = 8): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Hash of everything a trial's results depend on (the id excluded). */
export function fingerprint(spec: TrialSpec): string {
  const { id: _id, ...rest } = spec;
  return shortHash(canonicalJson(rest), 16);
}

const SAFE = /^[A-Za-z0-9.+-]{1,24}$/;

function gridValueText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && SAFE.test(value)) return value;
  return undefined;
}

export function trialId(label: string, task: string, grid: Record<string, unknown>, seed: number): string {
  const keys = Object.keys(grid).sort();
  const parts = keys.map((k) => {
    const text = gridValueText(grid[k]);
    return text !== undefined && /^[A-Za-z0-9]+$/.test(k) ? `${k}=${text}` : undefined;
  });
  const readable = [label, task, ...parts, `seed${seed}`].join('__');
  if (parts.every((p) => p !== undefined) && readable.length <= 120) return readable;
  return [label, task, `grid-${shortHash(canonicalJson(grid))}`, `seed${seed}`].join('__');
}

export function variantName(label: string, grid: Record<string, unknown>): string {
  const keys = Object.keys(grid).sort();
  return [label, ...keys.map((k) => `${k}=${gridValueText(grid[k]) ?? JSON.stringify(grid[k])}`)].join(' ');
}

/** Every combination of the grid's values, keys in the config's order, values in their order. */
export function gridPoints(grid: Record<string, readonly unknown[]> | undefined): Record<string, Json>[] {
  let points: Record<string, Json>[] = [{}];
  for (const [key, values] of Object.entries(grid ?? {})) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v as Json })));
  }
  return points;
}

/**
 * Expands a validated config into trials: for each algorithm entry, each grid point, each task,
 * each seed. Each trial's plugin config is validated in full (preset values included); a
 * combination that fails is a ConfigError naming the entry.
 */
export function expandTrials(loaded: LoadedSweepConfig): TrialSpec[] {
  const { config, preset, backend } = loaded;
  const trials: TrialSpec[] = [];
  const issues: ConfigIssue[] = [];
  config.algorithms.forEach((entry, index) => {
    const plugin = loaded.plugins.find((p) => p.name === entry.name);
    if (!plugin) throw new Error(`unknown plugin ${entry.name} after validation`);
    const validate = compileSchema(plugin.configSchema);
    const label = entry.label ?? entry.name;
    const identity = pluginIdentity(loaded, plugin);
    for (const grid of gridPoints(entry.grid)) {
      for (const task of config.tasks) {
        const merged = mergedPluginConfig(plugin, preset, task, entry.settings, grid);
        if (!validate(merged)) {
          for (const issue of issuesFromAjv(validate.errors ?? [])) {
            issues.push({
              path: ['algorithms', index],
              message: `${plugin.name} config for ${task}${Object.keys(grid).length ? ` at ${variantName('', grid).trim()}` : ''}: ${issue.path.join('.') || '(config)'}: ${issue.message}`,
            });
          }
          continue;
        }
        const base = budgetFor(preset, task);
        const override = { ...config.budget, ...config.budgets?.[task] };
        for (const seed of config.seeds) {
          trials.push({
            id: trialId(label, task, grid, seed),
            algorithm: plugin.name,
            label,
            variant: variantName(label, grid),
            task,
            seed,
            grid,
            config: merged,
            preset,
            iterations: override.iterations ?? base.iterations,
            stepsPerIteration: override.stepsPerIteration ?? base.stepsPerIteration,
            backend,
            plugin: identity,
            ...(config.evaluation
              ? { evaluation: { every: config.evaluation.every, episodes: config.evaluation.episodes ?? 10 } }
              : {}),
          });
        }
      }
    }
  });
  const ids = new Map<string, TrialSpec>();
  for (const t of trials) {
    if (ids.has(t.id)) {
      issues.push({
        path: ['algorithms'],
        message: `two trials would share the id "${t.id}" (a grid with repeated values?)`,
      });
    }
    ids.set(t.id, t);
  }
  if (issues.length > 0) throw new ConfigError(loaded.file, issues);
  return trials;
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n). Returns an error message for bad input. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `--shard must look like i/n (e.g. 1/4), got "${text}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  // Beyond 2^53 − 1 the digits typed are not the numbers used.
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count)) {
    return `--shard: i and n must be safe integers, got "${text}"`;
  }
  if (count < 1) return `--shard: n must be ≥ 1, got ${count}`;
  if (index < 1 || index > count) return `--shard: i must be between 1 and ${count}, got ${index}`;
  return { index, count };
}

/**
 * The trials of one shard: sorted by id, the k-th (0-based) belongs to shard (k mod n) + 1. The
 * same config gives the same split on every machine; the shards are disjoint and cover all.
 */
export function selectShard(trials: readonly TrialSpec[], shard: Shard | undefined): TrialSpec[] {
  if (!shard || shard.count === 1) return [...trials];
  const sorted = [...trials].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mine = new Set(sorted.filter((_, k) => k % shard.count === shard.index - 1).map((t) => t.id));
  return trials.filter((t) => mine.has(t.id));
}
