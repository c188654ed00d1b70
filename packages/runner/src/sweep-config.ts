/**
 * Sweep config files (JSON or JSONC: comments and trailing commas allowed).
 *
 * The top-level shape is a TypeBox schema; each algorithm entry's `settings` and `grid` are
 * checked against that plugin's own `configSchema`. Everything is validated by Ajv (draft
 * 2020-12) against one composed JSON Schema — the one `arena schema` prints — and every problem is
 * reported with the file, line and column, the JSON path, what was expected and what was found,
 * and the valid choices. Nothing runs and nothing is written when a config has a problem.
 *
 * This module reads the file and loads the plugins; the schema (sweep-schema.ts), the messages
 * (config-messages.ts), the checks no schema can express (value-checks.ts, sweep-semantics.ts)
 * and the validator (validation.ts) are their own modules, as plugin settings and results files
 * are validated with them too.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as jsonc from 'jsonc-parser';
import type { AlgorithmPlugin, BackendName, PresetName } from '@policy-arena/core';
import { ConfigError, describeValue, issuesFromAjv, lineColumn, withoutOverlap } from './config-messages.js';
import type { ConfigIssue } from './config-messages.js';
import { loadPlugins } from './plugins.js';
import type { LoadedPlugin } from './plugins.js';
import { pluginNameIssues, semanticIssues } from './sweep-semantics.js';
import { composeSweepSchema } from './sweep-schema.js';
import type { SweepConfig } from './sweep-schema.js';
import { compileSchema } from './validation.js';
import { nestingIssue, treeIssues } from './value-checks.js';

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

/**
 * Reads, parses and validates a sweep config, loading its third-party plugins. Throws a
 * ConfigError listing every problem found.
 */
export async function readSweepConfig(file: string, options: ReadSweepOptions): Promise<LoadedSweepConfig> {
  const full = path.resolve(file);
  return parseSweepConfig(full, readConfigText(full), options);
}

/**
 * `readSweepConfig` for a config's text already in hand: a queue worker checks and loads the
 * config the submitting `arena sweep` read, as it read it. `file` places the text (plugin paths are
 * resolved from its directory) and names it in messages.
 */
export async function parseSweepConfig(
  file: string,
  text: string,
  options: ReadSweepOptions,
): Promise<LoadedSweepConfig> {
  const full = path.resolve(file);
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
    issues.push(...pluginNameIssues(raw['plugins'] as string[], loaded, options.builtinPlugins));
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
