import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as ServicesModule from '../../src/core/services';
import { DeviceKey } from '../../src/core/sync/deviceKey';
import { APP_ORIGIN, hasOrigin, pageSource } from '../../src/main/appOrigin';
import { resolveRendererPath } from '../../src/main/appProtocol';
import { isAllowedExternal } from '../../src/main/externalLinks';
import { keychain } from '../../src/main/keychain';
import { RENDERER_CSP } from '../../src/shared/csp';
import { event, fake } from '../helpers/fakeElectron';
import { bootMain, ourFrame, type Booted } from '../helpers/mainHarness';
import { tempDir } from '../helpers/tmp';

// The Electron main process under test without Electron: `electron` is a recording fake.
vi.mock('electron', async () => (await import('../helpers/fakeElectron')).electronModule);
// createServices is the real one; the spy only records what main passed to it (the key protector).
vi.mock('../../src/core/services', async (importOriginal) => {
  const real = await importOriginal<typeof ServicesModule>();
  return { ...real, createServices: vi.fn(real.createServices) };
});
const { createServices } = await import('../../src/core/services');

let booted: Booted | undefined;
afterEach(() => {
  booted?.stop();
  booted = undefined;
});
async function boot(o: Parameters<typeof bootMain>[0] = {}) {
  booted = await bootMain(o);
  return booted;
}

describe('the till window', () => {
  it('runs sandboxed and isolated, without Node, and loads app://caretill, never a file:// page', async () => {
    await boot();
    const w = fake.window();
    expect(fake.state.sandboxEnabled).toBe(true);
    expect(w.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      devTools: false,
      preload: expect.stringMatching(/preload[\\/]index\.cjs$/),
    });
    expect(w.loadedUrl).toBe('app://caretill/index.html');
    expect(w.loadedFile).toBeNull();
    // The packaged app has no default menu (its accelerators reload the page and open the developer tools).
    expect(fake.state.menus).toEqual([null]);
  });

  it('blocks navigation to any other page, in the window and in frames; our own page may load', async () => {
    await boot();
    const wc = fake.window().webContents;
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://caretill.evil/index.html', 'http://localhost:5173/']) {
      const e = event();
      wc.emit('will-navigate', e, url);
      expect(e.defaultPrevented, url).toBe(true);
      const f = event({ url });
      wc.emit('will-frame-navigate', f);
      expect(f.defaultPrevented, url).toBe(true);
    }
    const own = event();
    wc.emit('will-navigate', own, 'app://caretill/index.html#/checkout');
    expect(own.defaultPrevented).toBe(false);
    const redirect = event();
    wc.emit('will-redirect', redirect, 'https://evil.example/');
    expect(redirect.defaultPrevented).toBe(true);
  });

  it('never opens a new window, and sends no link to the browser unless it is on the allow-list', async () => {
    await boot();
    const open = fake.window().webContents.windowOpenHandler!;
    for (const url of ['https://evil.example/', 'app://caretill/index.html', 'file:///C:/Windows/System32/calc.exe', 'ms-settings:']) {
      expect(open({ url })).toEqual({ action: 'deny' });
    }
    expect(fake.state.openedExternally).toEqual([]);
    // The allow-list is exact https origins: no http, no look-alike host, no credentials.
    const help = ['https://help.carefund.example'];
    expect(isAllowedExternal('https://help.carefund.example/till/printer', help)).toBe(true);
    expect(isAllowedExternal('http://help.carefund.example/', help)).toBe(false);
    expect(isAllowedExternal('https://help.carefund.example.evil.example/', help)).toBe(false);
    expect(isAllowedExternal('https://user@help.carefund.example/', help)).toBe(false);
    expect(isAllowedExternal('https://help.carefund.example/')).toBe(false); // nothing is allowed today
  });

  it('refuses to attach a webview', async () => {
    await boot();
    const e = event();
    fake.window().webContents.emit('will-attach-webview', e, {}, {});
    expect(e.defaultPrevented).toBe(true);
  });

  it('grants the camera (video only) to our page and no other permission to anyone', async () => {
    await boot();
    const request = fake.state.permissionRequestHandler!;
    const ask = (permission: string, details: Record<string, unknown>) =>
      new Promise<boolean>((resolve) => request(null, permission, resolve, { requestingUrl: 'app://caretill/index.html', ...details }));
    expect(await ask('media', { mediaTypes: ['video'] })).toBe(true);
    expect(await ask('media', { mediaTypes: ['audio'] })).toBe(false);
    expect(await ask('media', { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(await ask('media', { mediaTypes: [] })).toBe(false);
    expect(await ask('media', { mediaTypes: ['video'], requestingUrl: 'https://evil.example/' })).toBe(false);
    for (const p of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'openExternal', 'serial', 'fullscreen']) {
      expect(await ask(p, {}), p).toBe(false);
    }
    const check = fake.state.permissionCheckHandler!;
    expect(check(null, 'media', APP_ORIGIN, { mediaType: 'video' })).toBe(true);
    expect(check(null, 'media', APP_ORIGIN, { mediaType: 'audio' })).toBe(false);
    expect(check(null, 'media', 'https://evil.example', { mediaType: 'video' })).toBe(false);
    expect(check(null, 'geolocation', APP_ORIGIN, {})).toBe(false);
    expect(fake.state.devicePermissionHandler!({ deviceType: 'usb', origin: APP_ORIGIN })).toBe(false);
  });

  it('answers IPC from our top-level page and refuses it from an iframe or a foreign page', async () => {
    const b = await boot();
    const ok = await b.call('getDiagnostics');
    expect(ok.ok).toBe(true);
    expect(ok.value.host).toBe('electron');
    for (const frame of [
      { url: 'app://caretill/index.html', parent: ourFrame },
      { url: 'https://evil.example/', parent: null },
      { url: 'app://caretill.evil/index.html', parent: null },
      { url: 'file:///C:/till/index.html', parent: null },
      null,
    ]) {
      const r = await b.call('getDiagnostics', {}, { frame });
      expect(r, JSON.stringify(frame)).toEqual({ ok: false, error: { code: 'unauthorized', message: 'IPC from an untrusted frame' } });
    }
    // What the frame asks for is validated by core as ever.
    expect((await b.call('noSuchMethod')).error.code).toBe('unknown_method');
  });

  it('sets our Content-Security-Policy on every response, replacing any the response brought', async () => {
    await boot();
    const headers = await new Promise<Record<string, string[]>>((resolve) =>
      fake.state.headersHandler!(
        { responseHeaders: { 'content-security-policy': ["default-src *; script-src 'unsafe-eval'"], 'X-A': ['1'] } },
        (r: { responseHeaders: Record<string, string[]> }) => resolve(r.responseHeaders),
      ),
    );
    expect(headers).toEqual({ 'X-A': ['1'], 'Content-Security-Policy': [RENDERER_CSP] });
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
  });
});

