/**
 * Sweep config files (JSON or JSONC: comments and trailing commas allowed).
 *
 * The top-level shape is a TypeBox schema; each algorithm entry's `settings` and `grid` are
 * checked against that plugin's own `configSchema`. Everything is validated by Ajv (draft
 * 2020-12) against one composed JSON Schema — the one `arena schema` prints — and every problem is
 * reported with the file, line and column, the JSON path, what was expected and what was found,
 * and the valid choices. Nothing runs and nothing is written when a config has a problem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import * as jsonc from 'jsonc-parser';
import { BACKENDS, PLUGIN_NAME_PATTERN } from '@policy-arena/core';
import type { AlgorithmPlugin, BackendName, PresetName } from '@policy-arena/core';
import { PRESETS } from './presets.js';
import { loadPlugins } from './plugins.js';
import type { LoadedPlugin } from './plugins.js';

const stringEnum = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

const BudgetOverride = Type.Object(
  {
    iterations: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Policy iterations (overrides the preset).' }),
    ),
    stepsPerIteration: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Env steps per iteration, the batch size (overrides the preset).',
      }),
    ),
  },
  { additionalProperties: false },
);

const LABEL = PLUGIN_NAME_PATTERN;

/** The keyword compileSchema adds to every integer schema; not part of any published schema. */
const SAFE_INTEGER = 'x-policy-arena-safe-integer';

export const AlgorithmEntrySchema = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      description: 'An algorithm plugin: `arena list`, or one from `plugins`.',
    }),
    label: Type.Optional(
      Type.String({
        pattern: LABEL,
        maxLength: 48,
        description:
          'Name of this entry in trial ids and the report (kebab-case; default: the plugin name). Needed when one plugin appears twice.',
      }),
    ),
    settings: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: "Fixed settings: keys of the plugin's configSchema." },
      ),
    ),
    grid: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.Unknown(), { minItems: 1 }), {
        description: 'Settings to sweep: each key lists its values; trials cover every combination.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The top-level sweep config. `arena schema` prints it with each plugin's settings filled in. */
export const SweepConfigSchema = Type.Object(
  {
    $schema: Type.Optional(
      Type.String({ description: 'For editors: a path to the output of `arena schema`.' }),
    ),
    name: Type.Optional(
      Type.String({ minLength: 1, description: 'A name for the sweep (the report title).' }),
    ),
    preset: Type.Optional(
      stringEnum(PRESETS, {
        default: 'quick',
        description: 'Budgets and algorithm settings: smoke (seconds), quick (minutes), paper (Table 2).',
      }),
    ),
    algorithms: Type.Array(AlgorithmEntrySchema, { minItems: 1 }),
    tasks: Type.Array(Type.String(), {
      minItems: 1,
      uniqueItems: true,
      description: 'Task ids: `arena list`.',
    }),
    seeds: Type.Array(Type.Integer({ minimum: 0 }), {
      minItems: 1,
      uniqueItems: true,
      description: 'One trial per seed for every algorithm × task × grid point.',
    }),
    budget: Type.Optional(BudgetOverride),
    budgets: Type.Optional(
      Type.Record(Type.String(), BudgetOverride, {
        description: 'Budget overrides per task id (over `budget`).',
      }),
    ),
    plugins: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        uniqueItems: true,
        description:
          'Third-party plugin packages (or module paths), resolved from this file’s directory, then the working directory.',
      }),
    ),
    out: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Output directory, relative to this file (default: runs/<config name>).',
      }),
    ),
    workers: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Trials run at once, one worker thread each (default: CPU count).',
      }),
    ),
    samplerWorkers: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          "Sampling threads per trial; 0 samples in the trial's thread. Results do not depend on it. Default: 0 when the trials at once fill the cores, else ⌊cores / trials at once⌋.",
      }),
    ),
    checkpointEvery: Type.Optional(
      Type.Integer({ minimum: 1, default: 1, description: 'Write a resume checkpoint every k iterations.' }),
    ),
    iterationTimeout: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 604800,
        default: 3600,
        description:
          'Seconds a trial may go without finishing an iteration (its set-up counts toward the first) before its worker thread is terminated and the trial fails with the reason.',
      }),
    ),
    backend: Type.Optional(stringEnum(BACKENDS, { default: 'wasm', description: 'Tensor backend.' })),
  },
  { additionalProperties: false },
);

