import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/core/services';
import { printerSettingsSchema, type PrinterSettings } from '../../src/shared/api/schemas/printing';
import { startPtyPrinter } from '../helpers/ptyPrinter';
import { decodeEscpos, normalizeLines } from '../helpers/escposDecoder';
import { closedPort, FakePrinter } from '../helpers/fakePrinter';
import { seedTill } from '../helpers/seed';
import { tempDir } from '../helpers/tmp';

describe('printing receipts', () => {
  let t: ReturnType<typeof tempDir>;
  let s: Services;
  let seed: ReturnType<typeof seedTill>;
  let printer: FakePrinter;
  const open = () => createServices({ dataDir: t.dir, host: 'direct', appVersion: 'test' }, { printRetryBaseMs: 60_000 });
  beforeEach(async () => {
    t = tempDir();
    s = open();
    seed = seedTill(s);
    printer = new FakePrinter();
    await printer.start();
  });
  afterEach(async () => {
    s.close();
    await printer.stop();
    t.cleanup();
  });

  const configure = (over: Partial<PrinterSettings> = {}) =>
    s.printing.saveConfig({
      kind: 'network',
      uri: printer.uri,
      width: 58,
      qr: 'native',
      drawer: false,
      copies: { beneficiary: true, shop: false },
      timeoutMs: 800,
      confirm: true,
      ...over,
    });
  const sell = () => {
    const session = s.users.login(seed.cashier.id, '5678');
    const lines = [
      { itemId: seed.item('飞鹤').id, quantity: 1 },
      { itemId: seed.item('啤酒').id, quantity: 2 },
    ];
    const vouchers = [seed.babyVoucher().token];
    const q = s.checkout.quote({ lines, vouchers, plan: 'max_cover' });
    const sale = s.checkout.commit(
      {
        lines,
        vouchers,
        plan: 'max_cover',
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
      },
      session,
    );
    s.printing.kick();
    return sale;
  };
  const saleIsIntact = (saleId: string) => {
    expect(s.sales.get(saleId).records).toHaveLength(1);
    expect(s.journal.verify().ok).toBe(true);
  };

  it('prints a committed sale: Chinese shop name, the right amounts, the same lines as the preview', async () => {
    await configure();
    const sale = sell();
    await s.printing.settled();
    expect(printer.jobs).toHaveLength(1);
    const decoded = decodeEscpos(printer.jobs[0]!);
    const text = decoded.lines.join('\n');
    expect(text).toContain('爱心母婴店');
    expect(text).toContain('￥281.00');
    expect(text).toContain('￥231.00');
    expect(decoded.cuts).toBe(1);
    const preview = await s.printing.preview(sale.saleId, 'beneficiary');
    expect(normalizeLines(decoded.lines)).toEqual(normalizeLines(preview.lines));
    expect(decoded.qr).toEqual([preview.qr]);
    expect(s.printing.state()).toEqual({ status: 'ready', waiting: 0, lastError: null });
  });

  it('both copies and the drawer kick when configured', async () => {
    await configure({ copies: { beneficiary: true, shop: true }, drawer: true, width: 80 });
    sell();
    await s.printing.settled();
    expect(printer.jobs).toHaveLength(2);
    expect(printer.jobs.map((j) => decodeEscpos(j).lines.join('\n').includes('顾客联'))).toEqual([true, false]);
    expect(printer.jobs.map((j) => decodeEscpos(j).drawerKicks)).toEqual([1, 0]);
  });

  const faults: Array<[string, () => Promise<void>, string]> = [
    [
      'connection refused (printer off)',
      async () => {
        const port = printer.port;
        await printer.stop();
        printer.port = port;
      },
      'printer_offline',
    ],
    ['black hole (no answer within the timeout)', async () => void (printer.mode = 'silent'), 'printer_timeout'],
    ['reset in the middle of the job', async () => void (printer.mode = 'reset'), 'printer_dropped'],
    ['out of paper', async () => void (printer.mode = 'paper_out'), 'printer_no_paper'],
  ];
  for (const [name, breakIt, code] of faults) {
    it(`${name}: the sale stays, the receipt waits, then prints when the printer is back`, async () => {
      await configure();
      await breakIt();
      const sale = sell();
      await s.printing.settled();
      saleIsIntact(sale.saleId);
      expect(s.printing.state()).toEqual({ status: 'error', waiting: 1, lastError: code });
      expect(s.printing.jobs()[0]).toMatchObject({ status: 'queued', attempts: 1, lastError: code });
      // the printer comes back
      printer.mode = 'ok';
      if (code === 'printer_offline') await printer.start(printer.port);
      const before = printer.jobs.length;
      s.printing.retryNow();
      await s.printing.settled();
      expect(s.printing.state()).toEqual({ status: 'ready', waiting: 0, lastError: null });
      expect(printer.jobs.length).toBe(before + 1);
      expect(decodeEscpos(printer.jobs.at(-1)!).lines.join('\n')).toContain('爱心母婴店');
      saleIsIntact(sale.saleId);
    });
  }

  it('receipts keep their order and survive a restart of the till', async () => {
    const port = await closedPort();
    await configure({ uri: `tcp://127.0.0.1:${port}` });
    const a = sell();
    const b = sell();
    await s.printing.settled();
    expect(s.printing.state().waiting).toBe(2);
    s.close();
    // back up after a restart, on a printer that is on
    s = open();
    await configure();
    await s.printing.settled();
    expect(printer.jobs).toHaveLength(2);
    const numbers = printer.jobs.map((j) => /单号 (\w+)/.exec(decodeEscpos(j).lines.join('\n'))![1]);
    expect(numbers).toEqual([a.saleId, b.saleId].map((id) => id.slice(0, 8).toUpperCase()));
  });

  it('a serial printer device receives the bytes; a missing device says so', async () => {
    const printerOnTty = await startPtyPrinter(path.join(t.dir, 'tty-bytes'));
    try {
      await configure({ kind: 'device', uri: printerOnTty.device, confirm: false });
      sell();
      await s.printing.settled();
      await until(() => decodeEscpos(printerOnTty.bytes()).lines.join('\n').includes('爱心母婴店'));
    } finally {
      printerOnTty.stop();
    }
    await configure({ kind: 'device', uri: '/dev/usb/no-such-lp', confirm: false });
    sell();
    await s.printing.settled();
    expect(s.printing.state().lastError).toBe('printer_unreachable');
  });

  it('a printer that is saved but off shows as a fault at once, and as ready once it is back', async () => {
    await printer.stop();
    await configure();
    expect(s.printing.state()).toMatchObject({ status: 'error', lastError: 'printer_offline' });
    await printer.start();
    await s.printing.probe();
    expect(s.printing.state()).toMatchObject({ status: 'ready', lastError: null });
  });

  it('a printer that takes the job and hangs up is reported as dropped at once, not after the timeout', async () => {
    printer.mode = 'hangup';
    await configure({ timeoutMs: 20_000 });
    const started = Date.now();
    sell();
    s.printing.kick();
    await s.printing.settled();
    expect(s.printing.state().lastError).toBe('printer_dropped');
    expect(Date.now() - started).toBeLessThan(10_000); // far below the 20 s timeout, with room for a slow machine
  });

  it('an ordinary file is never taken for a printer, so a test page cannot overwrite it', async () => {
    const precious = path.join(t.dir, 'journal-backup.db');
    fs.writeFileSync(precious, 'keep me');
    // Not a device name at all: the contract refuses it.
    expect(printerSettingsSchema.safeParse({ ...s.printing.config(), kind: 'device', uri: precious }).success).toBe(false);
    // A /dev name that leads to a regular file: core refuses to save it…
    const shmFile = fs.existsSync('/dev/shm') ? path.join('/dev/shm', `caretill-test-${process.pid}`) : null;
    if (shmFile) {
      fs.writeFileSync(shmFile, 'keep me');
      try {
        await expect(s.printing.saveConfig({ ...s.printing.config(), kind: 'device', uri: shmFile })).rejects.toThrow(
          /not a printer device/,
        );
        // …and the print path refuses it too, should it reach the settings another way.
        s.settings.set('printer.config', { ...s.printing.config(), kind: 'device', uri: shmFile, confirm: false });
        s.printing.enqueue('test', null, 'test');
        s.printing.kick();
        await s.printing.settled();
        expect(s.printing.state().lastError).toBe('printer_not_device');
        expect(fs.readFileSync(shmFile, 'utf8')).toBe('keep me');
      } finally {
        fs.rmSync(shmFile, { force: true });
      }
    }
    expect(fs.readFileSync(precious, 'utf8')).toBe('keep me');
  });

  it('reprint from history and a test page', async () => {
    await configure();
    const sale = sell();
    await s.printing.settled();
    s.printing.enqueue('receipt', sale.saleId, 'shop');
    s.printing.enqueue('test', null, 'test');
    s.printing.kick();
    await s.printing.settled();
    expect(printer.jobs).toHaveLength(3);
    expect(decodeEscpos(printer.jobs[1]!).lines.join('\n')).toContain('店铺联');
    const test = decodeEscpos(printer.jobs[2]!);
    expect(test.lines.join('\n')).toContain('中文测试');
    expect(test.qr).toEqual(['CT-TEST']);
  });
});

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
