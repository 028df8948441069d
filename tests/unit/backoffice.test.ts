import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PURGED_VOUCHER_ID } from '../../src/core/backoffice/retention';
import { DATABASE_FILE } from '../../src/core/config';
import { createServices, type Services } from '../../src/core/services';
import { decodeEscpos } from '../helpers/escposDecoder';
import { FakePrinter } from '../helpers/fakePrinter';
import { seedTill } from '../helpers/seed';
import { tempDir } from '../helpers/tmp';

const open: Array<{ s: Services; cleanup: () => void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) {
    o.s.close();
    o.cleanup();
  }
});

function till(dir?: string, clock = { ms: Date.parse('2026-11-02T02:00:00Z') }, restoreFrom?: string) {
  const t = dir ? { dir, cleanup: () => undefined } : tempDir();
  const s = createServices(
    { dataDir: t.dir, host: 'direct', appVersion: 'test' },
    { now: () => clock.ms, backgroundJobs: false, ...(restoreFrom ? { restoreFrom } : {}) },
  );
  open.push({ s, cleanup: t.cleanup });
  return { s, clock, dir: t.dir };
}

function seller(s: Services, seed: ReturnType<typeof seedTill>) {
  const session = s.users.login(seed.cashier.id, '5678');
  return (opts: { item?: string; qty?: number; child?: boolean; tender?: 'cash' | 'wechat' } = {}) => {
    const lines = [{ itemId: seed.item(opts.item ?? (opts.child ? '绘本' : '飞鹤')).id, quantity: opts.qty ?? 1 }];
    const vouchers = [opts.child ? seed.childVoucher().token : seed.babyVoucher().token];
    const q = s.checkout.quote({ lines, vouchers, plan: 'max_cover' });
    return s.checkout.commit(
      {
        lines,
        vouchers,
        plan: 'max_cover',
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
        tenderType: opts.tender ?? 'cash',
      },
      session,
    );
  };
}

describe('Z-reports against the journal', () => {
  it('every fen of a generated month is in exactly one Z-report, however the days were closed', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant('sell' as const),
            fc.constant('sellChild' as const),
            fc.constant('void' as const),
            fc.constant('close' as const),
          ),
          {
            minLength: 5,
            maxLength: 60,
          },
        ),
        (ops) => {
          const { s, clock } = till();
          const seed = seedTill(s);
          const sell = seller(s, seed);
          const owner = s.users.login(seed.owner.id, '1234');
          const sales: string[] = [];
          for (const op of ops) {
            clock.ms += 37 * 60_000; // a month of days, a sale every half hour or so
            if (op === 'sell') sales.push(sell().saleId);
            else if (op === 'sellChild') sales.push(sell({ child: true }).saleId);
            else if (op === 'void' && sales.length) {
              const id = sales.pop()!;
              s.checkout.void(id, owner, true);
            } else if (op === 'close') s.shifts.close(owner, 0, true);
          }
          s.shifts.close(owner, 0, true);
          const reports = s.shifts.list(1000).map((x) => s.shifts.zReport(x.number));
          const head = s.journal.head().seq;
          // The ranges tile 1..head with no gap and no overlap.
          const covered = reports.flatMap((z) =>
            Array.from({ length: Math.max(0, z.journal.toSeq - z.journal.fromSeq + 1) }, (_, i) => z.journal.fromSeq + i),
          );
          expect(covered.sort((a, b) => a - b)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
          // The voucher money of all Z-reports is the journal's net total, to the fen.
          const net =
            (
              s.db.prepare("SELECT SUM(CASE type WHEN 'redeem' THEN amount_fen ELSE -amount_fen END) AS n FROM journal").get() as {
                n: number | null;
              }
            ).n ?? 0;
          expect(reports.reduce((a, z) => a + z.voucherByCampaign.reduce((b, c) => b + c.fen, 0), 0)).toBe(net);
          expect(reports.reduce((a, z) => a + z.journal.records, 0)).toBe(head);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a Z-report prints on 58 and 80 mm, numbered, and a second print says reprint', async () => {
    const { s } = till();
    const seed = seedTill(s);
    const sell = seller(s, seed);
    const printer = new FakePrinter();
    await printer.start();
    try {
      for (const width of [58, 80] as const) {
        await s.printing.saveConfig({
          ...s.printing.config(),
          kind: 'network',
          uri: printer.uri,
          width,
          copies: { beneficiary: false, shop: false },
        });
        sell({ tender: 'wechat' });
        const z = s.shifts.close(s.users.login(seed.cashier.id, '5678'), 0, true);
        s.printing.enqueueZReport(z.number);
        s.printing.enqueueZReport(z.number);
        s.printing.kick();
        await s.printing.settled();
        const [first, again] = printer.jobs.slice(-2).map((j) => decodeEscpos(j));
        const text = first!.lines.join('\n');
        expect(text).toContain(`Z 报表 第 ${z.number} 号`);
        expect(text).toContain('微信支付');
        expect(text).toContain(z.journal.headHash.slice(0, 16));
        expect(text).not.toContain('补打');
        expect(again!.lines.join('\n')).toContain('补打');
        for (const l of first!.lines)
          expect(
            [...l].reduce((n, c) => n + (c.codePointAt(0)! < 0x80 ? 1 : 2), 0),
            l,
          ).toBeLessThanOrEqual(width === 58 ? 32 : 48);
        expect(first!.qr[0]).toMatch(new RegExp(`^CTZ1:${z.number}:`));
      }
    } finally {
      await printer.stop();
    }
  });
});

