/**
 * Config problems as users read them: every issue names the file, line and column, the JSON path,
 * what was expected and what was found, and the valid choices (with a did-you-mean), one line each.
 * Ajv's errors are translated here, so that every input the runner validates speaks the same way.
 */
import path from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { LABEL } from './sweep-schema.js';
import { SAFE_INTEGER } from './validation.js';

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

/**
 * ` (did you mean "x"?)` for the choice a mistyped value most likely meant — a choice it starts
 * (case aside), else the nearest within a few edits (so `CartPole-v1` → `cartpole-v1`) — or ''.
 */
export function didYouMean(got: unknown, choices: readonly unknown[]): string {
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

function unsafeIntegerMessage(got: unknown): string {
  return `expected a safe integer (at most ${Number.MAX_SAFE_INTEGER} in magnitude), got ${String(got)}: integers beyond 2^53 − 1 lose precision`;
}

/** Drops schema issues at or below a path that `first` already reports (one problem, one line). */
export function withoutOverlap(first: readonly ConfigIssue[], more: readonly ConfigIssue[]): ConfigIssue[] {
  const taken = first.map((i) => formatPath(i.path));
  return more.filter((i) => {
    const p = formatPath(i.path);
    return !taken.some((t) => p === t || p.startsWith(t + '.') || p.startsWith(t + '['));
  });
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}