export type SweepConfig = Static<typeof SweepConfigSchema>;
export type AlgorithmEntry = Static<typeof AlgorithmEntrySchema>;
export type BudgetOverride = Static<typeof BudgetOverride>;

/** JSON without TypeBox's symbol keys. */
function plain<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema)) as T;
}

type JsonSchema = Record<string, unknown>;

function settingProperties(plugin: AlgorithmPlugin): Record<string, JsonSchema> {
  return plain(plugin.configSchema.properties) as Record<string, JsonSchema>;
}

/**
 * The full JSON Schema of a sweep config for a set of plugins and tasks: algorithm names and
 * task ids are enumerated, and each algorithm entry's settings and grid follow its plugin's schema.
 */
export function composeSweepSchema(
  plugins: readonly AlgorithmPlugin[],
  taskIds: readonly string[],
): JsonSchema {
  const schema = plain(SweepConfigSchema) as JsonSchema & { properties: Record<string, JsonSchema> };
  schema['$schema'] = 'https://json-schema.org/draft/2020-12/schema';
  schema['title'] = 'policy-arena sweep config';
  const props = schema.properties;
  const algorithms = props['algorithms'] as {
    items: JsonSchema & { properties: Record<string, JsonSchema> };
  };
  const item = algorithms.items;
  item.properties['name'] = { ...item.properties['name'], enum: plugins.map((p) => p.name) };
  item['required'] = ['name'];
  item['allOf'] = plugins.map((plugin) => {
    const properties = settingProperties(plugin);
    return {
      if: { properties: { name: { const: plugin.name } }, required: ['name'] },
      then: {
        properties: {
          settings: {
            type: 'object',
            additionalProperties: false,
            properties,
            description: `${plugin.name} settings: ${plugin.description}`,
          },
          grid: {
            type: 'object',
            additionalProperties: false,
            properties: Object.fromEntries(
              Object.entries(properties).map(([key, prop]) => [
                key,
                { type: 'array', minItems: 1, items: prop, description: `values of ${key} to sweep` },
              ]),
            ),
          },
        },
      },
    };
  });
  (props['tasks'] as { items: JsonSchema }).items = { type: 'string', enum: [...taskIds] };
  // Type.Record gives patternProperties; enumerate the tasks instead so a typo is an unknown key.
  const budgets = props['budgets'] as JsonSchema;
  delete budgets['patternProperties'];
  budgets['properties'] = Object.fromEntries(taskIds.map((id) => [id, plain(BudgetOverride)]));
  budgets['additionalProperties'] = false;
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Errors

export type JsonPath = readonly (string | number)[];

export interface ConfigIssue {
  readonly path: JsonPath;
  readonly message: string;
  /** Where in the file (1-based), when known. */
  readonly line?: number;
  readonly column?: number;
  /** Locate the property key rather than its value (unknown keys). */
  readonly atKey?: boolean;
}

/** A sweep config with problems. `message` has a header line and one line per problem. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(formatIssues(file, issues));
  }
}

export function formatPath(p: JsonPath): string {
  if (p.length === 0) return '(root)';
  let out = '';
  for (const part of p) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function formatIssues(file: string, issues: readonly ConfigIssue[]): string {
  const display = path.relative(process.cwd(), file) || file;
  const shown = display.startsWith('..') ? file : display;
  const lines = issues.map((i) => {
    const where = i.line !== undefined ? `${shown}:${i.line}:${i.column ?? 1}` : shown;
    return `  ${where}: ${formatPath(i.path)}: ${i.message}`;
  });
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return [`invalid sweep config ${shown} (${count}):`, ...lines].join('\n');
}

/** Describes a JSON value for "got …". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${value.length} items)`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  // JSON.stringify would print null for these.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return `${typeof value} ${JSON.stringify(value)}`;
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

function didYouMean(got: unknown, choices: readonly unknown[]): string {
  if (typeof got !== 'string') return '';
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of choices) {
    if (typeof c !== 'string') continue;
    if (got.length >= 3 && c.toLowerCase().startsWith(got.toLowerCase())) return ` (did you mean "${c}"?)`;
    const distance = levenshtein(got.toLowerCase(), c.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [c, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(got.length / 3))
    ? ` (did you mean "${best}"?)`
    : '';
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function list(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

const KIND_BY_PATH: [RegExp, string][] = [
  [/^algorithms\/\d+\/name$/, 'algorithm'],
  [/^tasks\/\d+$/, 'task'],
  [/^preset$/, 'preset'],
  [/^backend$/, 'backend'],
];

function ajvIssue(e: ErrorObject): ConfigIssue | undefined {
  const p = pointerToPath(e.instancePath);
  const got = e.data;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
      return undefined; // the "then" branch reports the real problem
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {});
      const what = p.at(-1) === 'settings' ? 'setting' : p.at(-1) === 'grid' ? 'grid setting' : 'key';
      return {
        path: [...p, key],
        atKey: true,
        message:
          `unknown ${what} "${key}"; expected one of: ${known.join(', ') || '(none)'}` +
          didYouMean(key, known),
      };
    }
    case 'required': {
      const key = String(params['missingProperty']);
      const prop = (e.parentSchema?.['properties'] as Record<string, { description?: string }> | undefined)?.[
        key
      ];
      return {
        path: p,
        message: `missing required key "${key}"${prop?.description ? ` (${prop.description})` : ''}`,
      };
    }
    case 'enum': {
      const allowed = params['allowedValues'] as unknown[];
      const joined = e.instancePath.slice(1);
      const kind = KIND_BY_PATH.find(([re]) => re.test(joined))?.[1];
      const head = kind ? `unknown ${kind} ${describeValue(got)}` : `got ${describeValue(got)}`;
      return { path: p, message: `${head}; expected one of: ${list(allowed)}${didYouMean(got, allowed)}` };
    }
    case 'type':
      return { path: p, message: `expected ${article(String(params['type']))}, got ${describeValue(got)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const kind = e.parentSchema?.['type'] === 'integer' ? 'an integer' : 'a number';
      return {
        path: p,
        message: `expected ${kind} ${String(params['comparison'])} ${String(params['limit'])}, got ${describeValue(got)}`,
      };
    }
    case 'minItems':
      return {
        path: p,
        message: `expected at least ${String(params['limit'])} item(s), got ${Array.isArray(got) ? got.length : describeValue(got)}`,
      };
    case 'maxItems':
      return {
        path: p,
        message: `expected at most ${String(params['limit'])} item(s), got ${Array.isArray(got) ? got.length : 0}`,
      };
    case 'uniqueItems': {
      const [i, j] = [Number(params['i']), Number(params['j'])].sort((a, b) => a - b) as [number, number];
      const value = Array.isArray(got) ? got[i] : undefined;
      return {
        path: p,
        message: `expected unique items, got ${describeValue(value)} twice (items ${i} and ${j})`,
      };
    }
    case 'minLength':
      return {
        path: p,
        message: `expected a string of at least ${String(params['limit'])} character(s), got ${describeValue(got)}`,
      };
    case 'maxLength':
      return {
        path: p,
        message: `expected a string of at most ${String(params['limit'])} characters, got ${describeValue(got)}`,
      };
    case 'pattern':
      return {
        path: p,
        message: `expected a string matching ${String(params['pattern'])}${String(params['pattern']) === LABEL ? ' (kebab-case)' : ''}, got ${describeValue(got)}`,
      };
    case 'const':
      return {
        path: p,
        message: `expected ${JSON.stringify(params['allowedValue'])}, got ${describeValue(got)}`,
      };
    case SAFE_INTEGER:
      return { path: p, message: unsafeIntegerMessage(got) };
    default:
      return { path: p, message: `${e.message ?? e.keyword}, got ${describeValue(got)}` };
  }
}

function article(type: string): string {
  const word =
    type === 'integer'
      ? 'an integer'
      : type === 'array'
        ? 'an array'
        : type === 'object'
          ? 'an object'
          : `a ${type}`;
  return word;
}

/** Ajv errors → issues: anyOf of constants becomes one "expected one of" issue; `if` noise dropped. */
export function issuesFromAjv(errors: readonly ErrorObject[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const covered = (e: ErrorObject) =>
    anyOfs.some(
      (a) => a !== e && e.instancePath === a.instancePath && e.schemaPath.startsWith(a.schemaPath + '/'),
    );
  for (const e of errors) {
    if (covered(e)) continue;
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      const branches = (e.schema as { const?: unknown; type?: string }[] | undefined) ?? [];
      const consts = branches.filter((b) => 'const' in b).map((b) => b.const);
      const message =
        consts.length === branches.length && consts.length > 0
          ? `expected one of: ${consts.map((c) => JSON.stringify(c)).join(', ')}, got ${describeValue(e.data)}${didYouMean(e.data, consts)}`
          : `expected ${branches.map((b) => (b.type ? article(b.type) : 'a matching value')).join(' or ')}, got ${describeValue(e.data)}`;
      issues.push({ path: pointerToPath(e.instancePath), message });
      continue;
    }
    const issue = ajvIssue(e);
    if (issue) issues.push(issue);
  }
  // Ajv may report the same problem through several branches; keep one of each.
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${formatPath(i.path)}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

let ajvInstance: Ajv2020 | undefined;
export function makeAjv(): Ajv2020 {
  if (ajvInstance) return ajvInstance;
  // strictNumbers: "type": "number" and "integer" refuse NaN and ±Infinity (JSON.parse turns 1e400
  // into Infinity, which the algorithms would then compute with).
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false, strictNumbers: true });
  // ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
  const addFormats = ((ajvFormats as unknown as { default?: unknown }).default ?? ajvFormats) as (
    a: Ajv2020,
  ) => void;
  addFormats(ajv);
  ajv.addKeyword({
    keyword: SAFE_INTEGER,
    type: 'number',
    schemaType: 'boolean',
    validate: (on: boolean, data: number) => !on || !Number.isInteger(data) || Number.isSafeInteger(data),
  });
  ajvInstance = ajv;
  return ajv;
}

