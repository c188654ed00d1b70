/**
 * What core does differently in a browser (or a Web Worker): the bundler picks this file for the
 * subpath import `#platform` under its "browser" condition. Same exports as `node.ts`.
 */

let kernelBytes: Uint8Array | undefined;

/**
 * Fetches the kernels' WebAssembly once per realm; `initBackend` calls it, so the synchronous
 * `kernelWasmBytes` finds the bytes when the first policy update needs them. Bundlers see the
 * `new URL('…/mlp-kernels.wasm', import.meta.url)` of kernel-instances.ts and ship the file.
 */
export async function prepareKernelWasm(url: URL): Promise<void> {
  if (kernelBytes) return;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`mlp-kernels: fetching ${url.href} failed: HTTP ${response.status}`);
  kernelBytes = new Uint8Array(await response.arrayBuffer());
}

export function kernelWasmBytes(url: URL): Uint8Array {
  if (!kernelBytes) {
    throw new Error(
      `mlp-kernels: ${url.href} is not loaded yet; call initBackend() before building policies`,
    );
  }
  return kernelBytes;
}

/**
 * A page's bundler decides where tfjs-backend-wasm's .wasm files are served, so the page calls
 * `setWasmPaths` of @tensorflow/tfjs-backend-wasm itself before `initBackend('wasm')`.
 */
export function locateTfjsWasm(_setWasmPaths: (prefix: string) => void): void {}

/** Browsers expose no per-thread CPU clock: the `cpuSeconds` metric is left out. */
export function threadCpuSeconds(): number | undefined {
  return undefined;
}
