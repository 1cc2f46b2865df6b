/**
 * Builds web/ into dist/webapp (not dist/web: tsc writes the serving context's compiled code there).
 * The service worker is a second entry with a fixed name (sw.js, at the root so its scope is the
 * whole app); after bundling, the precache plugin writes the list of built files into it.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precacheManifest } from './build/precache.js';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('../dist/webapp', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 800,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { main: fileURLToPath(new URL('index.html', import.meta.url)), sw: fileURLToPath(new URL('src/sw.ts', import.meta.url)) },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  plugins: [precacheManifest()],
  server: {
    // `npx vite web` during development: the API runs on the platform's port.
    proxy: Object.fromEntries(['/api', '/digitaltwins', '/models', '/query'].map((p) => [p, { target: process.env['TWINWORKS_URL'] ?? 'http://127.0.0.1:8080' }])),
  },
});