function unsafeIntegerMessage(got: unknown): string {
  return `expected a safe integer (at most ${Number.MAX_SAFE_INTEGER} in magnitude), got ${String(got)}: integers beyond 2^53 − 1 lose precision`;
}

/** Keywords whose values are data, not subschemas. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);
/** Keywords whose values map names to subschemas (so a property called "default" is a schema). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/**
 * A copy of `schema` in which every `"type": "integer"` also demands a safe integer. Done here
 * rather than in each schema, so plugins' plain JSON Schemas (third-party ones included) get it
 * without knowing about it: an integer above 2^53 − 1 is silently some other integer.
 */
function withSafeIntegers(schema: object): object {
  const copy = JSON.parse(JSON.stringify(schema)) as object;
  const stack: [node: unknown, isMap: boolean][] = [[copy, false]];
  while (stack.length > 0) {
    const [node, isMap] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, false]);
      continue;
    }
    const record = node as Record<string, unknown>;
    const type = record['type'];
    if (!isMap && (type === 'integer' || (Array.isArray(type) && type.includes('integer')))) {
      record[SAFE_INTEGER] = true;
    }
    for (const [key, value] of Object.entries(record)) {
      if (isMap || !DATA_KEYWORDS.has(key)) stack.push([value, !isMap && SCHEMA_MAPS.has(key)]);
    }
  }
  return copy;
}

