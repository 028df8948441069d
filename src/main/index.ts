import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMain } from './app';

/**
 * Electron's entry (out/main/index.js in the package). The renderer and the preload sit beside
 * this bundle: out/renderer is served as app://caretill/, out/preload/index.cjs is the sandboxed
 * bridge. Everything else is in app.ts.
 */
const here = path.dirname(fileURLToPath(import.meta.url));

startMain({
  argv: process.argv.slice(1),
  env: process.env,
  rendererRoot: path.join(here, '..', 'renderer'),
  preload: path.join(here, '..', 'preload', 'index.cjs'),
});
