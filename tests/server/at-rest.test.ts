import { parse as parseCsv } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../src/core/services';
import { startDemoProgram } from '../../src/demo/demoProgram';
import { runCli } from '../../src/server/cli/main';
import { PROGRAM_MIGRATIONS } from '../../src/server/store/migrations';
import { openProgramStore, type ProgramStore } from '../../src/server/store/programStore';
import { openSqliteDriver } from '../../src/server/store/sqliteDriver';
import { DEFAULT_CLOCK_SKEW_MS, verifyVoucher } from '../../src/trust/verifyVoucher';
import { programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { tempDir } from '../helpers/tmp';

const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

/** Every row of every table of the program's store, as text: what a copy of its database would give away. */
async function everything(store: ProgramStore): Promise<string> {
  const tables =
    store.sql.dialect === 'sqlite'
      ? await store.sql.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      : await store.sql.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'");
  let text = '';
  for (const { name } of tables) text += JSON.stringify(await store.sql.all(`SELECT * FROM "${name}"`));
  return text;
}

/** Issue 10, item 9: the program's files are its owner's only, and it keeps no bearer token. */
describe('the program’s files at rest', () => {
  it('the program’s folder is 0700 and its database, keys, voucher list, cards and manifest are 0600, whatever the umask', async () => {
    const t = tempDir('caretill-at-rest-');
    const home = path.join(t.dir, 'home');
    const cli = (...args: string[]) => runCli([...args, '--home', home], () => undefined);
    const umask = process.umask(0o000);
    try {
      await cli('init', '--id', 'REST', '--name-zh', '测试', '--name-en', 'Test');
      await cli('campaign', 'create', path.resolve(import.meta.dirname, '../../resources/sample/campaign-baby.yaml'));
      const csv = path.join(t.dir, 'out', 'v.csv');
      const pdf = path.join(t.dir, 'out', 'v.pdf');
      await cli('vouchers', 'issue', '--campaign', '1', '--count', '3', '--value-yuan', '50', '--out', csv, '--cards', pdf);
      await cli('manifest', 'publish');
      expect(mode(home)).toBe('700');
      expect(mode(path.join(home, 'keys'))).toBe('700');
      for (const f of ['program.sqlite3', 'keys/root.pem', 'keys/issuer-1.pem', 'manifest.json'])
        expect(mode(path.join(home, f)), f).toBe('600');
      // SQLite's write-ahead log and shared memory exist while the program runs: they are 0600 too.
      const store = await openProgramStore(home, undefined);
      await store.sql.run("INSERT INTO merchants (merchant_id, name, created_at) VALUES ('M1', '店', 'now')");
      for (const f of ['program.sqlite3-wal', 'program.sqlite3-shm']) expect(mode(path.join(home, f)), f).toBe('600');
      await store.close();
      expect(mode(csv)).toBe('600');
      expect(mode(pdf)).toBe('600');
      expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      // A re-print re-issues: cards cannot be made from the program's data alone.
      await expect(cli('cards', '--campaign', '1', '--out', path.join(t.dir, 'again.pdf'))).rejects.toThrow(/keeps no voucher tokens/);
      // A home made by an older version (0755, 0644) is narrowed when opened.
      fs.chmodSync(home, 0o755);
      fs.chmodSync(path.join(home, 'program.sqlite3'), 0o644);
      await cli('keys', 'list');
      expect(mode(home)).toBe('700');
      expect(mode(path.join(home, 'program.sqlite3'))).toBe('600');
    } finally {
      process.umask(umask);
      t.cleanup();
    }
  });

  it('an older program database loses the tokens it kept when it is upgraded', async () => {
    const t = tempDir('caretill-upgrade-');
    const file = path.join(t.dir, 'program.sqlite3');
    const secret = `CT1:${'SECRET'.repeat(26)}`;
    try {
      const old = await openSqliteDriver(file, PROGRAM_MIGRATIONS.slice(0, 3));
      await old.run("INSERT INTO issuer_keys VALUES (1, 'k', '2026-01-01T00:00:00Z', '2029-01-01T00:00:00Z')");
      await old.run(`INSERT INTO campaigns VALUES (1, '{}')`);
      for (let i = 0; i < 50; i++)
        await old.run(
          "INSERT INTO vouchers (voucher_id, campaign_id, kind, face_value_fen, valid_from, valid_until, holder_tag, key_id, token, issued_at) VALUES (?, 1, 'fixed', 5000, 0, 1, 'aa', 1, ?, 'x')",
          [i.toString(16).padStart(32, '0'), `${secret}${i}`],
        );
      await old.close();
      expect(fs.readFileSync(file).includes(secret)).toBe(true);
      const store = await openProgramStore(t.dir, undefined);
      expect(await everything(store)).not.toContain('SECRET');
      await store.close();
      for (const f of [file, `${file}-wal`]) if (fs.existsSync(f)) expect(fs.readFileSync(f).includes('SECRETSECRET'), f).toBe(false);
    } finally {
      t.cleanup();
    }
  });
});

describe.each(STORES)('the program keeps no voucher token on $name', (kind) => {
  let world: ProgramWorld;
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    world = await programWorld(kind);
  });
  afterEach(async () => {
    await world?.close();
  });

  it('issued tokens are nowhere in the program’s data, and re-issued ones neither', async () => {
    const issued = await world.issue('child', 20);
    const { issued: again } = await world.program.reissue({ voucherIds: issued.slice(0, 5).map((v) => v.voucherId) });
    const tokens = [...issued.map((v) => v.token), ...again.map((v) => v.token)];
    const text = await everything(world.store);
    expect(text).toContain(issued[0]!.voucherId); // the voucher is known…
    for (const token of tokens) expect(text).not.toContain(token.slice(4, 40)); // …its token is not
    if (kind.name === 'sqlite') {
      const file = path.join(world.dir, 'home', 'program.sqlite3');
      const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
      for (const token of tokens) expect(bytes.includes(token.slice(4, 40))).toBe(false);
    }
  });
});