const compiled = new WeakMap<object, ValidateFunction>();

/**
 * Compiles a schema with the runner's number checks: finite numbers (strictNumbers) and safe
 * integers for every integer. Every validation of user input goes through here.
 */
export function compileSchema(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = makeAjv().compile(withSafeIntegers(schema));
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Deeper than any real config needs; the JSON parser and validator recurse per level, so a
 * deeper document would overflow the stack instead of getting an error message.
 */
export const MAX_CONFIG_DEPTH = 64;

/** Keys that JavaScript objects treat specially: `__proto__` would set the prototype, not a value. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const reservedKeyMessage = (key: string) =>
  `"${key}" is not allowed as a key (JavaScript objects treat it specially)`;

const nonFiniteMessage = (value: number) =>
  `expected a finite number, got ${String(value)}` +
  (Number.isNaN(value) ? '' : ' (beyond the 64-bit float range, ±1.8e308)');

const tooDeepMessage = () => `expected at most ${MAX_CONFIG_DEPTH} levels of nesting, got more`;

/**
 * What no schema can express about a parsed value: non-finite numbers anywhere (also under keys
 * a schema leaves open), keys that alias Object.prototype, and nesting deeper than
 * MAX_CONFIG_DEPTH. Iterative, so that a deep value cannot overflow the stack here.
 */
export function valueIssues(value: unknown, at: JsonPath = []): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const stack: [unknown, JsonPath][] = [[value, at]];
  while (stack.length > 0) {
    const [node, p] = stack.pop()!;
    if (typeof node === 'number' && !Number.isFinite(node)) {
      issues.push({ path: p, message: nonFiniteMessage(node) });
    } else if (typeof node === 'object' && node !== null) {
      if (p.length - at.length >= MAX_CONFIG_DEPTH) {
        // Named by its outermost key: the full path would be 64 segments long.
        issues.push({ path: p.slice(0, at.length + 1), message: tooDeepMessage() });
        continue;
      }
      const entries: [string | number, unknown][] = Array.isArray(node)
        ? node.map((v, i) => [i, v])
        : Object.entries(node);
      for (const [key, child] of entries.reverse()) {
        if (typeof key === 'string' && RESERVED_KEYS.has(key)) {
          issues.push({ path: [...p, key], atKey: true, message: reservedKeyMessage(key) });
        } else stack.push([child, [...p, key]]);
      }
    }
  }
  return issues;
}

