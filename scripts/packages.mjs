/**
 * The workspace's publishable packages as npm will see them: `pnpm pack` (which applies
 * `publishConfig` and rewrites `workspace:` ranges into versions, as `pnpm publish` does), a tar
 * reader for the result, and the checks publint does not make. Used by scripts/check-packages.mjs
 * (`pnpm release:check`) and by the pack-and-install tests in test/.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Every workspace package that is not private, as `{ dir, name, version, manifest }`. */
export function publicPackages() {
  const out = [];
  for (const group of ['packages', 'examples']) {
    for (const entry of fs.readdirSync(path.join(root, group)).sort()) {
      const dir = path.join(root, group, entry);
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (manifest.private) continue;
      out.push({ dir, name: manifest.name, version: manifest.version, manifest });
    }
  }
  return out;
}

/** `pnpm pack` of one package directory into `dest`; returns the tarball's path. */
export function packPackage(dir, dest) {
  fs.mkdirSync(dest, { recursive: true });
  const r = spawnSync('pnpm', ['pack', '--pack-destination', dest, '--json'], {
    cwd: dir,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) throw new Error(`pnpm pack in ${dir} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  const { filename } = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  return path.isAbsolute(filename) ? filename : path.join(dest, filename);
}

/**
 * `pnpm pack` of every publishable package: those of packages/ into `dest`, the examples into
 * `dest/examples` (so that `npm install dest/*.tgz` installs the framework without them). Returns
 * `[{ name, version, dir, tarball }]` in `publicPackages()` order. Tarballs an earlier run left
 * (`policy-arena-*.tgz`) are removed first: `dest/*.tgz` never holds two versions of a package.
 */
export function packAll(dest) {
  const examples = path.join(dest, 'examples');
  for (const folder of [dest, examples]) {
    fs.mkdirSync(folder, { recursive: true });
    for (const file of fs.readdirSync(folder)) {
      if (/^policy-arena-.*\.tgz$/.test(file)) fs.rmSync(path.join(folder, file));
    }
  }
  return publicPackages().map(({ dir, name, version }) => ({
    name,
    version,
    dir,
    tarball: packPackage(dir, path.basename(path.dirname(dir)) === 'examples' ? examples : dest),
  }));
}

/** The entries of a .tgz: `{ path, mode, data }`, paths without the leading `package/`. */
export function readTarball(file) {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  const entries = [];
  let longName;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const text = (start, length) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
    const size = parseInt(text(124, 12).trim() || '0', 8);
    const type = text(156, 1) || '0';
    const data = tar.subarray(offset + 512, offset + 512 + size);
    const prefix = text(345, 155);
    let name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
    if (longName) [name, longName] = [longName, undefined];
    if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (match) longName = match[1];
    } else if (type === 'L') {
      longName = data.toString('utf8').replace(/\0.*$/s, '');
    } else if (type === '0' || type === '\0') {
      entries.push({ path: name.replace(/^package\//, ''), mode: parseInt(text(100, 8).trim(), 8), data });
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/** The packed package.json of a tarball's entries. */
export function packedManifest(entries) {
  const entry = entries.find((e) => e.path === 'package.json');
  if (!entry) throw new Error('the tarball has no package.json');
  return JSON.parse(entry.data.toString('utf8'));
}

/** An exports map without its "source" conditions (what publishConfig.exports must say). */
function withoutSource(value) {
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'source')
      .map(([key, inner]) => [key, withoutSource(inner)]),
  );
}

function conditions(value, out = []) {
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      out.push(key);
      conditions(inner, out);
    }
  }
  return out;
}

/**
 * What publint does not check: no test files or build info, no `workspace:` ranges, no
 * development-only export condition, the license and readme present, bins executable with a
 * shebang, and no stale build output (a dist/ module without its source).
 */
export function tarballProblems(pkgDir, entries) {
  const problems = [];
  const manifest = packedManifest(entries);
  const paths = entries.map((e) => e.path);
  for (const p of paths) {
    if (/(^|\/)[^/]*\.(test|spec)\.[^/]*$/.test(p)) problems.push(`ships a test file: ${p}`);
    if (p.endsWith('.tsbuildinfo')) problems.push(`ships TypeScript build info: ${p}`);
    const built = /^dist\/(.*)\.js$/.exec(p);
    if (
      built &&
      fs.existsSync(path.join(pkgDir, 'src')) &&
      !fs.existsSync(path.join(pkgDir, 'src', `${built[1]}.ts`))
    )
      problems.push(
        `ships ${p} but src/${built[1]}.ts does not exist (stale build output: rebuild from clean)`,
      );
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${name} is still "${range}"`);
    }
  }
  if (conditions(manifest.exports).includes('source'))
    problems.push('exports has the development-only "source" condition (set publishConfig.exports)');
  const workspace = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  if (JSON.stringify(withoutSource(workspace.exports)) !== JSON.stringify(manifest.exports))
    problems.push('the published exports differ from the workspace exports without "source" (edit both)');
  if (!paths.includes('LICENSE')) problems.push('no LICENSE');
  if (!paths.includes('README.md')) problems.push('no README.md');
  const bins = typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {});
  for (const [name, target] of Object.entries(bins)) {
    const entry = entries.find((e) => e.path === path.posix.normalize(target));
    if (!entry) problems.push(`bin "${name}" → ${target} is not in the package`);
    else {
      if (!entry.data.toString('utf8', 0, 64).startsWith('#!/usr/bin/env node\n'))
        problems.push(`bin "${name}" → ${target} does not start with "#!/usr/bin/env node"`);
      if ((entry.mode & 0o111) !== 0o111) problems.push(`bin "${name}" → ${target} is not executable`);
    }
  }
  return problems;
}

/**
 * publint (any message, even a suggestion, is a problem) and, for a package with types,
 * are-the-types-wrong with the esm-only profile (the packages are ESM only), on a packed tarball.
 */
export async function lintTarball(tarball) {
  const problems = [];
  const bytes = fs.readFileSync(tarball);
  const lint = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    level: 'suggestion',
  });
  for (const message of lint.messages) {
    problems.push(
      `publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false }) ?? message.code}`,
    );
  }
  const manifest = lint.pkg;
  if (manifest.types || manifest.typings || JSON.stringify(manifest.exports ?? {}).includes('"types"')) {
    const attw = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'attw.cmd' : 'attw');
    const r = spawnSync(attw, [tarball, '--profile', 'esm-only', '--no-color', '--format', 'table-flipped'], {
      encoding: 'utf8',
      shell: process.platform === 'win32',
    });
    if (r.status !== 0)
      problems.push(`are-the-types-wrong (attw --profile esm-only):\n${r.stdout}${r.stderr}`);
  }
  return problems;
}
