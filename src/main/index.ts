import { app, BrowserWindow, dialog, ipcMain, safeStorage } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveDataDir } from '../core/config';
import { createServices, type Services } from '../core/services';
import type { KeyProtector } from '../core/sync/deviceKey';
import { PosError } from '../shared/api/errors';
import { IPC_CHANNEL } from '../shared/api/ipc';
import { errorMessage } from '../shared/i18n/translate';
import { APP_VERSION } from '../shared/version';
import { hardenApp, isTrustedSender } from './security';

/**
 * The Electron shell: one window, the security checklist, and a generic IPC bridge into the
 * same core the Node host uses. No behaviour lives here.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.join(here, '..', 'renderer', 'index.html');
const devUrl = process.env.ELECTRON_RENDERER_URL;
const appUrlPrefix = devUrl ? new URL(devUrl).origin + '/' : pathToFileURL(rendererIndex).href;
const isAppUrl = (url: string): boolean => url === appUrlPrefix || url.startsWith(appUrlPrefix.replace(/index\.html$/, ''));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  hardenApp(isAppUrl);
  let services: Services | undefined;

  app
    .whenReady()
    .then(() => {
      try {
        services = createServices(
          { dataDir: resolveDataDir(process.argv.slice(1)), host: 'electron', appVersion: APP_VERSION },
          { keyProtector: keychain(), logToStderr: !app.isPackaged },
        );
      } catch (e) {
        const message = e instanceof PosError ? `${errorMessage('zh-CN', e)}\n\n${errorMessage('en', e)}` : String(e);
        dialog.showErrorBox('关爱收银台 CareTill', message);
        app.exit(2);
        return;
      }
      const s = services;
      ipcMain.handle(IPC_CHANNEL, (event, method: unknown, args: unknown, sessionToken: unknown) => {
        if (!isTrustedSender(event.senderFrame, isAppUrl)) {
          return { ok: false, error: { code: 'unauthorized', message: 'IPC from an untrusted frame' } };
        }
        return s.dispatch(method, args, typeof sessionToken === 'string' ? { sessionToken } : {});
      });
      // Same first-run experience as the Node host: a demo program unless the till is enrolled elsewhere.
      const demo = process.argv.includes('--no-demo')
        ? Promise.resolve(null)
        : import('../demo/demoProgram')
            .then((m) => m.startDemoProgram(s))
            .catch((err: unknown) => {
              // The till works without the demo (it waits for a real enrollment); the log says why.
              s.log.error({ err }, 'demo program did not start');
              return null;
            });
      void demo.then(() => s.sync.start());
      app.on(
        'before-quit',
        () => void demo.then((d) => d?.close()).catch((err: unknown) => s.log.warn({ err }, 'demo program did not close')),
      );
      createWindow();
    })
    .catch((e: unknown) => {
      dialog.showErrorBox('关爱收银台 CareTill', String(e));
      app.exit(1);
    });

  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('window-all-closed', () => {
    services?.close();
    app.quit();
  });
}

/** The device key sealed with the OS keychain (DPAPI, Keychain, libsecret) where Electron offers it. */
function keychain(): KeyProtector | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    name: 'electron-safeStorage',
    protect: (plain) => safeStorage.encryptString(plain.toString('utf8')),
    unprotect: (stored) => Buffer.from(safeStorage.decryptString(stored), 'utf8'),
  };
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    title: '关爱收银台 CareTill',
    show: false,
    webPreferences: {
      preload: path.join(here, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(rendererIndex);
}
