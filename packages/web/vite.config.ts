import { defineConfig } from 'vite';

// A static app: `vite build` writes dist/ with relative asset URLs, so it can be served from any
// path (`arena report --serve`, a file server, GitHub Pages). Workers are ES modules because the
// engines they load (tfjs-backend-wasm, mujoco-js) use top-level await and dynamic imports.
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 16_000 },
  optimizeDeps: { exclude: ['mujoco-js'] },
});