/** Drops schema issues at or below a path that `first` already reports (one problem, one line). */
export function withoutOverlap(first: readonly ConfigIssue[], more: readonly ConfigIssue[]): ConfigIssue[] {
  const taken = first.map((i) => formatPath(i.path));
  return more.filter((i) => {
    const p = formatPath(i.path);
    return !taken.some((t) => p === t || p.startsWith(t + '.') || p.startsWith(t + '['));
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface LoadedSweepConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly text: string;
  readonly config: SweepConfig;
  readonly preset: PresetName;
  readonly backend: BackendName;
  /** Built-in plugins followed by the config's third-party plugins. */
  readonly plugins: readonly AlgorithmPlugin[];
  readonly thirdParty: readonly LoadedPlugin[];
}

export interface ReadSweepOptions {
  readonly builtinPlugins: readonly AlgorithmPlugin[];
  readonly taskIds: readonly string[];
  /** Where package names in `plugins` are resolved after the config's directory (default: cwd). */
  readonly cwd?: string;
}

function locate(root: jsonc.Node | undefined, text: string, issue: ConfigIssue): ConfigIssue {
  if (issue.line !== undefined || !root) return issue;
  let node: jsonc.Node | undefined;
  let p = [...issue.path];
  // An unknown or missing key: point at the key, or at the nearest existing ancestor.
  while (!(node = jsonc.findNodeAtLocation(root, p)) && p.length > 0) p = p.slice(0, -1);
  if (!node) return issue;
  if (issue.atKey && node.parent?.type === 'property') node = node.parent.children?.[0] ?? node;
  const before = text.slice(0, node.offset);
  const line = before.split('\n').length;
  const column = node.offset - before.lastIndexOf('\n');
  return { ...issue, line, column };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** The config file's text; a FIFO, socket or device is refused rather than read (it could block forever). */
function readConfigText(full: string): string {
  let fd: number | undefined;
  try {
    // Non-blocking, so that opening a FIFO returns at once and fstat can refuse it.
    fd = fs.openSync(full, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stats = fs.fstatSync(fd);
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stats.isFile()) {
      const kind = stats.isFIFO() ? 'a FIFO' : stats.isSocket() ? 'a socket' : 'a device';
      throw new ConfigError(full, [
        { path: [], message: `cannot read the config file: expected a regular file, got ${kind}` },
      ]);
    }
    return fs.readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as { code?: string }).code;
    const why = (code && FILE_ERRORS[code]) ?? String(code ?? e);
    throw new ConfigError(full, [{ path: [], message: `cannot read the config file: ${why}` }]);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a part of its path is not a directory',
  ELOOP: 'its path goes through a symbolic link loop',
  ENAMETOOLONG: 'its name is longer than the file system allows',
};

// jsonc-parser's SyntaxKind is a const enum, which isolatedModules cannot read.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/**
 * Nesting deeper than MAX_CONFIG_DEPTH, found with jsonc's scanner, which reads tokens in a loop:
 * its parser recurses per level and would overflow the stack first.
 */
function nestingIssue(text: string): ConfigIssue | undefined {
  const scanner = jsonc.createScanner(text, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      if (++depth > MAX_CONFIG_DEPTH) {
        return { path: [], ...lineColumn(text, scanner.getTokenOffset()), message: tooDeepMessage() };
      }
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) depth--;
  }
  return undefined;
}

/** Keys that alias Object.prototype and non-finite numbers (1e400), located in the file. */
function treeIssues(root: jsonc.Node, text: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const stack: jsonc.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'property') {
      const key = node.children?.[0];
      if (key && typeof key.value === 'string' && RESERVED_KEYS.has(key.value)) {
        issues.push({
          path: jsonc.getNodePath(key),
          ...lineColumn(text, key.offset),
          message: reservedKeyMessage(key.value),
        });
        continue;
      }
    } else if (node.type === 'number' && typeof node.value === 'number' && !Number.isFinite(node.value)) {
      issues.push({
        path: jsonc.getNodePath(node),
        ...lineColumn(text, node.offset),
        message: nonFiniteMessage(node.value),
      });
    }
    stack.push(...(node.children ?? []));
  }
  return issues;
}

