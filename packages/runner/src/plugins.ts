/**
 * Third-party algorithm plugins: a sweep config names npm packages (or module paths) in
 * `plugins`; each is resolved from the config file's directory, then from the working directory,
 * imported, and checked against the AlgorithmPlugin contract (`pluginProblems` of
 * @policy-arena/core). A package that does not export a plugin is rejected with what is missing.
 *
 * The export taken: the default export, else a named export `plugin`, else the module's only
 * export.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveModule } from 'import-meta-resolve';
import { pluginProblems } from '@policy-arena/core';
import type { AlgorithmPlugin } from '@policy-arena/core';
import { UsageError } from './config.js';
import { pluginNameIssues } from './sweep-semantics.js';

/** A plugin module located on disk. */
export interface PluginSource {
  /** As written in the config. */
  readonly specifier: string;
  /** file: URL of the module, importable from any directory (and from worker threads). */
  readonly url: string;
  /** The nearest package.json's name and version, when there is one. */
  readonly packageName?: string;
  readonly packageVersion?: string;
}

export interface LoadedPlugin {
  readonly source: PluginSource;
  readonly plugin: AlgorithmPlugin;
}

/** A plugin that could not be loaded: the message says which package and what is wrong. */
export class PluginLoadError extends Error {}

function isPathSpecifier(specifier: string): boolean {
  return (
    specifier.startsWith('./') ||
    specifier.startsWith('../') ||
    specifier === '.' ||
    specifier === '..' ||
    path.isAbsolute(specifier)
  );
}

/** The entry module of a package directory: exports["."] (import/node/default), module, main, index.js. */
function packageEntry(dir: string): string {
  const pkgFile = path.join(dir, 'package.json');
  if (!fs.existsSync(pkgFile)) return path.join(dir, 'index.js');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
  const pick = (target: unknown): string | undefined => {
    if (typeof target === 'string') return target;
    if (target && typeof target === 'object' && !Array.isArray(target)) {
      const t = target as Record<string, unknown>;
      if ('.' in t) return pick(t['.']);
      for (const condition of ['import', 'node', 'default']) {
        const found = pick(t[condition]);
        if (found) return found;
      }
    }
    return undefined;
  };
  const entry =
    pick(pkg['exports']) ??
    (typeof pkg['module'] === 'string' ? pkg['module'] : undefined) ??
    (typeof pkg['main'] === 'string' ? pkg['main'] : 'index.js');
  return path.join(dir, entry);
}

