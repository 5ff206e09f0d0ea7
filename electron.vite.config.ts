import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const alias = {
  '@shared': resolve(import.meta.dirname, 'src/shared'),
  '@main': resolve(import.meta.dirname, 'src/main'),
  '@renderer': resolve(import.meta.dirname, 'src/renderer/src'),
};

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      rollupOptions: {
        // One bundle graph for every Node-side entry: the Electron host, the browser shell and the CLI
        // share the same engine chunks, and only `index` ever imports electron.
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          shell: resolve(import.meta.dirname, 'src/main/shell/index.ts'),
          cli: resolve(import.meta.dirname, 'src/cli/index.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    resolve: { alias },
    plugins: [react()],
    build: {
      // electron-vite leaves bundles readable; the renderer is worth minifying (about half the bytes).
      minify: true,
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/renderer/index.html'),
          // Used only by the browser shell, which serves it in place of a preload.
          'shell-bridge': resolve(import.meta.dirname, 'src/preload/browser.ts'),
        },
        output: {
          entryFileNames: (chunk) => (chunk.name === 'shell-bridge' ? 'shell-bridge.js' : 'assets/[name]-[hash].js'),
        },
      },
    },
  },
});
