import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DATABASE_FILE } from '../../src/core/config';
import { createServices } from '../../src/core/services';
import { LOG_DIR, LOG_FILE } from '../../src/core/system/log';
import { placeWindow } from '../../src/main/windowState';
import { event, fake } from '../helpers/fakeElectron';
import { bootMain, signIn, type Booted, type BootOptions } from '../helpers/mainHarness';
import { tempDir } from '../helpers/tmp';

// The shop's desktop features of the Electron main process, against a recording fake `electron`.
vi.mock('electron', async () => (await import('../helpers/fakeElectron')).electronModule);

let booted: Booted | undefined;
afterEach(() => {
  booted?.stop();
  booted = undefined;
});
/** Starts main; a second start in one test stops the first. */
async function boot(o: BootOptions = {}) {
  booted?.stop();
  booted = await bootMain(o);
  return booted;
}

const shop = (settings: (s: Parameters<NonNullable<BootOptions['seed']>>[0]) => void = () => {}): BootOptions['seed'] => {
  return (s) => {
    s.users.create('王店主', 'owner', '1234');
    s.users.create('李收银', 'cashier', '5678');
    settings(s);
  };
};

async function until<T>(f: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('full-screen till mode', () => {
  it('opens full screen and cannot be closed until an owner types their PIN', async () => {
    const b = await boot({ seed: shop((s) => s.settings.set('desktop.kioskMode', true)) });
    const w = fake.window();
    expect(w.options.kiosk).toBe(true);
    expect(w.isKiosk()).toBe(true);
    expect(w.close()).toBe(false); // Alt+F4 and the close button do nothing

    const cashier = await signIn(b, '李收银', '5678');
    expect((await b.call('getDesktop')).value).toMatchObject({ desktop: true, tillMode: true, inTillMode: true });
    const wrong = await b.call('leaveTillMode', { pin: '5678' }, { session: cashier });
    expect(wrong.error.code).toBe('pin_wrong');
    expect(w.isKiosk()).toBe(true);
    expect((await b.call('leaveTillMode', { pin: '1234' })).error.code).toBe('not_logged_in');

    const left = await b.call('leaveTillMode', { pin: '1234' }, { session: cashier });
    expect(left.value).toMatchObject({ tillMode: true, inTillMode: false });
    expect(w.isKiosk()).toBe(false);
    expect(w.close()).toBe(true);
  });

  it('goes full screen at once when the owner turns it on, and a cashier cannot turn it off', async () => {
    const b = await boot({ seed: shop() });
    const w = fake.window();
    expect(w.isKiosk()).toBe(false);
    const owner = await signIn(b, '王店主', '1234');
    expect((await b.call('saveDesktop', { tillMode: true }, { session: owner })).value).toMatchObject({ tillMode: true, inTillMode: true });
    expect(w.isKiosk()).toBe(true);
    const cashier = await signIn(b, '李收银', '5678');
    expect((await b.call('saveDesktop', { tillMode: false }, { session: cashier })).error.code).toBe('forbidden');
    expect(w.isKiosk()).toBe(true);
    expect(b.rt.services.settings.get('desktop.kioskMode')).toBe(true);
  });

  it('never stands in the way of quitting the app or Windows shutting down', async () => {
    await boot({ seed: shop((s) => s.settings.set('desktop.kioskMode', true)) });
    const w = fake.window();
    w.emit('session-end', event());
    expect(w.close()).toBe(true);

    await boot({ seed: shop((s) => s.settings.set('desktop.kioskMode', true)) });
    fake.app.quit();
    expect(fake.window().close()).toBe(true);
  });
});

describe('start with Windows', () => {
  it('is a login item of the installed app on Windows, set at start and when the owner changes it', async () => {
    const b = await boot({ platform: 'win32', seed: shop((s) => s.settings.set('desktop.startWithWindows', true)) });
    expect(fake.state.loginItems).toEqual([{ openAtLogin: true }]);
    const owner = await signIn(b, '王店主', '1234');
    const r = await b.call('saveDesktop', { startWithWindows: false }, { session: owner });
    expect(r.value).toMatchObject({ canStartWithWindows: true, startWithWindows: false });
    expect(fake.state.loginItems.at(-1)).toEqual({ openAtLogin: false });
  });

  it('is never registered from a development run or on Linux, where it is only kept as the owner’s wish', async () => {
    await boot({ platform: 'win32', packaged: false, seed: shop((s) => s.settings.set('desktop.startWithWindows', true)) });
    expect(fake.state.loginItems).toEqual([]);

    const b = await boot({ platform: 'linux', seed: shop() });
    const owner = await signIn(b, '王店主', '1234');
    const r = await b.call('saveDesktop', { startWithWindows: true }, { session: owner });
    expect(r.value).toMatchObject({ canStartWithWindows: false, startWithWindows: true });
    expect(fake.state.loginItems).toEqual([]);
  });
});

describe('in a browser (the Node host)', () => {
  it('keeps the owner’s desktop settings but says they work only in the desktop app', async () => {
    const t = tempDir();
    const s = createServices({ dataDir: t.dir, host: 'node-host', appVersion: 'test' });
    try {
      s.users.create('王店主', 'owner', '1234');
      const token = s.users.login(s.users.list()[0]!.id, '1234').token;
      const r = await s.dispatch('saveDesktop', { startWithWindows: true, tillMode: true }, { sessionToken: token });
      expect(r).toEqual({
        ok: true,
        value: { desktop: false, canStartWithWindows: false, startWithWindows: true, tillMode: true, inTillMode: false },
      });
    } finally {
      s.close();
      t.cleanup();
    }
  });
});

describe('window state', () => {
  it('reopens where the window was, and saves where it is moved', async () => {
    const saved = { x: 200, y: 120, width: 1400, height: 900, maximized: false };
    const b = await boot({ seed: (s) => s.settings.set('desktop.windowState', saved) });
    const w = fake.window();
    expect(w.options).toMatchObject({ x: 200, y: 120, width: 1400, height: 900, minWidth: 1024, minHeight: 640 });
    w.moveTo({ x: 10, y: 20, width: 1300, height: 820 });
    expect(w.close()).toBe(true);
    expect(b.rt.services.settings.get('desktop.windowState')).toEqual({ x: 10, y: 20, width: 1300, height: 820, maximized: false });
  });

  it('opens at the default size when the screen it was on is gone, and keeps it maximized if it was', () => {
    const laptop = [{ x: 0, y: 0, width: 1366, height: 728 }];
    expect(placeWindow({ x: 2000, y: 100, width: 1280, height: 800, maximized: true }, laptop)).toEqual({
      bounds: { width: 1280, height: 800 },
      maximized: true,
    });
    expect(placeWindow({ x: 100, y: 50, width: 800, height: 500, maximized: false }, laptop)).toEqual({
      bounds: { x: 100, y: 50, width: 1024, height: 640 },
      maximized: false,
    });
    expect(placeWindow(null, laptop)).toEqual({ bounds: { width: 1280, height: 800 }, maximized: false });
  });

  it('does not save the full-screen size as the window’s place', async () => {
    const b = await boot({ seed: shop((s) => s.settings.set('desktop.kioskMode', true)) });
    const w = fake.window();
    w.moveTo({ x: 0, y: 0, width: 1920, height: 1080 });
    w.emit('session-end', event());
    w.close();
    expect(b.rt.services.settings.get('desktop.windowState')).toBeNull();
  });
});

describe('when something goes badly wrong', () => {
  const logFile = (b: Booted) => path.join(b.dataDir, LOG_DIR, LOG_FILE);

  it('a crash of the main process is logged, the log can be saved for support, then the app restarts', async () => {
    const b = await boot();
    const out = tempDir();
    fake.state.saveTo = path.join(out.dir, 'for-support.log');
    const pressed: string[] = [];
    fake.state.answer = async (o) => {
      if (o.type !== 'error') return 0;
      // Save the log once the crash is in it, then restart.
      await until(() => fs.existsSync(logFile(b)) && fs.readFileSync(logFile(b), 'utf8').includes('uncaught exception'));
      const button = pressed.length === 0 ? 0 : 1;
      pressed.push(o.buttons[button]);
      return button;
    };
    b.crashes.emit('uncaughtException', new Error('printer queue exploded'));
    await until(() => fake.state.exits.length > 0);
    try {
      const box = fake.state.messageBoxes[0];
      expect(box).toMatchObject({ type: 'error', buttons: ['保存日志…', '重新启动', '退出'] });
      expect(box.message).toContain('意外错误');
      expect(box.detail).toContain('printer queue exploded');
      expect(box.parent).toBe(fake.window()); // over the full-screen till, never behind it
      expect(pressed).toEqual(['保存日志…', '重新启动']);
      const saved = fs.readFileSync(fake.state.saveTo, 'utf8');
      expect(saved).toContain('"msg":"uncaught exception in the main process"');
      expect(saved).toContain('printer queue exploded');
      expect(fake.state.saveDialogs[0].defaultPath).toMatch(/caretill-log-\d{8}-\d{6}\.log$/);
      expect(fake.state.relaunches).toBe(1);
      expect(fake.state.exits).toEqual([1]);
    } finally {
      out.cleanup();
    }
  });

  it('a crashed page can be reloaded, in the shop’s language', async () => {
    await boot({ seed: (s) => s.settings.set('locale', 'en') });
    fake.state.answer = (o) => o.buttons.indexOf('Reload');
    fake.app.emit('render-process-gone', event(), fake.window().webContents, { reason: 'crashed', exitCode: 3 });
    await until(() => fake.window().webContents.reloads > 0);
    expect(fake.state.messageBoxes[0].buttons).toEqual(['Save the log…', 'Reload', 'Quit']);
    expect(fake.state.exits).toEqual([]);
    // A page that ended normally is no crash.
    fake.app.emit('render-process-gone', event(), fake.window().webContents, { reason: 'clean-exit', exitCode: 0 });
    expect(fake.state.messageBoxes).toHaveLength(1);
  });

  it('a till that cannot start says why in both languages and quits', async () => {
    const t = tempDir();
    const dataDir = path.join(t.dir, 'data');
    try {
      // A database written by a newer CareTill.
      fs.mkdirSync(dataDir, { recursive: true });
      const db = new Database(path.join(dataDir, DATABASE_FILE));
      db.pragma('user_version = 999');
      db.close();

      fake.reset();
      const { startMain } = await import('../../src/main/app');
      const { EventEmitter } = await import('node:events');
      const { ready } = startMain({
        argv: ['--no-demo', '--data-dir', dataDir],
        env: {},
        rendererRoot: t.dir,
        preload: 'x',
        processEvents: new EventEmitter(),
      });
      fake.ready();
      expect(await ready).toBeNull();
      const box = fake.state.messageBoxes[0];
      expect(box.message).toBe('收银台没能启动。');
      expect(box.buttons.at(-1)).toBe('退出');
      expect(box.buttons).not.toContain('重新启动');
      expect(box.detail).toMatch(/[\u4e00-\u9fff]/);
      expect(box.detail).toMatch(/newer|version/i);
      expect(fake.state.exits).toEqual([1]);
      expect(fake.state.windows).toHaveLength(0);
    } finally {
      t.cleanup();
    }
  });
});
