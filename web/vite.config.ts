// The demo app: `npm run web` serves it (http://localhost:5173, or $PORT), `npm run web:build` writes web/dist.
// It imports the library the way a package user would (`from 'parity-lstm'`); the alias points that at the
// TypeScript source, so the page runs without a prior tsc build. The wasm core is inlined in
// src/generated/core-wasm.ts (made by `npm run build:wasm`), so there is no asset to copy or URL to configure.

import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const port = Number(process.env.PORT) || 5173;

export default defineConfig({
  root: here('.'),
  base: './', // relative asset paths: web/dist can be served from any directory
  resolve: {
    alias: { 'parity-lstm': here('../src/index.ts') },
  },
  server: { port, strictPort: true, fs: { allow: [here('..')] } },
  preview: { port, strictPort: true },
  worker: { format: 'es' },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000, // vega is large; the page loads it once
  },
});