describe('backup, restore and retention', () => {
  it('a backup taken while sales commit is never torn: it verifies and holds a prefix of the journal', async () => {
    const { s } = till();
    const seed = seedTill(s);
    const sell = seller(s, seed);
    for (let i = 0; i < 60; i++) sell({ child: true });
    const backup = s.backups.backupNow('test');
    // Sales go on while SQLite copies the pages in the background.
    for (let i = 0; i < 20; i++) {
      sell({ child: true }); // child vouchers: their offline allowance covers a busy afternoon
      await new Promise((r) => setImmediate(r));
    }
    const info = await backup;
    expect(info.verified).toBe(true);
    expect(info.headSeq).toBeGreaterThanOrEqual(60);
    expect(info.headSeq).toBeLessThanOrEqual(s.journal.head().seq);
    expect(fs.readdirSync(path.dirname(info.file)).filter((f) => f.endsWith('-wal') || f.endsWith('.partial'))).toEqual([]);
  });

  it('a staged restore happens at the next start; the replaced database is kept beside it', async () => {
    const first = till();
    const seed = seedTill(first.s);
    const sell = seller(first.s, seed);
    sell();
    const backup = await first.s.backups.backupNow('test');
    sell();
    sell();
    expect(first.s.journal.head().seq).toBe(3);
    const deviceId = first.s.db.prepare('SELECT install_id FROM device').get() as { install_id: string };
    first.s.handlers.stageRestore({ file: backup.file }, {});
    first.s.close();
    open.splice(
      open.findIndex((o) => o.s === first.s),
      1,
    );
    const again = till(first.dir);
    expect(again.s.journal.head().seq).toBe(1);
    expect(again.s.journal.verify().ok).toBe(true);
    expect(again.s.db.prepare('SELECT install_id FROM device').get()).toEqual(deviceId);
    expect(fs.readdirSync(first.dir).some((f) => f.startsWith(`${DATABASE_FILE}.before-restore-`))).toBe(true);
  });

  it('a new PC restores any backup of the till it replaces (--restore FILE); a backup from a newer CareTill is refused', async () => {
    const old = till();
    const seed = seedTill(old.s);
    seller(old.s, seed)();
    const backup = await old.s.backups.backupNow('test');
    const fresh = tempDir();
    const moved = till(fresh.dir, undefined, backup.file);
    expect(moved.s.journal.head().seq).toBe(1);
    const future = path.join(fresh.dir, 'future.sqlite3');
    fs.copyFileSync(backup.file, future);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(future);
    db.pragma('user_version = 999');
    db.close();
    expect(() => moved.s.handlers.stageRestore({ file: future }, {})).toThrow(/from_future/);
  });

  it('after a restore, the records the program holds past the backup are checked against the chain and written back, without a gap or a fork', async () => {
    const a = till();
    const seed = seedTill(a.s);
    const sell = seller(a.s, seed);
    sell();
    const backup = await a.s.backups.backupNow('test');
    const later = [sell(), sell({ child: true })];
    const owner = a.s.users.login(seed.owner.id, '1234');
    a.s.checkout.void(later[1]!.saleId, owner, true);
    // What the program holds: every record, accepted.
    const held = a.s.journal.range(1, 100).map((record) => ({ record, status: 'accepted' as const, reason: null, statementId: null }));
    const deviceId = (a.s.db.prepare('SELECT install_id FROM device').get() as { install_id: string }).install_id;
    a.s.close();
    open.splice(
      open.findIndex((o) => o.s === a.s),
      1,
    );
    const b = till(a.dir, undefined, backup.file);
    expect(b.s.journal.head().seq).toBe(1);
    const { reinsertRecovered } = await import('../../src/core/backoffice/recovery');
    const deps = { db: b.s.db, journal: b.s.journal, deviceId, log: b.s.log, now: () => b.clock.ms };
    // A forged record from a "program" that rewrote an amount is refused, and nothing is taken.
    const forged = held.map((h) => (h.record.seq === 3 ? { ...h, record: { ...h.record, amountFen: 1 } } : h));
    expect(reinsertRecovered(deps, forged)).toMatchObject({ inserted: 0, problem: 'bad_hash' });
    expect(b.s.journal.head().seq).toBe(1);
    expect(reinsertRecovered(deps, held)).toEqual({ inserted: 3, headSeq: 4, problem: null });
    expect(b.s.journal.verify()).toMatchObject({ ok: true, headSeq: 4 });
    expect(b.s.sync.pending()).toBe(0);
    expect(b.s.sales.get(later[1]!.saleId).voidedAt).not.toBeNull();
    expect(b.s.sales.get(later[0]!.saleId).totals.voucherPaidFen).toBe(later[0]!.totals.voucherPaidFen);
    // Asked again, nothing changes: recovery is idempotent.
    expect(reinsertRecovered(deps, held)).toMatchObject({ inserted: 0, problem: null });
    expect(b.s.journal.head().seq).toBe(4);
  });

  it('retention purges sale lines and voucher ids of records paid long ago; the chain still verifies; Z-reports stay', () => {
    const { s, clock } = till();
    const seed = seedTill(s);
    const sell = seller(s, seed);
    const sales = [sell(), sell(), sell({ child: true })];
    const owner = s.users.login(seed.owner.id, '1234');
    const z = s.shifts.close(owner, 0, true);
    sell(); // a later record, not yet paid
    // The program accepted and paid the first three records (as a status pull would record it).
    const paidAt = new Date(clock.ms).toISOString();
    s.db.prepare("INSERT INTO statements VALUES ('ST1', 'paid', 0, 3, ?, ?, ?, ?, 'REF')").run(paidAt, paidAt, paidAt, paidAt);
    for (const r of s.journal.range(1, 3))
      s.db.prepare("INSERT INTO record_status VALUES (?, 'accepted', NULL, 'ST1', ?)").run(r.id, paidAt);
    expect(s.retention.purgeDue()).toBeNull(); // paid today: kept
    clock.ms += 181 * 86_400_000;
    expect(s.retention.purgeDue()).toMatchObject({ upToSeq: 3, records: 3, sales: 3 });
    expect(s.journal.range(1, 4).map((r) => r.voucherId === PURGED_VOUCHER_ID)).toEqual([true, true, true, false]);
    for (const sale of sales)
      expect(s.db.prepare('SELECT count(*) AS n FROM sale_lines WHERE sale_id = ?').get(sale.saleId)).toEqual({ n: 0 });
    expect(s.journal.verify()).toMatchObject({ ok: true, headSeq: 4 });
    expect(s.shifts.zReport(z.number)).toEqual(z);
    // Still append-only outside the purge.
    expect(() => s.db.prepare('UPDATE journal SET amount_fen = 1 WHERE seq = 4').run()).toThrow(/append-only/);
  });
});
