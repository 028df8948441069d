import { BrowserWindow } from 'electron';
import type { PageSource } from './appOrigin';
import { MIN_SIZE, type Placement } from './windowState';

export interface WindowOptions {
  source: PageSource;
  /** The bundled, sandboxed preload (out/preload/index.cjs). */
  preload: string;
  placement: Placement;
  tillMode: boolean;
  /** Developer tools only in development. */
  devTools: boolean;
  title: string;
}

/**
 * The till's one window, with every web preference of Electron's security checklist spelled out
 * (most are defaults: written here so that a change shows up in review and fails a test).
 */
export function createMainWindow(o: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...o.placement.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: o.title,
    show: false,
    kiosk: o.tillMode,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: o.devTools,
    },
  });
  if (o.placement.maximized && !o.tillMode) win.maximize();
  win.once('ready-to-show', () => win.show());
  void win.loadURL(o.source.url);
  return win;
}
