import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import { direct, overHttp, useSeededTill } from '../helpers/clients';
import { code, value } from '../helpers/results';
import { seedTill } from '../helpers/seed';

describe.each([direct, overHttp])('the back office via $name', (factory) => {
  const till = useSeededTill(factory);

  const sell = async (vouchers: string[], item: string, quantity: number, tenderType?: 'cash' | 'wechat' | 'alipay' | 'card' | 'other') => {
    const lines = [{ itemId: till.seed.item(item).id, quantity }];
    const q = value(await till.api.quoteSale({ lines, vouchers }));
    return value(
      await till.api.commitSale({
        lines,
        vouchers,
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
        ...(tenderType ? { tenderType } : {}),
      }),
    );
  };

  it('a day close: expected cash against counted, a numbered Z-report that adds up to the journal and never changes', async () => {
    value(await till.api.openShift({ openingFloatFen: 20000 }));
    const a = await sell([till.seed.babyVoucher().token], '飞鹤', 1, 'cash'); // ¥268 formula: voucher ¥50, cash ¥218
    const b = await sell([till.seed.babyVoucher().token], '飞鹤', 1, 'wechat');
    const c = await sell([till.seed.childVoucher().token], '绘本', 1, 'cash');
    value(await till.api.voidSale({ saleId: c.saleId }));
    const state = value(await till.api.getShift({}));
    expect(state.open?.expectedCashFen).toBe(20000 + a.totals.otherTenderFen);
    const z = value(await till.api.closeShift({ countedCashFen: 20000 + a.totals.otherTenderFen - 100, confirmPending: true }));
    expect(z.number).toBe(1);
    expect(z.sales).toMatchObject({ count: 3, voucherFen: a.totals.voucherPaidFen + b.totals.voucherPaidFen + c.totals.voucherPaidFen });
    expect(z.voids).toMatchObject({ count: 1, voucherFen: c.totals.voucherPaidFen });
    expect(z.otherTenderByType).toEqual({ cash: a.totals.otherTenderFen + c.totals.otherTenderFen, wechat: b.totals.otherTenderFen });
    expect(z.cash).toMatchObject({ openingFloatFen: 20000, expectedFen: 20000 + a.totals.otherTenderFen, differenceFen: -100 });
    expect(z.voucherByCampaign.map((x) => [x.campaignId, x.fen])).toEqual([
      [1, 10000],
      [2, 0],
    ]);
    expect(z.voucherByCategory.infant_formula).toBe(10000);
    const head = till.h.services.journal.head();
    expect(z.journal).toMatchObject({ fromSeq: 1, toSeq: head.seq, records: head.seq, headHash: head.hash });
    expect(z.cashiers).toEqual(['李收银']);
    // Frozen: the next sale belongs to the next shift; the closed one cannot be changed even in SQL.
    await sell([till.seed.babyVoucher().token], '飞鹤', 1);
    expect(value(await till.api.getZReport({ number: 1 }))).toEqual(z);
    expect(() => till.h.services.db.prepare('UPDATE shifts SET counted_cash_fen = 0 WHERE id = 1').run()).toThrow(/never changes/);
    const z2 = value(await till.api.closeShift({ countedCashFen: 0, confirmPending: true }));
    expect(z2).toMatchObject({ number: 2, journal: { fromSeq: head.seq + 1 } });
    expect(code(await till.api.getZReport({ number: 9 }))).toBe('zreport_not_found');
  });

  it('a day close with receipts still waiting says what is pending, and goes ahead when confirmed', async () => {
    await till.h.services.printing.saveConfig({
      ...till.h.services.printing.config(),
      kind: 'network',
      uri: 'tcp://127.0.0.1:9',
      timeoutMs: 500,
    });
    await sell([till.seed.babyVoucher().token], '飞鹤', 1);
    const refused = await till.api.closeShift({ countedCashFen: 0 });
    expect(code(refused)).toBe('close_pending');
    expect(!refused.ok && refused.error.params).toMatchObject({ printing: 1 });
    expect(value(await till.api.closeShift({ countedCashFen: 0, confirmPending: true })).number).toBe(1);
  });

  it('reports by day, campaign, category, cashier and item, exported as XLSX and CSV the owner can open', async () => {
    await sell([till.seed.babyVoucher().token], '飞鹤', 2, 'cash');
    await sell([till.seed.childVoucher().token], '绘本', 1, 'alipay');
    till.h.useSession(till.seed.ownerSession);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date(till.h.clock.ms));
    const byCategory = value(await till.api.getReport({ from: today, to: today, groupBy: 'category' }));
    expect(byCategory.totals.sales).toBe(2);
    expect(Object.fromEntries(byCategory.rows.map((r) => [r.key, r.voucherFen]))).toMatchObject({ infant_formula: 5000 });
    const byDay = value(await till.api.getReport({ from: today, to: today, groupBy: 'day' }));
    expect(byDay.rows).toHaveLength(1);
    expect(byDay.rows[0]!.key).toBe(today);
    const byItem = value(await till.api.getReport({ from: today, to: today, groupBy: 'item' }));
    expect(byItem.rows.find((r) => r.label.includes('飞鹤'))?.quantity).toBe(2);

    const xlsx = value(await till.api.exportReport({ from: today, to: today, what: 'report', groupBy: 'category', format: 'xlsx' }));
    expect(xlsx.fileName).toBe(`爱心母婴店-按类别-${today}.xlsx`);
    const sheet = XLSX.read(Buffer.from(xlsx.base64, 'base64'));
    const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(sheet.Sheets[sheet.SheetNames[0]!]!);
    expect(rows.find((r) => r['按类别'] === '合计')?.['用券金额（元）']).toBe(byCategory.totals.voucherFen / 100);
    const csv = Buffer.from(
      value(await till.api.exportReport({ from: today, to: today, what: 'journal', format: 'csv' })).base64,
      'base64',
    );
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8');
    expect(text).toContain('流水号');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + till.h.services.journal.head().seq);
  });

  it('the dashboard shows today against the same weekday last week, by hour, and the settlement backlog', async () => {
    await sell([till.seed.babyVoucher().token], '飞鹤', 1);
    till.h.useSession(till.seed.ownerSession);
    const d = value(await till.api.getDashboard({}));
    expect(d.today).toMatchObject({ customers: 1, vouchers: 1, voucherFen: 5000 });
    expect(d.sameDayLastWeek.customers).toBe(0);
    expect(d.byHour).toHaveLength(24);
    expect(d.byHour.reduce((a, x) => a + x.voucherFen, 0)).toBe(5000);
    expect(d.settlement.pendingFen).toBe(5000);
  });

  it('backs up, verifies, rotates; refuses to restore a corrupt backup or one from another till', async () => {
    till.h.useSession(till.seed.ownerSession);
    await sell([till.seed.babyVoucher().token], '飞鹤', 1).catch(() => undefined);
    till.h.useSession(till.seed.cashierSession());
    await sell([till.seed.babyVoucher().token], '飞鹤', 1);
    till.h.useSession(till.seed.ownerSession);
    const b = value(await till.api.backupNow({}));
    expect(b).toMatchObject({ verified: true, headSeq: till.h.services.journal.head().seq });
    expect(fs.statSync(b.file).mode & 0o777).toBe(0o600);
    const corrupt = path.join(path.dirname(b.file), 'corrupt.sqlite3');
    fs.writeFileSync(corrupt, Buffer.alloc(8192, 7));
    expect(code(await till.api.stageRestore({ file: corrupt }))).toBe('restore_refused');
    // Another till's backup: the device id differs.
    const other = await factory.make();
    try {
      seedTill(other.services);
      const theirs = await other.services.backups.backupNow('test');
      const r = await till.api.stageRestore({ file: theirs.file });
      expect(code(r)).toBe('restore_refused');
      expect(!r.ok && r.error.params).toMatchObject({ problem: 'other_till' });
    } finally {
      await other.close();
    }
    value(
      await till.api.saveBackupSettings({
        secondFolder: path.join(path.dirname(b.file), 'no-such-usb-stick'),
        keep: 2,
        retentionDays: 180,
      }),
    );
    for (let i = 0; i < 3; i++) {
      till.h.clock.ms += 1000;
      value(await till.api.backupNow({}));
    }
    const state = value(await till.api.getBackups({}));
    expect(
      fs.readdirSync(state.folder).filter((f) => f.startsWith('caretill-')),
      state.folder,
    ).toHaveLength(2);
    expect(state.secondFolderProblem).toMatch(/no such|ENOENT|not a folder/i);
  });
});
