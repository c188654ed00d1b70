/**
 * Tensor backend selection for the tfjs side (policy gradients and Fisher-vector products).
 *
 * - `wasm` (default): @tensorflow/tfjs-backend-wasm, SIMD, deterministic, no native build.
 * - `cpu`: @tensorflow/tfjs-backend-cpu, plain JavaScript; slower, useful as a cross-check.
 * - `tensorflow`: @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu (libtensorflow), an optional
 *   dependency loaded by dynamic import; the install downloads libtensorflow, so it is not bundled.
 */
import * as tf from '@tensorflow/tfjs';
import { locateTfjsWasm } from '#platform';
import { prepareKernels } from './kernel-instances.js';

// tfjs's cpu backend greets the first tensor it stores in Node with a banner on stderr ("Hi, looks
// like you are running TensorFlow.js in Node.js …"), in the middle of a command's output. Production
// mode is tfjs's switch for its console notes: the flag PROD, which tfjs-core 4.x reads only in its
// warn/log helpers. Set on import, so that it holds in every thread that uses tfjs through core.
tf.enableProdMode();

export const BACKENDS = ['wasm', 'cpu', 'tensorflow'] as const;
export type BackendName = (typeof BACKENDS)[number];

export class BackendUnavailableError extends Error {}

let active: BackendName | null = null;

async function loadTensorflow(): Promise<void> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      return;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  throw new BackendUnavailableError(
    "backend 'tensorflow' needs @tensorflow/tfjs-node (CPU) or @tensorflow/tfjs-node-gpu (CUDA): npm install @tensorflow/tfjs-node@4.22.0",
  );
}

/**
 * Imports a backend's packages without selecting it; throws BackendUnavailableError when they
 * cannot load. Lets a command check an optional backend before it writes anything, while its
 * trials select the backend later, in their own threads.
 */
export async function loadBackend(name: BackendName): Promise<void> {
  if (!BACKENDS.includes(name)) {
    throw new RangeError(`unknown backend "${String(name)}"; valid: ${BACKENDS.join(', ')}`);
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    locateTfjsWasm(wasm.setWasmPaths);
  } else if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    await loadTensorflow();
  }
}

/**
 * Selects and initializes a backend (idempotent). Call once before building policies; worker
 * threads call it again in their own realm.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<BackendName> {
  if (active === name && tf.getBackend() === name) return name;
  await loadBackend(name);
  await prepareKernels();
  const ok = await tf.setBackend(name);
  if (!ok) throw new BackendUnavailableError(`backend '${name}' failed to initialize`);
  await tf.ready();
  active = name;
  return name;
}

export function activeBackend(): BackendName | null {
  return active;
}
