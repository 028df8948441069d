import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFlag, resolveDataDir } from '../core/config';
import { createServices, type Services } from '../core/services';
import { PosError } from '../shared/api/errors';
import { errorMessage } from '../shared/i18n/translate';
import { APP_VERSION } from '../shared/version';
import { startHost } from './server';

/**
 * `node out/host/cli.js [--port N] [--data-dir DIR] [--renderer-dir DIR] [--restore BACKUP] [--no-demo]`
 * Starts the till in the Node host and prints one line with the address to open.
 */
async function main(argv: string[]): Promise<void> {
  const port = Number(readFlag(argv, 'port') ?? process.env.CARETILL_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be a number from 0 to 65535 (got ${String(readFlag(argv, 'port'))})`);
  }
  const dataDir = resolveDataDir(argv);
  let services: Services;
  try {
    // The log file in the data folder is always written; stderr too in development (it would clutter a shop's console).
    const logToStderr = process.env.NODE_ENV === 'development' || process.env.CARETILL_LOG_STDERR === '1';
    // `--restore FILE`: a backup put in place (after checking it) before the database opens: a new PC, a dead disk.
    const restoreFrom = readFlag(argv, 'restore');
    services = createServices(
      { dataDir, host: 'node-host', appVersion: APP_VERSION },
      { logToStderr, ...(restoreFrom ? { restoreFrom: path.resolve(restoreFrom) } : {}) },
    );
  } catch (e) {
    if (e instanceof PosError) {
      // Both languages: at this point we cannot know which one the shop chose.
      fail(`${errorMessage('zh-CN', e)}\n${errorMessage('en', e)}\n(${e.message})`);
    }
    throw e;
  }
  // The demo program (program server, PDF cards) loads only when it is wanted: a real till starts lighter.
  const wantDemo = !argv.includes('--no-demo') && process.env.CARETILL_NO_DEMO !== '1';
  const demo = wantDemo ? await (await import('../demo/demoProgram')).startDemoProgram(services) : null;
  services.sync.start();
  const host = await startHost({ dispatch: services.dispatch, port, rendererDir: findRendererDir(argv) });
  process.stdout.write(`CareTill 关爱收银台 is running in the Node host (no Electron here); open ${host.openUrl}\n`);
  if (demo) {
    process.stdout.write(`Demo program server on ${demo.server.url}; demo voucher codes in ${demo.csv}\n`);
    process.stdout.write(`Settle what the till uploads: npm run program -- statements create --home ${demo.dir}\n`);
    // writeDemoFiles logs its own failure and resolves to null.
    void demo.cards.then((file) => file && process.stdout.write(`Demo voucher cards to print or show to the camera: ${file}\n`));
  }

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    // Never hang on exit: whatever is still open after 3 s is cut (the database is closed by the OS; WAL keeps it consistent).
    setTimeout(() => process.exit(0), 3000).unref();
    void Promise.all([host.close(), demo?.close()])
      .catch((err: unknown) => services.log.warn({ err }, 'shutdown was not clean'))
      .finally(() => {
        services.close();
        process.exit(0);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
  exitWithLauncher(shutdown);
}

/**
 * Started by `npm start` (scripts/start.mjs), the host ends when its launcher does, however the
 * launcher ended (even SIGKILL): a till and a demo program left running as orphans would hold the
 * data folder and the ports.
 */
function exitWithLauncher(shutdown: () => void): void {
  const launcher = Number(process.env.CARETILL_PARENT_PID);
  if (!Number.isInteger(launcher) || launcher <= 1) return;
  setInterval(() => {
    try {
      process.kill(launcher, 0);
    } catch (e) {
      // ESRCH: the launcher is gone. (EPERM would mean it exists under another user: still there.)
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') shutdown();
    }
  }, 1000).unref();
}

function findRendererDir(argv: string[]): string | undefined {
  const explicit = readFlag(argv, 'renderer-dir');
  if (explicit) return path.resolve(explicit);
  const here = path.dirname(fileURLToPath(import.meta.url));
  // out/host/cli.js → out/renderer; src/host/cli.ts (run with tsx) → out/renderer
  return [path.join(here, '..', 'renderer'), path.join(here, '..', '..', 'out', 'renderer')].find((d) =>
    fs.existsSync(path.join(d, 'index.html')),
  );
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`CareTill could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
