// Shared pieces of the `pnpm bench` suites: the native MuJoCo peer, number formatting, the machine
// line, and rewriting one suite's section of BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const harnessSource = path.join(root, 'packages/envs/test-fixtures/golden/harness.c');

/** Compiles the native env-loop harness (gcc + Debian's libmujoco-dev); `{ exe }` or `{ error }`. */
export function compileNative(tmp) {
  const exe = path.join(tmp, 'harness');
  try {
    execFileSync('gcc', ['-O2', '-o', exe, harnessSource, '-lmujoco', '-lm'], { stdio: 'pipe' });
    return { exe };
  } catch (e) {
    const msg =
      String(e.stderr ?? e.message)
        .split('\n')
        .find((l) => l.trim()) ?? String(e);
    return { error: `native harness not built (needs gcc and libmujoco-dev): ${msg.trim()}` };
  }
}

/**
 * Native env steps per second on one core: random actions, frame skip, reward, termination, resets.
 * `comVelocity`: the v2 tasks' forward term (centre-of-mass velocity, computed after every step).
 */
export function nativeRate(exe, xmlPath, model, steps, comVelocity = false) {
  const out = execFileSync(exe, ['bench', xmlPath, model, String(steps), '1'], {
    encoding: 'utf8',
    env: { ...process.env, HARNESS_COM_VELOCITY: comVelocity ? '1' : '0' },
  });
  const line = JSON.parse(out.trim().split('\n').pop());
  return { rate: line.env_steps_per_s, version: line.mujoco_version };
}

/** Writes a task's model for the native harness; `nativeXml` (from @policy-arena/envs) strips MuJoCo 3-only elements. */
export function writeModel(tmp, task, nativeXml) {
  const xmlPath = path.join(tmp, `${task.model}.xml`);
  fs.writeFileSync(xmlPath, nativeXml(task.xml));
  return xmlPath;
}

export function nativeLabel(native, nativeVersion) {
  const v = Number(nativeVersion);
  const version = Number.isFinite(v) ? `${Math.floor(v / 100)}.${Math.floor(v / 10) % 10}.${v % 10}` : '?';
  return native.exe ? `MuJoCo ${version} (x86-64, Debian's libmujoco build; harness gcc -O2)` : native.error;
}

export const best = (xs) => (xs.length ? Math.max(...xs) : NaN);
export const least = (xs) => (xs.length ? Math.min(...xs) : NaN);
export const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(2) : 'n/a');

export function machineLine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} logical cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function stamp() {
  return new Date().toISOString().slice(0, 16).replace('T', ' ');
}

/** Replaces the section between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`. */
export function writeSection(name, lines) {
  const file = path.join(root, 'BENCHMARKS.md');
  const section = [`<!-- bench:${name}:start -->`, ...lines, `<!-- bench:${name}:end -->`].join('\n');
  let text = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : '# Benchmarks\n\nWritten by `pnpm bench`.\n';
  const re = new RegExp(`<!-- bench:${name}:start -->[\\s\\S]*?<!-- bench:${name}:end -->`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
}