describe('the app:// protocol', () => {
  it('is registered as a standard, secure scheme that other origins cannot read (no CORS)', async () => {
    await boot();
    expect(fake.state.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(fake.state.protocolHandlers.has('app')).toBe(true);
    expect(fake.state.protocolHandlers.has('file')).toBe(false);
  });

  it('serves the renderer with our CSP and refuses ..-escapes, absolute paths and other hosts', async () => {
    await boot();
    const handle = fake.state.protocolHandlers.get('app')!;
    const get = async (url: string, method = 'GET') => (await handle({ url, method })) as Response;

    const index = await get('app://caretill/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(await index.text()).toContain('<title>CareTill</title>');
    const script = await get('app://caretill/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://caretill/assets/missing.js')).status).toBe(404);
    expect((await get('app://caretill/index.html', 'POST')).status).toBe(405);

    for (const url of [
      'app://caretill/..%2fsecret.txt',
      'app://caretill/assets/..%2f..%2fsecret.txt',
      'app://caretill/%2e%2e%2fsecret.txt',
      'app://caretill/assets%2f..%2f..%2fsecret.txt',
      'app://caretill/..%5csecret.txt',
      'app://caretill/%2Fetc%2Fpasswd',
      'app://caretill//etc/passwd',
      'app://caretill/C:%5CWindows%5Cwin.ini',
      'app://caretill/C:/Windows/win.ini',
      'app://caretill/index.html%00.js',
      'app://caretill/%E0%A4%A',
      'app://evil/index.html',
    ]) {
      const r = await get(url);
      expect(r.status, url).toBe(403);
    }
    // Plain `..` is folded by the URL parser before we see it: it stays inside the renderer.
    const folded = await get('app://caretill/assets/../../secret.txt');
    expect(folded.status).toBe(404);
  });

  it('maps paths the same way on Windows: a drive, a backslash or an encoded .. never leaves the folder', () => {
    const root = 'C:\\Program Files\\CareTill\\resources\\app.asar\\out\\renderer';
    expect(resolveRendererPath(root, 'app://caretill/assets/app.js', path.win32)).toBe(`${root}\\assets\\app.js`);
    expect(resolveRendererPath(root, 'app://caretill/', path.win32)).toBe(`${root}\\index.html`);
    for (const url of [
      'app://caretill/..%5C..%5Cwin.ini',
      'app://caretill/D:%5Csecret',
      'app://caretill/%5C%5Cserver%5Cshare',
      'app://caretill/..%2F..%2Fwin.ini',
    ]) {
      expect(resolveRendererPath(root, url, path.win32), url).toBeNull();
    }
  });
});