/**
 * Reads, parses and validates a sweep config, loading its third-party plugins. Throws a
 * ConfigError listing every problem found.
 */
export async function readSweepConfig(file: string, options: ReadSweepOptions): Promise<LoadedSweepConfig> {
  const full = path.resolve(file);
  const text = readConfigText(full);
  const tooDeep = nestingIssue(text);
  if (tooDeep) throw new ConfigError(full, [tooDeep]);

  const parseErrors: jsonc.ParseError[] = [];
  const data = jsonc.parse(text, parseErrors, {
    allowTrailingComma: true,
    disallowComments: false,
  }) as unknown;
  if (parseErrors.length > 0) {
    throw new ConfigError(
      full,
      parseErrors.slice(0, 5).map((e) => ({
        path: [],
        ...lineColumn(text, e.offset),
        message: `invalid JSON: ${jsonc
          .printParseErrorCode(e.error)
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toLowerCase()} (JSON or JSONC expected here, got ${JSON.stringify(text.slice(e.offset, e.offset + 12))})`,
      })),
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(full, [{ path: [], message: `expected an object, got ${describeValue(data)}` }]);
  }
  const root = jsonc.parseTree(text, [], { allowTrailingComma: true });
  // From the syntax tree, not the parsed value: the parser assigns a "__proto__" key's object as
  // the prototype, so in the value it is gone.
  const textual = root ? treeIssues(root, text) : [];
  const issues: ConfigIssue[] = [...textual];

  // Third-party plugins first: the schema enumerates every plugin's name and settings.
  const raw = data as Record<string, unknown>;
  const baseDirs = [path.dirname(full), path.resolve(options.cwd ?? process.cwd())];
  let thirdParty: LoadedPlugin[] = [];
  if (Array.isArray(raw['plugins']) && raw['plugins'].every((s) => typeof s === 'string')) {
    const { loaded, errors } = await loadPlugins(raw['plugins'] as string[], baseDirs);
    thirdParty = loaded;
    for (const e of errors) issues.push({ path: ['plugins', e.index], message: e.message });
    const builtinNames = new Set(options.builtinPlugins.map((p) => p.name));
    const seen = new Map<string, string>();
    for (const l of loaded) {
      const index = (raw['plugins'] as string[]).indexOf(l.source.specifier);
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
  }
  const plugins = [...options.builtinPlugins, ...thirdParty.map((l) => l.plugin)];

  const schema = composeSweepSchema(plugins, options.taskIds);
  const validate = compileSchema(schema);
  if (!validate(data)) issues.push(...withoutOverlap(textual, issuesFromAjv(validate.errors ?? [])));

  if (issues.length === 0) issues.push(...semanticIssues(data as SweepConfig, plugins));
  if (issues.length > 0) {
    const located = issues.map((i) => locate(root, text, i));
    located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    throw new ConfigError(full, located);
  }
  const config = data as SweepConfig;
  return {
    file: full,
    text,
    config,
    preset: config.preset ?? 'quick',
    backend: config.backend ?? 'wasm',
    plugins,
    thirdParty,
  };
}

/** Problems the schema cannot express: duplicate labels, a key both fixed and swept, budgets for absent tasks. */
function semanticIssues(config: SweepConfig, plugins: readonly AlgorithmPlugin[]): ConfigIssue[] {
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

/** Fills a flat config's missing keys from the schema's defaults (works for plain JSON schemas too). */
export function applyDefaults(
  schema: TSchema | JsonSchema,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  const properties = (schema as { properties?: Record<string, { default?: unknown }> }).properties ?? {};
  for (const [key, prop] of Object.entries(properties)) {
    if (!(key in out) && prop && 'default' in prop) out[key] = structuredClone(prop.default);
  }
  return out;
}
