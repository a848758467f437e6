/**
 * The web application's build: Vue 3 single-file components, bundled by Vite into dist/web (hashed
 * file names under assets/, so the server can cache them for a year). Nothing is loaded from a CDN:
 * the service runs on intranets. `npm run build` runs it through src/cli/build.mjs.
 */
import path from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: '/',
  plugins: [vue()],
  // A build with no inline script or style element, for the Content-Security-Policy the server sends.
  build: {
    outDir: path.resolve(here, '../../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Small assets stay files too: img-src and font-src are 'self' only, no data: URIs needed.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    reportCompressedSize: false,
    // dist/web/.vite/manifest.json: which chunks each screen loads (test/bench/web-weight.ts reads it).
    manifest: true,
  },
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/openapi.json': 'http://127.0.0.1:3000' } },
});
