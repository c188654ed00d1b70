/**
 * `arena describe <algo>`: a plugin's settings as a run or a sweep resolves them. For every setting:
 * its type, its default, the value each preset gives it on each task (a plugin's presets are
 * functions of the task id, so each is called for every known task and the differences are shown),
 * its description, and where its value comes from — the `[paper]` or `[reconstructed: source]` tag
 * the plugin's schema descriptions end with.
 */
import type { AlgorithmPlugin, Json, PresetName } from '@policy-arena/core';
import { PRESETS } from './presets.js';
import { applyDefaults } from './sweep-schema.js';
import { wrapText } from './report-spec.js';

export interface SettingDescription {
  readonly name: string;
  /** E.g. `number > 0`, `integer ≥ 1`, `number in [0, 1]`, `"none" | "normalize"`. */
  readonly type: string;
  /** The schema's default (absent when the schema gives none). */
  readonly default?: Json;
  /** The schema's description without its origin tag. */
  readonly description: string;
  /** `paper` (the paper states the value), `reconstructed` (chosen here), or null (untagged). */
  readonly origin: 'paper' | 'reconstructed' | null;
  /** The tag's text after the colon: what the value rests on. */
  readonly source: string | null;
  /** Preset → task → the value the trial runs with (the default where the preset sets nothing). */
  readonly presets: Readonly<Record<PresetName, Readonly<Record<string, Json>>>>;
}

export interface PluginDescription {
  readonly name: string;
  readonly description: string;
  /** The package the plugin comes from, where known. */
  readonly package?: { readonly name: string; readonly version?: string };
  readonly tasks: readonly string[];
  readonly settings: readonly SettingDescription[];
}

type PropertySchema = {
  type?: string;
  default?: Json;
  description?: string;
  enum?: Json[];
  anyOf?: { const?: Json }[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

/** The origin tag at the end of a description (`[paper]`, `[reconstructed: rllab 0.99]`). */
const TAG = /\s*\[(paper|reconstructed)(?::\s*([^\]]*))?\]\s*$/;

export function splitOrigin(text: string): Pick<SettingDescription, 'description' | 'origin' | 'source'> {
  const m = TAG.exec(text);
  if (!m) return { description: text.trim(), origin: null, source: null };
  return {
    description: text.slice(0, m.index).trim(),
    origin: m[1] as 'paper' | 'reconstructed',
    source: m[2]?.trim() || null,
  };
}

export function typeText(schema: PropertySchema): string {
  const consts = schema.enum ?? schema.anyOf?.filter((b) => 'const' in b).map((b) => b.const!);
  if (consts && consts.length > 0) return consts.map((c) => JSON.stringify(c)).join(' | ');
  const type = schema.type ?? 'any';
  if (type !== 'number' && type !== 'integer') return type;
  const low =
    schema.minimum !== undefined
      ? { bracket: '[', op: '≥', at: schema.minimum }
      : schema.exclusiveMinimum !== undefined
        ? { bracket: '(', op: '>', at: schema.exclusiveMinimum }
        : undefined;
  const high =
    schema.maximum !== undefined
      ? { bracket: ']', op: '≤', at: schema.maximum }
      : schema.exclusiveMaximum !== undefined
        ? { bracket: ')', op: '<', at: schema.exclusiveMaximum }
        : undefined;
  if (low && high) return `${type} in ${low.bracket}${low.at}, ${high.at}${high.bracket}`;
  if (low) return `${type} ${low.op} ${low.at}`;
  if (high) return `${type} ${high.op} ${high.at}`;
  return type;
}

export function describePlugin(
  plugin: AlgorithmPlugin,
  taskIds: readonly string[],
  pkg?: PluginDescription['package'],
): PluginDescription {
  const properties = JSON.parse(JSON.stringify(plugin.configSchema.properties ?? {})) as Record<
    string,
    PropertySchema
  >;
  // The config each preset resolves for each task, before any user setting.
  const resolved = Object.fromEntries(
    PRESETS.map((preset) => [
      preset,
      Object.fromEntries(
        taskIds.map((task) => [
          task,
          applyDefaults(plugin.configSchema, { ...(plugin.presets?.[preset]?.(task) ?? {}) }),
        ]),
      ),
    ]),
  ) as Record<PresetName, Record<string, Record<string, unknown>>>;
  const settings = Object.entries(properties).map(([name, schema]): SettingDescription => {
    const presets = Object.fromEntries(
      PRESETS.map((preset) => [
        preset,
        Object.fromEntries(taskIds.map((task) => [task, resolved[preset][task]![name] as Json])),
      ]),
    ) as Record<PresetName, Record<string, Json>>;
    return {
      name,
      type: typeText(schema),
      ...(schema.default !== undefined ? { default: schema.default } : {}),
      ...splitOrigin(schema.description ?? ''),
      presets,
    };
  });
  return {
    name: plugin.name,
    description: plugin.description,
    ...(pkg ? { package: pkg } : {}),
    tasks: [...taskIds],
    settings,
  };
}

const show = (v: Json | undefined) => (v === undefined ? '(none)' : JSON.stringify(v));

/**
 * Where a preset gives a setting other values than its default: `paper: 100 on swimmer-v1, …;
 * 25 on cartpole-v1`, or `smoke: 5 on every task`. Empty when it changes nothing.
 */
function presetLines(s: SettingDescription): string[] {
  const lines: string[] = [];
  for (const preset of PRESETS) {
    const byTask = s.presets[preset];
    const values = Object.values(byTask);
    if (values.every((v) => JSON.stringify(v) === JSON.stringify(s.default))) continue;
    const groups = new Map<string, string[]>();
    for (const [task, v] of Object.entries(byTask)) {
      const key = show(v);
      groups.set(key, [...(groups.get(key) ?? []), task]);
    }
    const text =
      groups.size === 1
        ? `${[...groups.keys()][0]} on every task`
        : [...groups].map(([v, tasks]) => `${v} on ${tasks.join(', ')}`).join('; ');
    lines.push(`${preset} preset: ${text}`);
  }
  return lines;
}

/** Wraps text at `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string {
  return wrapText(text, width).join(`\n${indent}`);
}

/** The text `arena describe` prints. */
export function formatDescription(d: PluginDescription): string {
  const indent = '      ';
  const width = 100 - indent.length;
  const head = [
    `${d.name}${d.package ? ` (${d.package.name}${d.package.version ? ` ${d.package.version}` : ''})` : ''}`,
    wrap(d.description, 100, ''),
    '',
    d.settings.length
      ? `settings (--set key=value; [paper]: the paper's value, [reconstructed]: chosen here):`
      : 'no settings',
  ];
  const nameWidth = Math.max(0, ...d.settings.map((s) => s.name.length));
  const body = d.settings.map((s) => {
    const tag = s.origin ? `  [${s.origin}]` : '';
    const lines = [`  ${s.name.padEnd(nameWidth)}  ${s.type}, default ${show(s.default)}${tag}`];
    if (s.description) lines.push(indent + wrap(s.description, width, indent));
    if (s.source) lines.push(indent + wrap(`${s.origin}: ${s.source}`, width, indent));
    for (const p of presetLines(s)) lines.push(indent + wrap(p, width, indent));
    return lines.join('\n');
  });
  return [...head, ...body].join('\n') + '\n';
}
