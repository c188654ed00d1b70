/**
 * What core does differently in Node.js and in a browser, Node side. package.json maps the
 * subpath import `#platform` to this file, or to `browser.ts` under the bundlers' "browser"
 * condition (Vite, esbuild, webpack), so the rest of core imports neither `node:` modules nor
 * browser globals directly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Node reads the kernels' WebAssembly synchronously when first needed: nothing to prepare. */
export async function prepareKernelWasm(_url: URL): Promise<void> {}

/** The bytes of the compiled kernels (`dist/mlp-kernels.wasm`). */
export function kernelWasmBytes(url: URL): Uint8Array {
  try {
    return readFileSync(url);
  } catch {
    throw new Error(
      `mlp-kernels: ${fileURLToPath(url)} is missing; build it with \`pnpm build\` (AssemblyScript, assembly/mlp.ts)`,
    );
  }
}

/**
 * Tells tfjs-backend-wasm where its .wasm files are. In Node they must be located explicitly: the
 * package's dist folder, with a trailing separator.
 */
export function locateTfjsWasm(setWasmPaths: (prefix: string) => void): void {
  const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(path.dirname(main) + path.sep);
}

/** Ticks per second of /proc's CPU times: USER_HZ, 100 on every mainstream Linux build. */
const USER_HZ = 100;
let cpuClock: boolean | undefined;

/**
 * CPU seconds (user + system) used so far by the calling thread, or undefined off Linux. Node 20
 * has no per-thread CPU clock (`process.threadCpuUsage` arrived in Node 23.9) and
 * `process.cpuUsage()` counts every thread of the process, which is wrong when several trials
 * share one process. On Linux, `/proc/thread-self/stat` is the calling thread's own record (a
 * synchronous read runs on the calling thread), with user and system time in clock ticks (fields
 * 14 and 15).
 */
export function threadCpuSeconds(): number | undefined {
  if (cpuClock === false) return undefined;
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    cpuClock = Number.isFinite(ticks);
    return cpuClock ? ticks / USER_HZ : undefined;
  } catch {
    cpuClock = false;
    return undefined;
  }
}