describe('the embedded demo program', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir('caretill-demo-');
  });
  afterEach(() => t.cleanup());

  it('writes its voucher list and cards at first start (0600), keeps no token, and re-issues them when the list is deleted', async () => {
    const services = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'test' }, { syncTimeoutMs: 4000 });
    try {
      let demo = (await startDemoProgram(services))!;
      expect(mode(demo.dir)).toBe('700');
      expect(mode(demo.csv)).toBe('600');
      const rows = () => parseCsv(fs.readFileSync(demo.csv), { columns: true, bom: true }) as Array<Record<string, string>>;
      const all = rows();
      // 12 to use, and two the till must refuse: one expired, one revoked (named in the note column).
      expect(all).toHaveLength(14);
      expect(Object.keys(all[0]!)).toEqual(['campaign', 'kind', 'value_yuan', 'holder_code', 'note', 'token']);
      const first = all.filter((r) => r.note === '');
      const verdict = (token: string) =>
        verifyVoucher(token, {
          manifest: services.manifests.current(),
          merchantId: 'DEMO-SHOP',
          nowMs: Date.now(),
          skewMs: DEFAULT_CLOCK_SKEW_MS,
        });
      for (const r of first) expect(verdict(r.token!).ok).toBe(true);
      expect(verdict(all.find((r) => (r.note ?? '').includes('expired'))!.token!)).toMatchObject({ ok: false, code: 'expired' });
      expect(verdict(all.find((r) => (r.note ?? '').includes('revoked'))!.token!)).toMatchObject({ ok: false, code: 'revoked' });
      expect(first).toHaveLength(12);
      const cards = await demo.cards;
      expect(cards).not.toBeNull();
      expect(mode(cards!)).toBe('600');
      const store = await openProgramStore(demo.dir, undefined);
      // The demo's server has the store open too; read it through another connection.
      const text = await everything(store);
      await store.close();
      for (const r of all) expect(text).not.toContain(r.token!.slice(4, 40));

      // A second start leaves the list as it is.
      await demo.close();
      demo = (await startDemoProgram(services))!;
      expect(rows().map((r) => r.token)).toEqual(all.map((r) => r.token));
      await demo.close();

      // Deleted: the next start re-issues what is left, and the old codes stop working.
      fs.rmSync(demo.csv);
      demo = (await startDemoProgram(services))!;
      // What is left: the 12 and the expired one (the revoked one is gone for good).
      const second = rows();
      expect(second).toHaveLength(13);
      const expiredHolder = all.find((r) => (r.note ?? '').includes('expired'))!.holder_code;
      expect(second.map((r) => r.holder_code).sort()).toEqual([...first.map((r) => r.holder_code), expiredHolder].sort());
      await services.sync.refreshManifest();
      for (const r of second.filter((x) => x.holder_code !== expiredHolder)) expect(verdict(r.token!).ok).toBe(true);
      expect(verdict(first[0]!.token!)).toMatchObject({ ok: false, code: 'revoked' });
      await demo.cards;
      await demo.close();
    } finally {
      services.close();
    }
  });
});
