import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { createServices, type Services } from '../../src/core/services';
import { startMain, type MainRuntime } from '../../src/main/app';
import { IPC_CHANNEL } from '../../src/shared/api/ipc';
import { fake } from './fakeElectron';
import { tempDir } from './tmp';

/**
 * Starts src/main against the fake `electron` module (the test file must `vi.mock('electron', …)`),
 * with a real core in a temporary data folder and a small renderer folder to serve over app://.
 */
export const OUR_PAGE = 'app://caretill/index.html';
export const ourFrame = { url: OUR_PAGE, parent: null };

export interface Booted {
  rt: MainRuntime;
  dataDir: string;
  rendererRoot: string;
  /** Where main listens for uncaught exceptions (instead of the test runner's own process). */
  crashes: EventEmitter;
  /** A PosApi call over the IPC handler main registered, as the preload would make it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are read loosely in the tests
  call(method: string, args?: unknown, o?: { session?: string; frame?: unknown }): Promise<{ ok: boolean; value?: any; error?: any }>;
  stop(): void;
}

export interface BootOptions {
  packaged?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Prepares the till before main starts (users, settings), through core directly. */
  seed?: (s: Services) => void;
}

export async function bootMain(o: BootOptions = {}): Promise<Booted> {
  const t = tempDir('caretill-main-');
  const dataDir = path.join(t.dir, 'data');
  const rendererRoot = path.join(t.dir, 'renderer');
  fs.mkdirSync(path.join(rendererRoot, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererRoot, 'index.html'), '<!doctype html><title>CareTill</title>');
  fs.writeFileSync(path.join(rendererRoot, 'assets', 'app.js'), 'console.log("till")');
  // Outside the renderer: what a path-traversal would be after.
  fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'device key');
  if (o.seed) {
    const s = createServices({ dataDir, host: 'direct', appVersion: 'test' });
    try {
      o.seed(s);
    } finally {
      s.close();
    }
  }

  fake.reset();
  fake.app.isPackaged = o.packaged ?? true;
  const crashes = new EventEmitter();
  const { ready } = startMain({
    argv: ['--no-demo', '--data-dir', dataDir],
    env: o.env ?? {},
    rendererRoot,
    preload: '/opt/caretill/resources/app.asar/out/preload/index.cjs',
    platform: o.platform ?? 'linux',
    processEvents: crashes,
  });
  fake.ready();
  const rt = await ready;
  if (!rt) throw new Error('main did not start');
  return {
    rt,
    dataDir,
    rendererRoot,
    crashes,
    call: (method, args = {}, c = {}) =>
      Promise.resolve(fake.ipc(IPC_CHANNEL)({ senderFrame: c.frame === undefined ? ourFrame : c.frame }, method, args, c.session)),
    stop: () => {
      // A test may already have closed the till (all windows closed).
      if (rt.services.db.open) rt.services.close();
      t.cleanup();
    },
  };
}

/** Signs in through IPC, as the login screen does; returns the session token. */
export async function signIn(b: Booted, name: string, pin: string): Promise<string> {
  const users = await b.call('listUsers');
  const user = (users.value as Array<{ id: number; name: string }>).find((u) => u.name === name);
  if (!user) throw new Error(`no user ${name}`);
  const r = await b.call('login', { userId: user.id, pin });
  if (!r.ok) throw new Error(`login failed: ${JSON.stringify(r.error)}`);
  return (r.value as { session: string }).session;
}