function describePackage(file: string): { packageName?: string; packageVersion?: string } {
  let dir = path.dirname(file);
  for (;;) {
    const pkgFile = path.join(dir, 'package.json');
    if (fs.existsSync(pkgFile)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { name?: unknown; version?: unknown };
        const out: { packageName?: string; packageVersion?: string } = {};
        if (typeof pkg.name === 'string') out.packageName = pkg.name;
        if (typeof pkg.version === 'string') out.packageVersion = pkg.version;
        return out;
      } catch {
        return {};
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return {};
    dir = parent;
  }
}

/**
 * Locates a plugin module. Package names are resolved as Node's `import` would from `baseDirs`
 * in order (the config file's directory, then the working directory); paths are relative to the
 * first base directory and may name a module file or a package directory.
 */
export function resolvePlugin(specifier: string, baseDirs: readonly string[]): PluginSource {
  let file: string | undefined;
  if (isPathSpecifier(specifier)) {
    const full = path.resolve(baseDirs[0] ?? process.cwd(), specifier);
    if (!fs.existsSync(full))
      throw new PluginLoadError(`plugin "${specifier}": no such file or directory ${full}`);
    file = fs.statSync(full).isDirectory() ? packageEntry(full) : full;
    if (!fs.existsSync(file))
      throw new PluginLoadError(`plugin "${specifier}": entry module ${file} does not exist`);
  } else {
    const tried: string[] = [];
    for (const dir of baseDirs) {
      if (tried.includes(dir)) continue;
      tried.push(dir);
      try {
        const url = resolveModule(specifier, pathToFileURL(path.join(dir, 'noop.js')).href);
        if (url.startsWith('file:')) {
          file = fileURLToPath(url);
          break;
        }
      } catch {
        // not found from this directory: try the next one
      }
    }
    if (!file) {
      throw new PluginLoadError(
        `plugin package "${specifier}" is not installed (looked from ${tried.join(' and ')}); install it with \`npm install ${specifier}\``,
      );
    }
  }
  return { specifier, url: pathToFileURL(file).href, ...describePackage(file) };
}

/** Picks the plugin export of a module namespace by the rule in the file comment. */
export function pluginExport(namespace: Record<string, unknown>): { value: unknown; exportName: string } {
  if ('default' in namespace && namespace['default'] !== undefined) {
    return { value: namespace['default'], exportName: 'default export' };
  }
  if ('plugin' in namespace) return { value: namespace['plugin'], exportName: 'export "plugin"' };
  const names = Object.keys(namespace);
  if (names.length === 1) return { value: namespace[names[0]!], exportName: `export "${names[0]}"` };
  return {
    value: undefined,
    exportName: names.length === 0 ? 'module (it has no exports)' : `module (exports: ${names.join(', ')})`,
  };
}

/** Imports a located plugin module and checks the contract. */
export async function importPlugin(source: PluginSource): Promise<AlgorithmPlugin> {
  const label = source.packageName
    ? `plugin package "${source.specifier}"${source.packageName !== source.specifier ? ` (${source.packageName})` : ''}`
    : `plugin "${source.specifier}"`;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(source.url)) as Record<string, unknown>;
  } catch (e) {
    throw new PluginLoadError(`${label} failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
  const { value, exportName } = pluginExport(namespace);
  if (value === undefined) {
    throw new PluginLoadError(
      `${label} does not export an AlgorithmPlugin: expected a default export or an export named "plugin" in its ${exportName}`,
    );
  }
  const problems = pluginProblems(value);
  if (problems.length > 0) {
    throw new PluginLoadError(
      `${label}: its ${exportName} is not an AlgorithmPlugin: ${problems.join('; ')}`,
    );
  }
  return value as AlgorithmPlugin;
}

/** Resolves and imports every plugin named; errors carry the index of the failing entry. */
export async function loadPlugins(
  specifiers: readonly string[],
  baseDirs: readonly string[],
): Promise<{ loaded: LoadedPlugin[]; errors: { index: number; message: string }[] }> {
  const loaded: LoadedPlugin[] = [];
  const errors: { index: number; message: string }[] = [];
  for (const [index, specifier] of specifiers.entries()) {
    try {
      const source = resolvePlugin(specifier, baseDirs);
      loaded.push({ source, plugin: await importPlugin(source) });
    } catch (e) {
      if (!(e instanceof PluginLoadError)) throw e;
      errors.push({ index, message: e.message });
    }
  }
  return { loaded, errors };
}

/**
 * The plugins a command sees without a sweep config: the built-ins and those named with `--plugin`
 * (package names resolved from the working directory, paths relative to it), loaded and checked
 * as a config's `plugins` are. A plugin that fails to load, or clashes with a built-in or another
 * one by name, is a UsageError naming it.
 */
export async function commandPlugins(
  builtins: readonly AlgorithmPlugin[],
  specifiers: readonly string[],
  cwd: string = process.cwd(),
): Promise<{ plugins: AlgorithmPlugin[]; thirdParty: LoadedPlugin[] }> {
  const { loaded, errors } = await loadPlugins(specifiers, [path.resolve(cwd)]);
  const [error] = errors;
  if (error) {
    const spec = specifiers[error.index]!;
    // A path on the command line reads like a package name unless it starts with ./ (as in a config).
    const hint =
      !isPathSpecifier(spec) && fs.existsSync(path.resolve(cwd, spec))
        ? ` (for the path, write --plugin ./${spec})`
        : '';
    throw new UsageError(`--plugin: ${error.message}${hint}`);
  }
  const [clash] = pluginNameIssues(specifiers, loaded, builtins);
  if (clash) throw new UsageError(`--plugin: ${clash.message}`);
  return { plugins: [...builtins, ...loaded.map((l) => l.plugin)], thirdParty: loaded };
}
