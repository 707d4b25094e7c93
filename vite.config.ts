// Builds the console UI (src-renderer) into dist/renderer, which `vigil serve` and the Electron window load.
// `base: './'` keeps asset URLs relative so the same build works over http:// and from Electron's file/app protocol.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const host = process.env.VIGIL_DEV_HOST ?? 'http://127.0.0.1:7070';

export default defineConfig({
  root: here('./src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: host, ws: true, changeOrigin: false },
      '/media': { target: host },
      '/live': { target: host },
    },
  },
});