describe('the page source', () => {
  it('ignores ELECTRON_RENDERER_URL in the packaged app, so nobody can swap in a page with our IPC and camera', async () => {
    const b = await boot({ packaged: true, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' } });
    expect(fake.window().loadedUrl).toBe('app://caretill/index.html');
    expect((await b.call('getDiagnostics', {}, { frame: { url: 'http://localhost:5173/', parent: null } })).ok).toBe(false);
    expect(pageSource(true, { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })).toMatchObject({ dev: false, ignoredDevUrl: 'packaged' });
  });

  it('uses the dev server in development only when it is on this machine', async () => {
    const b = await boot({ packaged: false, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    expect(fake.window().loadedUrl).toBe('http://localhost:5173/');
    expect(fake.window().options.webPreferences.devTools).toBe(true);
    expect((await b.call('getDiagnostics', {}, { frame: { url: 'http://localhost:5173/', parent: null } })).ok).toBe(true);
    expect((await b.call('getDiagnostics', {}, { frame: { url: 'http://localhost:5174/', parent: null } })).ok).toBe(false);
    for (const url of [
      'http://192.168.1.9:5173/',
      'https://evil.example/',
      'http://localhost.evil.example:5173/',
      'http://a@localhost:5173/',
      'file:///tmp/x.html',
    ]) {
      expect(pageSource(false, { ELECTRON_RENDERER_URL: url }), url).toMatchObject({
        url: 'app://caretill/index.html',
        ignoredDevUrl: 'not_loopback',
      });
    }
    expect(hasOrigin('app://caretill/index.html', APP_ORIGIN)).toBe(true);
    expect(hasOrigin('not a url', APP_ORIGIN)).toBe(false);
  });
});

describe('the device key', () => {
  it('is sealed with safeStorage (the OS keychain) when it is available', async () => {
    await boot();
    const options = vi.mocked(createServices).mock.calls.at(-1)![1]!;
    expect(options.keyProtector?.name).toBe('electron-safeStorage');
    const t = tempDir();
    try {
      const key = new DeviceKey(t.dir, options.keyProtector);
      const publicKey = key.ensure();
      const stored = fs.readFileSync(path.join(t.dir, 'device-key.bin'), 'utf8');
      expect(stored.startsWith('SEALED:')).toBe(true); // what the fake keychain writes
      expect(stored).not.toContain('PRIVATE KEY');
      expect(new DeviceKey(t.dir, keychain('linux')).ensure()).toBe(publicKey);
    } finally {
      t.cleanup();
    }
  });

  it("stays a 0600 file where there is no keychain, or only Linux's plain-text fallback", async () => {
    fake.reset();
    fake.state.encryption = false;
    expect(keychain('win32')).toBeUndefined();
    fake.state.encryption = true;
    fake.state.storageBackend = 'basic_text';
    expect(keychain('linux')).toBeUndefined();
    expect(keychain('win32')?.name).toBe('electron-safeStorage');
  });
});

describe('quitting', () => {
  it('closing the last window closes the till database and quits', async () => {
    const b = await boot();
    expect(fake.window().close()).toBe(true);
    fake.app.emit('window-all-closed');
    expect(b.rt.services.db.open).toBe(false);
    expect(fake.state.quits).toBe(1);
  });
});
