import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
// The dev server proxies /api to a locally running Xietong server (npx tsx src/cli.ts serve).
const apiTarget = process.env.XIETONG_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3100'}`;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything is bundled and served from the same origin; no CDN, no web fonts, no map tiles.
    assetsInlineLimit: 4096,
    target: 'es2022',
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
    },
  },
});
