/* eslint-disable @typescript-eslint/no-explicit-any -- a stand-in for Electron's API, typed as loosely as the tests need */
import { EventEmitter } from 'node:events';

/**
 * A stand-in for the `electron` module, for testing src/main without Electron's binary (which
 * cannot be downloaded here, and which the real package fetches on first require). It records what
 * main registers (web preferences, handlers, schemes, dialogs) so the tests can drive each handler.
 * Use with `vi.mock('electron', async () => (await import('../helpers/fakeElectron')).electronModule)`.
 */

export interface PreventableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function event(extra: Record<string, unknown> = {}): PreventableEvent & Record<string, unknown> {
  const e = {
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
    ...extra,
  };
  return e;
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  reloads = 0;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  reload(): void {
    this.reloads++;
  }
  isDestroyed(): boolean {
    return false;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly options: any;
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  loadedFile: string | null = null;
  kiosk: boolean;
  maximized = false;
  minimized = false;
  destroyed = false;
  bounds: { x: number; y: number; width: number; height: number };

  constructor(options: any = {}) {
    super();
    this.options = options;
    this.kiosk = Boolean(options.kiosk);
    this.bounds = { x: options.x ?? 100, y: options.y ?? 100, width: options.width ?? 800, height: options.height ?? 600 };
    state.windows.push(this);
    // As Electron does: every new web contents is announced on the app.
    app.emit('web-contents-created', event(), this.webContents);
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return state.windows.filter((w) => !w.destroyed);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  loadFile(file: string): Promise<void> {
    this.loadedFile = file;
    return Promise.resolve();
  }
  show(): void {}
  focus(): void {}
  restore(): void {
    this.minimized = false;
  }
  reload(): void {
    this.webContents.reload();
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  maximize(): void {
    this.maximized = true;
    this.emit('maximize');
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  setKiosk(on: boolean): void {
    this.kiosk = on;
  }
  isKiosk(): boolean {
    return this.kiosk;
  }
  isFullScreen(): boolean {
    return this.kiosk;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  /** What the user does by dragging or resizing the window. */
  moveTo(bounds: Partial<FakeBrowserWindow['bounds']>): void {
    this.bounds = { ...this.bounds, ...bounds };
    this.emit('move');
    this.emit('resize');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The close button, Alt+F4 or the OS: main may prevent it. Returns whether the window closed. */
  close(): boolean {
    const e = event();
    this.emit('close', e);
    if (e.defaultPrevented) return false;
    this.destroyed = true;
    this.emit('closed');
    return true;
  }
}

type Handler = (...args: any[]) => any;

interface State {
  windows: FakeBrowserWindow[];
  ready: { promise: Promise<void>; resolve: () => void };
  sandboxEnabled: boolean;
  quits: number;
  exits: number[];
  relaunches: number;
  loginItems: any[];
  schemes: any[];
  protocolHandlers: Map<string, Handler>;
  ipcHandlers: Map<string, Handler>;
  headersHandler: Handler | null;
  permissionRequestHandler: Handler | null;
  permissionCheckHandler: Handler | null;
  devicePermissionHandler: Handler | null;
  openedExternally: string[];
  errorBoxes: Array<{ title: string; content: string }>;
  messageBoxes: any[];
  /** Answers the next message box (the index of the button pressed); the default presses the cancel button. */
  answer: (options: any) => number | Promise<number>;
  saveDialogs: any[];
  saveTo: string | null;
  menus: unknown[];
  encryption: boolean;
  storageBackend: string;
  sealed: number;
  displays: Array<{ x: number; y: number; width: number; height: number }>;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function fresh(): State {
  return {
    windows: [],
    ready: deferred(),
    sandboxEnabled: false,
    quits: 0,
    exits: [],
    relaunches: 0,
    loginItems: [],
    schemes: [],
    protocolHandlers: new Map(),
    ipcHandlers: new Map(),
    headersHandler: null,
    permissionRequestHandler: null,
    permissionCheckHandler: null,
    devicePermissionHandler: null,
    openedExternally: [],
    errorBoxes: [],
    messageBoxes: [],
    answer: (o) => o.cancelId ?? 0,
    saveDialogs: [],
    saveTo: null,
    menus: [],
    encryption: true,
    storageBackend: 'gnome_libsecret',
    sealed: 0,
    displays: [{ x: 0, y: 0, width: 1920, height: 1040 }],
  };
}

export const state: State = fresh();

class FakeApp extends EventEmitter {
  isPackaged = true;
  whenReady(): Promise<void> {
    return state.ready.promise;
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  enableSandbox(): void {
    state.sandboxEnabled = true;
  }
  quit(): void {
    state.quits++;
    this.emit('before-quit', event());
  }
  exit(code = 0): void {
    state.exits.push(code);
  }
  relaunch(): void {
    state.relaunches++;
  }
  getPath(name: string): string {
    return `/fake/${name}`;
  }
  setLoginItemSettings(settings: unknown): void {
    state.loginItems.push(settings);
  }
}

export const app = new FakeApp();

const sealedPrefix = 'SEALED:';

export const electronModule = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Menu: { setApplicationMenu: (menu: unknown) => state.menus.push(menu) },
  screen: { getAllDisplays: () => state.displays.map((workArea) => ({ workArea, bounds: workArea })) },
  protocol: {
    registerSchemesAsPrivileged: (schemes: any[]) => state.schemes.push(...schemes),
    handle: (scheme: string, handler: Handler) => state.protocolHandlers.set(scheme, handler),
  },
  ipcMain: { handle: (channel: string, handler: Handler) => state.ipcHandlers.set(channel, handler) },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (h: Handler) => (state.headersHandler = h) },
      setPermissionRequestHandler: (h: Handler) => (state.permissionRequestHandler = h),
      setPermissionCheckHandler: (h: Handler) => (state.permissionCheckHandler = h),
      setDevicePermissionHandler: (h: Handler) => (state.devicePermissionHandler = h),
    },
  },
  shell: {
    openExternal: (url: string) => {
      state.openedExternally.push(url);
      return Promise.resolve();
    },
  },
  dialog: {
    showErrorBox: (title: string, content: string) => state.errorBoxes.push({ title, content }),
    showMessageBox: async (a: any, b?: any) => {
      const options = b ?? a;
      state.messageBoxes.push({ ...options, parent: b ? a : null });
      return { response: await state.answer(options), checkboxChecked: false };
    },
    showSaveDialog: (a: any, b?: any) => {
      state.saveDialogs.push(b ?? a);
      return Promise.resolve(state.saveTo ? { canceled: false, filePath: state.saveTo } : { canceled: true, filePath: '' });
    },
  },
  safeStorage: {
    isEncryptionAvailable: () => state.encryption,
    getSelectedStorageBackend: () => state.storageBackend,
    encryptString: (plain: string) => {
      state.sealed++;
      return Buffer.from(sealedPrefix + Buffer.from(plain, 'utf8').toString('base64'));
    },
    decryptString: (sealed: Buffer) => {
      const s = sealed.toString();
      if (!s.startsWith(sealedPrefix)) throw new Error('not sealed by this keychain');
      return Buffer.from(s.slice(sealedPrefix.length), 'base64').toString('utf8');
    },
  },
};

/** The test's remote control. */
export const fake = {
  state,
  app,
  /** Forgets everything main registered; call before each start. */
  reset(): void {
    Object.assign(state, fresh());
    app.removeAllListeners();
    app.isPackaged = true;
  },
  /** Electron is ready: whenReady() resolves. */
  ready(): void {
    state.ready.resolve();
  },
  window(): FakeBrowserWindow {
    const w = state.windows[0];
    if (!w) throw new Error('no window was created');
    return w;
  },
  ipc(channel: string): Handler {
    const h = state.ipcHandlers.get(channel);
    if (!h) throw new Error(`nothing handles IPC channel ${channel}`);
    return h;
  },
};
