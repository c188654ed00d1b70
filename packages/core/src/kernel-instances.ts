/**
 * The WebAssembly instances that run the kernels of mlp-kernels.ts: the compiled module (read once
 * per thread from the package's dist folder; a browser fetches it in `initBackend`), the kernels'
 * signatures, and a small pool of disposed instances whose memory is reused.
 */
import { kernelWasmBytes, prepareKernelWasm } from '#platform';

// The WebAssembly global, typed here: the project's TypeScript lib (ES2023 + node) does not declare it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface KernelExports {
  readonly memory: WasmMemory;
  gemm(
    A: number,
    lda: number,
    W: number,
    ldw: number,
    bias: number,
    C: number,
    ldc: number,
    rows: number,
    inner: number,
    cols: number,
    accumulate: number,
  ): void;
  gemmTN(
    A: number,
    lda: number,
    D: number,
    ldd: number,
    rows: number,
    inner: number,
    cols: number,
    G: number,
    ldg: number,
    gb: number,
  ): void;
  tanhInPlace(X: number, count: number): void;
  mulDtanh(D: number, H: number, rows: number, ld: number): void;
  mulDtanhBlocks(G: number, H: number, rows: number, act: number, ld: number): void;
  jacobianInit(G: number, B: number, H: number, rows: number, act: number, ld: number): void;
  blockDot(G: number, T: number, U: number, rows: number, act: number, ld: number): void;
  blockTdot(G: number, U: number, D: number, rows: number, act: number, ld: number): void;
}

let compiled: object | null = null;

// The same relative path works from src/ (tests run the TypeScript sources) and from dist/; a
// bundler sees `new URL(literal, import.meta.url)` and ships the file with the page.
const kernelUrl = (): URL => new URL('../dist/mlp-kernels.wasm', import.meta.url);

/** Makes the kernels' bytes available in this realm (a fetch in browsers; nothing in Node). */
export function prepareKernels(): Promise<void> {
  return prepareKernelWasm(kernelUrl());
}

function kernelModule(): object {
  if (compiled) return compiled;
  compiled = new wasm.Module(kernelWasmBytes(kernelUrl()));
  return compiled;
}

/**
 * Disposed instances, for reuse: an update allocates tens of MB (activations and Jacobian blocks of
 * 50k states), and touching fresh pages costs more than the products themselves (measured here: a
 * fresh 86 MB layout added ≈ 0.3 s of page faults to a 0.5 s update).
 */
const pool: KernelExports[] = [];
const POOL_SIZE = 2;

export function acquireInstance(bytes: number): KernelExports {
  const pages = Math.ceil(bytes / 65536);
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    const size = pool[i]!.memory.buffer.byteLength / 65536;
    const bestSize = best < 0 ? Infinity : pool[best]!.memory.buffer.byteLength / 65536;
    if (size >= pages && size < bestSize) best = i;
  }
  if (best < 0 && pool.length > 0) best = pool.length - 1;
  const ex =
    best >= 0
      ? pool.splice(best, 1)[0]!
      : (new wasm.Instance(kernelModule(), {}).exports as unknown as KernelExports);
  growInstance(ex, bytes);
  return ex;
}

export function growInstance(ex: KernelExports, bytes: number): void {
  const pages = Math.ceil(bytes / 65536);
  const have = ex.memory.buffer.byteLength / 65536;
  if (have >= pages) return;
  try {
    ex.memory.grow(pages - have);
  } catch (e) {
    throw new RangeError(
      `GaussianMlpKernels: the batch needs ${(bytes / 2 ** 30).toFixed(2)} GiB of WebAssembly memory (at most 4 GiB); use fewer states or a Fisher subsample (${String(e)})`,
    );
  }
}

export function releaseInstance(ex: KernelExports): void {
  pool.push(ex);
  if (pool.length > POOL_SIZE) pool.shift();
}
