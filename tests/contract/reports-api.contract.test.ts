import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { direct, type Harness } from '../helpers/clients';
import { code, value } from '../helpers/results';
import { seedTill } from '../helpers/seed';

/**
 * Issue 16: the owner's reports through the till's API: each grouping adds up to the period's totals,
 * a voided sale is left out, a period must run forwards and cover at most 400 days; Z-reports can be
 * listed and printed; backup settings are kept.
 */
describe('reports through the API', () => {
  let h: Harness;
  let seed: ReturnType<typeof seedTill>;
  beforeEach(async () => {
    h = await direct.make();
    seed = seedTill(h.services);
  });
  afterEach(async () => h.close());

  const sell = async (item: string, quantity: number, vouchers: string[]) => {
    const lines = [{ itemId: seed.item(item).id, quantity }];
    const q = value(await h.api.quoteSale({ lines, vouchers, plan: 'max_cover' }));
    return value(
      await h.api.commitSale({
        lines,
        vouchers,
        plan: 'max_cover',
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
      }),
    );
  };
  const day = '2026-11-22';

  it('every grouping of a day adds up to its totals; a voided sale counts nowhere', async () => {
    h.useSession(seed.cashierSession());
    await sell('飞鹤', 1, [seed.babyVoucher().token]);
    await sell('猜猜我有多爱你', 2, [seed.childVoucher().token]);
    const voided = await sell('猜猜我有多爱你', 1, [seed.childVoucher().token]);
    h.useSession(seed.ownerSession);
    value(await h.api.voidSale({ saleId: voided.saleId }));

    const reports = await Promise.all(
      (['day', 'week', 'month', 'campaign', 'category', 'cashier', 'item'] as const).map(async (groupBy) =>
        value(await h.api.getReport({ from: day, to: day, groupBy })),
      ),
    );
    const totals = reports[0]!.totals;
    expect(totals.sales).toBe(2);
    for (const r of reports) {
      expect(r.totals).toEqual(totals);
      expect(r.rows.reduce((s, row) => s + row.voucherFen, 0)).toBe(totals.voucherFen);
    }
    const byName = (g: number) => reports[g]!.rows.map((r) => r.label);
    expect(byName(0)).toEqual([day]);
    expect(byName(1)).toEqual(['2026-11-16']); // the week starts on Monday
    expect(byName(2)).toEqual(['2026-11']);
    expect(byName(5)).toEqual(['李收银']);
    // Biggest voucher amount first: two books on the child voucher (￥65.60), then the baby voucher's ￥50.
    expect(reports[3]!.rows.map((r) => [r.key, r.voucherFen])).toEqual([
      ['2', 6560],
      ['1', 5000],
    ]);
    expect(reports[4]!.rows.map((r) => r.key).sort()).toEqual(['books', 'infant_formula']);
    expect(reports[6]!.rows).toHaveLength(2);
  });

  it('a period must not end before it starts, and covers at most 400 days', async () => {
    h.useSession(seed.ownerSession);
    expect(code(await h.api.getReport({ from: '2026-11-22', to: '2026-11-21', groupBy: 'day' }))).toBe('validation');
    expect(code(await h.api.getReport({ from: '2025-01-01', to: '2026-11-22', groupBy: 'day' }))).toBe('validation');
    expect(value(await h.api.getReport({ from: '2025-10-19', to: '2026-11-22', groupBy: 'day' })).rows).toEqual([]);
  });

  it('exports a period’s journal and a report as files named after the shop and the period', async () => {
    h.useSession(seed.cashierSession());
    await sell('飞鹤', 1, [seed.babyVoucher().token]);
    h.useSession(seed.ownerSession);
    const journal = value(await h.api.exportReport({ from: day, to: day, what: 'journal', groupBy: 'day', format: 'csv' }));
    expect(journal.fileName).toContain(day);
    const report = value(await h.api.exportReport({ from: '2026-11-01', to: day, what: 'report', groupBy: 'campaign', format: 'xlsx' }));
    expect(report.fileName).toContain(`2026-11-01_${day}`);
  });

  it('a closed day’s Z-report is listed and can be printed again; an unknown one cannot', async () => {
    h.useSession(seed.cashierSession());
    value(await h.api.openShift({ openingFloatFen: 10_000 }));
    await sell('飞鹤', 1, [seed.babyVoucher().token]);
    h.useSession(seed.ownerSession);
    const z = value(await h.api.closeShift({ countedCashFen: 10_000, confirmPending: true }));
    expect(value(await h.api.listZReports({})).map((r) => r.number)).toContain(z.number);
    expect(value(await h.api.printZReport({ number: z.number })).jobs).toHaveLength(1);
    expect(code(await h.api.printZReport({ number: z.number + 1 }))).toBe('zreport_not_found');
  });

  it('sales before the day is opened make a day of their own; a day cannot be opened twice', async () => {
    h.useSession(seed.cashierSession());
    expect(value(await h.api.getShift({})).open).toBeNull();
    await sell('飞鹤', 1, [seed.babyVoucher().token]);
    const before = value(await h.api.getShift({})).open!;
    expect(before).toMatchObject({ number: 1, started: false, openedBy: '', openingFloatFen: 0, salesCount: 1 });
    value(await h.api.openShift({ openingFloatFen: 5000 }));
    const opened = value(await h.api.getShift({})).open!;
    expect(opened).toMatchObject({ number: 1, started: true, openedBy: '李收银', openingFloatFen: 5000, salesCount: 1 });
    expect(code(await h.api.openShift({ openingFloatFen: 5000 }))).toBe('shift_open');
  });

  it('keeps the backup settings; an empty second folder means none', async () => {
    h.useSession(seed.ownerSession);
    value(await h.api.saveBackupSettings({ secondFolder: '', keep: 7, retentionDays: 400 }));
    expect(h.services.settings.get('backup.secondFolder')).toBeNull();
    expect(h.services.settings.get('backup.keep')).toBe(7);
    expect(h.services.settings.get('retention.days')).toBe(400);
  });
});
