import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { direct, type Harness } from '../helpers/clients';
import { closedPort, FakePrinter } from '../helpers/fakePrinter';
import { code, value } from '../helpers/results';
import { seedTill } from '../helpers/seed';

/**
 * Issue 16: the printing calls of the till's API (what the screens use), against a fake ESC/POS
 * printer on loopback: both copies of a receipt, the job list, retry and cancel, a test page, and
 * who may do what.
 */
describe('the printing API', () => {
  let h: Harness;
  let seed: ReturnType<typeof seedTill>;
  let printer: FakePrinter;
  beforeEach(async () => {
    h = await direct.make();
    seed = seedTill(h.services);
    printer = new FakePrinter();
    await printer.start();
  });
  afterEach(async () => {
    await h.close();
    await printer.stop();
  });

  const settings = (uri: string) => ({
    kind: 'network' as const,
    uri,
    width: 58 as const,
    qr: 'native' as const,
    drawer: false,
    copies: { beneficiary: true, shop: false },
    timeoutMs: 800,
    confirm: true,
  });
  const sale = async () => {
    h.useSession(seed.cashierSession());
    const lines = [{ itemId: seed.item('飞鹤').id, quantity: 1 }];
    const vouchers = [seed.babyVoucher().token];
    const q = value(await h.api.quoteSale({ lines, vouchers, plan: 'max_cover' }));
    const s = value(
      await h.api.commitSale({
        lines,
        vouchers,
        plan: 'max_cover',
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
      }),
    );
    await h.services.printing.settled();
    return s.saleId;
  };

  it('prints both copies of a receipt when asked, and lists the jobs newest first', async () => {
    h.useSession(seed.ownerSession);
    const saved = value(await h.api.savePrinter(settings(printer.uri)));
    expect(saved.settings.uri).toBe(printer.uri);
    const saleId = await sale();
    const before = printer.jobs.length;
    const { jobs } = value(await h.api.printReceipt({ saleId, copy: 'both' }));
    expect(jobs).toHaveLength(2);
    await h.services.printing.settled();
    expect(printer.jobs.length).toBe(before + 2);
    const list = value(await h.api.listPrintJobs({}));
    expect(list.slice(0, 2).map((j) => [j.id, j.copy, j.status])).toEqual([
      [jobs[1], 'shop', 'done'],
      [jobs[0], 'beneficiary', 'done'],
    ]);
    const preview = value(await h.api.getReceipt({ saleId, copy: 'shop' }));
    expect(preview.width).toBe(58);
    expect(preview.lines.join('\n')).toContain('爱心母婴店');
  });

  it('a receipt for a sale that does not exist is refused', async () => {
    h.useSession(seed.cashierSession());
    expect(code(await h.api.printReceipt({ saleId: crypto.randomUUID(), copy: 'beneficiary' }))).toBe('sale_not_found');
  });

  it('a job waiting for an unreachable printer can be retried, and an owner can cancel it', async () => {
    h.useSession(seed.ownerSession);
    value(await h.api.savePrinter(settings(`tcp://127.0.0.1:${await closedPort()}`)));
    const { jobs } = value(await h.api.printTest({}));
    await h.services.printing.settled();
    const waiting = value(await h.api.retryPrinting({}));
    expect(waiting.waiting).toBe(1);
    await h.services.printing.settled();
    const state = value(await h.api.getPrinter({}));
    expect(state.state).toMatchObject({ status: 'error', waiting: 1, lastError: 'printer_offline' });
    // Nothing waits any more; the printer itself is still unreachable.
    expect(value(await h.api.cancelPrintJob({ jobId: jobs[0]! }))).toEqual({ status: 'error', waiting: 0, lastError: 'printer_offline' });
    expect(value(await h.api.listPrintJobs({}))[0]).toMatchObject({ id: jobs[0], kind: 'test', status: 'cancelled' });
  });

  it('a cashier may retry but not cancel a job, change the printer or print a test page', async () => {
    h.useSession(seed.cashierSession());
    expect(value(await h.api.retryPrinting({})).status).toBe('not_configured');
    expect(code(await h.api.cancelPrintJob({ jobId: 1 }))).toBe('forbidden');
    expect(code(await h.api.printTest({}))).toBe('forbidden');
    expect(code(await h.api.savePrinter(settings(printer.uri)))).toBe('forbidden');
  });
});
