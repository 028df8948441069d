import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Handlers } from '../../src/core/api/dispatch';
import { catalogRoom } from '../../src/core/catalog/catalogRoom';
import { catalogHandlers } from '../../src/core/handlers/catalog';
import { DATABASE_FILE } from '../../src/core/config';
import { createServices, type Services } from '../../src/core/services';
import { tailLog } from '../../src/core/system/log';
import { posApiContract } from '../../src/shared/api/contract';
import { catalogContract } from '../../src/shared/api/contract/catalog';
import { tempDir } from '../helpers/tmp';

let services: Services | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  services?.close();
  cleanup?.();
  services = undefined;
});

function start(): Services {
  const t = tempDir();
  cleanup = t.cleanup;
  services = createServices({ dataDir: t.dir, host: 'direct', appVersion: '0.0.0-test' }, { printRetryBaseMs: 60_000 });
  return services;
}

/** A port on loopback with nothing listening: the printer is switched off. */
async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function until<T>(f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the log a shop owner can send to support', () => {
  it('a printer that is off leaves a log line with the job and the reason, shown by getLogTail', async () => {
    const s = start();
    const setup = await s.dispatch('setupShop', { shopName: '测试店', ownerName: '店主', ownerPin: '2468', loadDemoCatalog: false });
    expect(setup.ok).toBe(true);
    const session = (setup as { value: { session: string } }).value.session;
    const port = await deadPort();
    const saved = await s.dispatch(
      'savePrinter',
      { ...s.printing.config(), kind: 'network', uri: `tcp://127.0.0.1:${port}`, timeoutMs: 500 },
      { sessionToken: session },
    );
    expect(saved.ok).toBe(true);
    await s.dispatch('printTest', {}, { sessionToken: session });
    s.log.flush();
    const line = await until(() => tailLog(s.config.dataDir, 50).find((l) => l.includes('printing failed')));
    const entry = JSON.parse(line) as { level: number; jobId: number; code: string; room: string };
    expect(entry).toMatchObject({ level: 40, room: 'printing', code: expect.stringMatching(/printer_/) });
    expect(entry.jobId).toBeGreaterThan(0);

    const tail = await s.dispatch('getLogTail', { lines: 50 });
    expect(tail.ok && (tail.value as { lines: string[] }).lines.some((l) => l.includes('printing failed'))).toBe(true);
  });

  it('never writes a PIN into the log, not even one a careless caller passes as context', async () => {
    const s = start();
    await s.dispatch('setupShop', { shopName: '测试店', ownerName: '店主', ownerPin: '97531', loadDemoCatalog: false });
    await s.dispatch('login', { userId: 1, pin: '13579' });
    s.log.error({ pin: '86420', args: { ownerPin: '86420' } }, 'a careless caller');
    // The file is written asynchronously: wait for the line, then look at everything.
    await until(() => tailLog(s.config.dataDir, 500).find((l) => l.includes('a careless caller')));
    const all = tailLog(s.config.dataDir, 500).join('\n');
    expect(all).not.toMatch(/97531|13579|86420/);
  });
});

describe('typed settings', () => {
  it('a stored value that no longer fits its schema reads as the default, and a wrong value is never written', () => {
    const s = start();
    s.db.prepare('INSERT INTO settings (key, value) VALUES (\'printer.config\', \'{"kind":"laser"}\')').run();
    expect(s.settings.get('printer.config').kind).toBe('none');
    // @ts-expect-error a number is not a time zone; the type system says so, and so does the schema at run time
    expect(() => s.settings.set('shop.timeZone', 8)).toThrow();
    expect(s.settings.get('shop.timeZone')).toBe('Asia/Shanghai');
  });

  it('a setting written inside a transaction that rolls back is not remembered', () => {
    const s = start();
    expect(() =>
      s.db.transaction(() => {
        s.settings.set('shop.name', '回滚的店');
        expect(s.settings.get('shop.name')).toBe('回滚的店');
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(s.settings.get('shop.name')).toBeNull();
  });
});

describe('handlers per domain', () => {
  it('the joined handlers have every contract method, and a missing domain fails the build', () => {
    const s = start();
    expect(Object.keys(s.handlers).sort()).toEqual(Object.keys(posApiContract).sort());
    const room = catalogRoom({ db: s.db, settings: s.settings, log: s.log, now: Date.now });
    // @ts-expect-error only the catalogue's handlers: every other method is missing, so this is not Handlers
    const partial: Handlers = { ...catalogHandlers({ db: s.db, catalog: s.catalog, settings: s.settings, now: Date.now, ...room }) };
    expect(Object.keys(partial)).toHaveLength(Object.keys(catalogContract).length);
  });
});

describe('files at rest', () => {
  it.skipIf(process.platform === 'win32')('the data folder is 0700 and the database, its WAL and the log are 0600', () => {
    const s = start();
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(s.config.dataDir)).toBe(0o700);
    for (const f of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
      const file = path.join(s.config.dataDir, f);
      if (fs.existsSync(file)) expect(mode(file), f).toBe(0o600);
    }
    expect(mode(path.join(s.config.dataDir, DATABASE_FILE))).toBe(0o600);
    expect(mode(path.join(s.config.dataDir, 'logs'))).toBe(0o700);
  });
});
