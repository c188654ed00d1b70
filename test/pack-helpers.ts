/**
 * Shared by the tests that install the packed packages outside the workspace, as a user would
 * (pack-install.test.ts, plugin-guide.test.ts): pack every publishable package with pnpm, and run
 * npm / node in a temporary project with an environment free of the pnpm script variables.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
// @ts-expect-error -- plain ESM helper shared with scripts/check-packages.mjs, no declarations
import * as packing from '../scripts/packages.mjs';

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly tarball: string;
}

export interface TarEntry {
  readonly path: string;
  readonly mode: number;
  readonly data: Buffer;
}

export const root: string = packing.root;
export const readTarball: (file: string) => TarEntry[] = packing.readTarball;
export const packedManifest: (entries: TarEntry[]) => Record<string, unknown> = packing.packedManifest;
export const tarballProblems: (dir: string, entries: TarEntry[]) => string[] = packing.tarballProblems;
/** publint and are-the-types-wrong on a tarball: every message, one string each. */
export const lintTarball: (tarball: string) => Promise<string[]> = packing.lintTarball;

/**
 * Every publishable workspace package packed into `dest` by scripts/pack-all.mjs (`pnpm pack:all`
 * without its build step), by package name: the tests install what that script gives users.
 */
export function packAll(dest: string): Map<string, PackedPackage> {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'pack-all.mjs'), '--json', dest], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.status, `scripts/pack-all.mjs failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  const packed = JSON.parse(r.stdout) as PackedPackage[];
  return new Map(packed.map((p) => [p.name, p]));
}

/** npm settings a user may have set for the registry; every other npm_/pnpm variable is dropped. */
const KEEP =
  /^npm_config_(registry|cache|userconfig|globalconfig|strict_ssl|cafile|proxy|https_proxy|noproxy)$/i;

/** The environment of a shell outside the workspace: no pnpm script variables, no vitest markers. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key) && !KEEP.test(key)) continue;
    if (/^(VITEST|NODE_OPTIONS$|TEST$|NODE_ENV$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs a command; `ok` (default true) fails the test with its output when it exits non-zero. */
export function sh(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { timeoutS?: number; ok?: boolean; env?: Record<string, string> } = {},
): Ran {
  const started = performance.now();
  const r = spawnSync(command, args, {
    cwd,
    env: userEnv(options.env),
    encoding: 'utf8',
    timeout: (options.timeoutS ?? 240) * 1000,
    shell: process.platform === 'win32',
  });
  const ran = {
    code: r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    seconds: (performance.now() - started) / 1000,
  };
  if (options.ok ?? true) {
    expect(
      ran.code,
      `${command} ${args.join(' ')} (in ${cwd}) ${r.error ? r.error.message : `exited ${r.status}`}:\n${ran.stdout}\n${ran.stderr}`,
    ).toBe(0);
  }
  return ran;
}

/** `sh`, without blocking the event loop (for children that talk to a server in this process). */
export function shAsync(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { timeoutS?: number; ok?: boolean; env?: Record<string, string> } = {},
): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: userEnv(options.env),
      shell: process.platform === 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (options.timeoutS ?? 240) * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ran = { code, stdout, stderr, seconds: (performance.now() - started) / 1000 };
      try {
        if (options.ok ?? true) {
          expect(
            code,
            `${command} ${args.join(' ')} (in ${cwd}) exited ${code ?? signal}:\n${stdout}\n${stderr}`,
          ).toBe(0);
        }
        resolve(ran);
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** npm flags for installs in tests: use the cache when it can, no audit or funding calls. */
export const NPM_INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** A new npm project in `dir` (outside any workspace): package.json with "type": "module". */
export function newProject(dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, version: '0.0.0', private: true, type: 'module' }, null, 2),
  );
  return dir;
}

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
