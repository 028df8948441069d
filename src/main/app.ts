import { app, Menu, screen, type BrowserWindow } from 'electron';
import { readFlag, resolveDataDir } from '../core/config';
import { createServices, type Services } from '../core/services';
import { PosError } from '../shared/api/errors';
import { DEFAULT_LOCALE } from '../shared/i18n/locales';
import { errorMessage } from '../shared/i18n/translate';
import { APP_VERSION } from '../shared/version';
import { hasOrigin, pageSource, type PageSource } from './appOrigin';
import { registerAppScheme, serveRenderer } from './appProtocol';
import { createDesktopShell, type TillShell } from './desktopShell';
import { reportFatal, watchForCrashes, type CrashContext } from './fatalError';
import { servePosApi } from './ipcBridge';
import { keychain } from './keychain';
import { hardenApp, hardenSession } from './security';
import { createMainWindow } from './window';
import { placeWindow, trackWindowState } from './windowState';

export interface MainOptions {
  /** process.argv without the executable: --data-dir, --no-demo, --restore FILE. */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** The built renderer (out/renderer), served as app://caretill/. */
  rendererRoot: string;
  /** The bundled preload (out/preload/index.cjs). */
  preload: string;
  platform?: NodeJS.Platform;
  /** Where uncaught exceptions are heard: `process`, or a test's own emitter. */
  processEvents?: NodeJS.EventEmitter;
}

export interface MainRuntime {
  services: Services;
  window: BrowserWindow;
  shell: TillShell;
  source: PageSource;
}

/**
 * The Electron shell, wired: one instance, the security checklist, the app:// renderer, the IPC
 * bridge into the same core the Node host uses, the shop's desktop settings and the crash dialog.
 * No till behaviour lives here. index.ts calls this with real paths; the unit tests call it against
 * a fake `electron` module and drive what it registered.
 */
export function startMain(o: MainOptions): { ready: Promise<MainRuntime | null> } {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { ready: Promise.resolve(null) };
  }
  const platform = o.platform ?? process.platform;
  const source = pageSource(app.isPackaged, o.env);
  const isOurs = (url: string) => hasOrigin(url, source.origin);
  const dataDir = resolveDataDir(o.argv, o.env);
  let services: Services | undefined;
  let win: BrowserWindow | null = null;
  const crash: CrashContext = {
    dataDir,
    log: () => services?.log,
    locale: () => services?.settings.get('locale') ?? DEFAULT_LOCALE,
    window: () => win,
  };

  registerAppScheme();
  hardenApp(isOurs);
  watchForCrashes(o.processEvents ?? process, crash);

  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    services?.close();
    app.quit();
  });

  const ready = app
    .whenReady()
    .then(async (): Promise<MainRuntime | null> => {
      // Without the CSP and the permission handlers no window may open: a throw here ends in the fatal dialog.
      hardenSession(isOurs);
      serveRenderer(o.rendererRoot);
      // No default menu in the shop: its accelerators reload the page and open the developer tools.
      if (app.isPackaged) Menu.setApplicationMenu(null);
      const shell = createDesktopShell({
        canStartWithSystem: app.isPackaged && (platform === 'win32' || platform === 'darwin'),
        log: () => services?.log,
      });
      try {
        services = createServices(
          { dataDir, host: 'electron', appVersion: APP_VERSION },
          {
            keyProtector: keychain(platform),
            logToStderr: !app.isPackaged,
            desktopShell: shell,
            // `--restore FILE` (a new PC): the backup is checked and put in place before the database opens.
            ...(readFlag(o.argv, 'restore') ? { restoreFrom: readFlag(o.argv, 'restore')! } : {}),
          },
        );
      } catch (e) {
        const detail = e instanceof PosError ? `${errorMessage('zh-CN', e)}\n${errorMessage('en', e)}` : String(e);
        await reportFatal(crash, 'startup', detail);
        return null;
      }
      const s = services;
      if (source.ignoredDevUrl) s.log.warn({ reason: source.ignoredDevUrl }, 'ELECTRON_RENDERER_URL ignored');
      servePosApi(s.dispatch, isOurs);
      startDemo(s, o.argv);

      // The owner's settings, applied at every start (an install in a new folder moves the login item).
      if (shell.canStartWithSystem) shell.setStartWithSystem(s.settings.get('desktop.startWithWindows'));
      shell.setTillMode(s.settings.get('desktop.kioskMode'));
      const workAreas = screen.getAllDisplays().map((d) => d.workArea);
      win = createMainWindow({
        source,
        preload: o.preload,
        placement: placeWindow(s.settings.get('desktop.windowState'), workAreas),
        tillMode: shell.inTillMode(),
        devTools: !app.isPackaged,
        title: '关爱收银台 CareTill',
      });
      shell.attach(win);
      trackWindowState(win, (state) => s.settings.set('desktop.windowState', state));
      return { services: s, window: win, shell, source };
    })
    .catch(async (e: unknown) => {
      crash.log()?.fatal({ err: e }, 'the desktop app did not start');
      await reportFatal(crash, 'startup', e instanceof Error ? e.message : String(e));
      return null;
    });
  return { ready };
}

/** Same first-run experience as the Node host: a demo program unless the till is enrolled elsewhere. */
function startDemo(s: Services, argv: readonly string[]): void {
  const demo = argv.includes('--no-demo')
    ? Promise.resolve(null)
    : import('../demo/demoProgram')
        .then((m) => m.startDemoProgram(s))
        .catch((err: unknown) => {
          // The till works without the demo (it waits for a real enrollment); the log says why.
          s.log.error({ err }, 'demo program did not start');
          return null;
        });
  void demo.then(() => s.sync.start());
  app.on('before-quit', () => void demo.then((d) => d?.close()).catch((err: unknown) => s.log.warn({ err }, 'demo program did not close')));
}
