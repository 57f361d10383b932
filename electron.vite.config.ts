import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/**
 * One build for every process. The "main" build also emits the plain-Node entry points that
 * never load electron: `serve` (browser mode), `ptyd` (the PTY daemon).
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          serve: resolve('src/server/serve.ts'),
          ptyd: resolve('src/ptyd/main.ts'),
          cli: resolve('src/cli/main.ts'),
        },
        external: ['node-pty', 'libsql', 'electron', 'ws', '@xterm/headless', '@xterm/addon-serialize'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload must be one CommonJS file that requires nothing but electron.
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [react()],
    resolve: {
      // Monaco's package exports cover its scripts, not its stylesheets.
      alias: { 'monaco-codicon.css': resolve('node_modules/monaco-editor/esm/vs/base/browser/ui/codicons/codicon/codicon.css') },
    },
    build: {
      outDir: 'out/renderer',
      chunkSizeWarningLimit: 6000,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
