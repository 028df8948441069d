import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// The Node host, bundled like Electron's main so `npm start` needs no TypeScript runtime.
// Dependencies stay external and load from node_modules (better-sqlite3 is native).
export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out/host',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: { cli: resolve(import.meta.dirname, 'src/host/cli.ts') },
      external: [...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
