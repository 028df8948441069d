import { describe, expect, it } from 'vitest';
import { receiptDocument, receiptQrPayload } from '../../src/core/printing/receiptDocument';
import { toEscpos, toPreviewLines, COLUMNS } from '../../src/core/printing/render';
import type { CompletedSale } from '../../src/shared/api/schemas/checkout';
import { decodeEscpos, normalizeLines } from '../helpers/escposDecoder';

export const sampleSale: CompletedSale = {
  saleId: '3f2a9c1d-7e6b-4a5c-9d8e-1f2a3b4c5d6e',
  createdAt: '2026-11-22T04:05:06.000Z',
  cashier: { id: 2, name: '李收银' },
  lines: [
    {
      itemId: 1,
      name: '飞鹤星飞帆婴儿配方奶粉1段 800g（超长的商品名称需要换行显示）',
      category: 'infant_formula',
      unit: '罐',
      unitPriceFen: 26800,
      quantity: 1,
      amountFen: 26800,
      eligibleFen: 5000,
      voucherPaidFen: 5000,
      status: 'eligible',
      reason: null,
    },
    {
      itemId: 2,
      name: 'Beer | 啤酒 {500ml} ^_^',
      category: 'alcohol',
      unit: '罐',
      unitPriceFen: 650,
      quantity: 2,
      amountFen: 1300,
      eligibleFen: 0,
      voucherPaidFen: 0,
      status: 'not_eligible',
      reason: null,
    },
  ],
  vouchers: [
    {
      voucherId: 'a'.repeat(32),
      masked: 'AAAA…AAAA',
      holderCode: 'G9AX-ZY17',
      campaignId: 1,
      campaignName: { zh: '新生儿关爱券', en: 'Newborn' },
      kind: 'fixed',
      usedFen: 5000,
      forfeitedFen: 0,
      balanceAfterFen: null,
    },
  ],
  totals: { basketFen: 28100, voucherPaidFen: 5000, otherTenderFen: 23100, forfeitedFen: 0 },
  records: [{ seq: 12, id: '0b7e3a52-5d1c-4f1e-9a0b-2c3d4e5f6a7b', type: 'redeem', hash: 'ab'.repeat(32), authorization: 'offline' }],
  voidedAt: null,
  upload: 'waiting',
};
const ctx = (width: 58 | 80) => ({
  columns: COLUMNS[width],
  shopName: '爱心母婴店',
  tillId: 'A1B2C3',
  timeZone: 'Asia/Shanghai',
  copy: 'beneficiary' as const,
});

describe('receipt', () => {
  for (const width of [58, 80] as const) {
    it(`prints the same lines it previews, ${width} mm`, () => {
      const doc = receiptDocument(sampleSale, ctx(width));
      const bytes = toEscpos(doc, { width, qr: 'native', drawer: false, confirm: true });
      const decoded = decodeEscpos(bytes);
      const preview = toPreviewLines(doc, width).lines;
      expect(decoded.chineseModeOk).toBe(true);
      expect(normalizeLines(decoded.lines)).toEqual(normalizeLines(preview));
      expect(decoded.qr).toEqual([receiptQrPayload(sampleSale)]);
      expect(decoded.rasters).toBe(0);
      expect(decoded.cuts).toBe(1);
      expect(decoded.statusQueries).toBe(1);
      // Chinese mode on before any Chinese text; the full-width yuan sign, never ¥ (U+00A5)
      expect(bytes.includes(Buffer.from([0x1c, 0x26]))).toBe(true);
      expect(decoded.lines.join('\n')).not.toContain('\u00a5');
      const text = decoded.lines.join('\n');
      expect(text).toContain('爱');
      expect(text).toContain('￥268.00');
      expect(text).toContain('￥231.00');
      expect(text).toContain('Beer | 啤酒 {500ml} ^_^');
      // No line wider than the paper, counting CJK as two columns
      for (const l of decoded.lines)
        expect(
          [...l].reduce((n, c) => n + (c.codePointAt(0)! < 0x80 ? 1 : 2), 0),
          l,
        ).toBeLessThanOrEqual(COLUMNS[width]);
    });
  }

  it('amounts align at the right edge', () => {
    const lines = decodeEscpos(
      toEscpos(receiptDocument(sampleSale, ctx(80)), { width: 80, qr: 'native', drawer: false, confirm: false }),
    ).lines;
    const money = lines.filter((l) => /￥[\d,]+\.\d\d$/.test(l));
    expect(money.length).toBeGreaterThanOrEqual(5);
    const width = (l: string) => [...l].reduce((n, c) => n + (c.codePointAt(0)! < 0x80 ? 1 : 2), 0);
    for (const l of money) expect(width(l), l).toBe(48);
  });

  it('raster QR for printers without native QR, and the cash drawer kick', () => {
    const d = decodeEscpos(toEscpos(receiptDocument(sampleSale, ctx(58)), { width: 58, qr: 'raster', drawer: true, confirm: false }));
    expect(d.qr).toEqual([]);
    expect(d.rasters).toBeGreaterThanOrEqual(1);
    expect(d.drawerKicks).toBe(1);
  });

  for (const width of [58, 80] as const) {
    it(`the printed lines are the preview's, exactly, with the QR where the preview puts it (${width} mm)`, () => {
      const doc = receiptDocument(sampleSale, ctx(width));
      const printed = decodeEscpos(toEscpos(doc, { width, qr: 'native', drawer: false, confirm: false })).lines;
      const { lines, qrAt } = toPreviewLines(doc, width);
      // The preview has no trailing spaces and no blank lines at the ends of its two parts.
      for (const l of lines) expect(l, l).toBe(l.trimEnd());
      expect(lines[qrAt - 1]).not.toBe('');
      expect(lines.at(-1)).not.toBe('');
      expect(printed.slice(0, qrAt)).toEqual(lines.slice(0, qrAt));
      // After the QR the printer feeds (blank lines) before the text and before the cut.
      expect(printed.slice(qrAt).filter((l) => l !== '')).toEqual(lines.slice(qrAt));
    });
  }

  it('a printer with native QR draws it: model 2, 6-dot modules, correction M, centred, once, before the one cut', () => {
    const bytes = toEscpos(receiptDocument(sampleSale, ctx(80)), { width: 80, qr: 'native', drawer: false, confirm: false });
    const d = decodeEscpos(bytes);
    expect(d.qr).toEqual([receiptQrPayload(sampleSale)]);
    expect(d.qrFormat).toEqual([{ model: 2, moduleSize: 6, ecc: 'M', align: 'centre' }]);
    expect(d.rasters + d.graphics).toBe(0);
    expect(d.cuts).toBe(1);
    expect(bytes.lastIndexOf(Buffer.from([0x1d, 0x56]))).toBeGreaterThan(bytes.indexOf(Buffer.from(receiptQrPayload(sampleSale))));
    // Lines are printed compact (no extra spacing), as the preview shows them.
    expect(d.lineSpacing).toBe(0);
    // Such a printer speaks Epson's dialect, whose parameters are ASCII digits (ESC M '0': font A).
    expect(bytes.includes(Buffer.from([0x1b, 0x4d, 0x30]))).toBe(true);
  });

  it('a printer without native QR gets the generic dialect: the QR as a GS v 0 raster image, one cut at the end', () => {
    const bytes = toEscpos(receiptDocument(sampleSale, ctx(58)), { width: 58, qr: 'raster', drawer: false, confirm: false });
    const d = decodeEscpos(bytes);
    expect(d.qr).toEqual([]);
    expect(d.rasters).toBe(1);
    expect(d.graphics).toBe(0); // GS 8 L, which older printers lack, is never sent
    expect(d.cuts).toBe(1);
    expect(d.lineSpacing).toBe(0);
    expect(bytes.includes(Buffer.from([0x1b, 0x4d, 0x00]))).toBe(true);
  });

  it('the QR payload is ASCII only', () => {
    expect(receiptQrPayload(sampleSale)).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('receipt bytes a Chinese printer reads right', () => {
  const count = (bytes: Buffer, seq: number[]) => {
    let n = 0;
    for (let i = bytes.indexOf(Buffer.from(seq)); i !== -1; i = bytes.indexOf(Buffer.from(seq), i + 1)) n++;
    return n;
  };

  for (const qr of ['native', 'raster'] as const) {
    it(`switches to Chinese mode once per job and never mid-line; rules are ASCII (${qr} QR)`, () => {
      const bytes = toEscpos(receiptDocument(sampleSale, ctx(58)), { width: 58, qr, drawer: false, confirm: false });
      const inits = count(bytes, [0x1b, 0x40]); // ESC @: one per receiptline segment
      expect(count(bytes, [0x1b, 0x74, 0x00, 0x1c, 0x26])).toBe(inits); // ESC t 0 FS &, right after each init
      expect(count(bytes, [0x1c, 0x2e])).toBe(inits); // FS . only inside the init sequence, before Chinese mode
      expect(count(bytes, [0x1b, 0x74, 0x01])).toBe(0); // never the box-drawing code page
      const decoded = decodeEscpos(bytes);
      expect(decoded.chineseModeOk).toBe(true);
      expect(decoded.lines.filter((l) => /^-{32}$/.test(l)).length).toBeGreaterThanOrEqual(3);
    });
  }

  it('characters outside GBK print, because the text is GB18030', () => {
    const sale = { ...sampleSale, lines: [{ ...sampleSale.lines[0]!, name: '𠮷野家 䶮 婴儿米粉' }] };
    const decoded = decodeEscpos(toEscpos(receiptDocument(sale, ctx(80)), { width: 80, qr: 'native', drawer: false, confirm: false }));
    expect(decoded.lines.join('\n')).toContain('𠮷野家 䶮 婴儿米粉');
  });

  it('on 58 mm with three vouchers, the sequence numbers and the hash never wrap', () => {
    const records = [1, 2, 3].map((seq) => ({
      ...sampleSale.records[0]!,
      seq,
      id: `0b7e3a52-5d1c-4f1e-9a0b-2c3d4e5f6a7${seq}`,
      authorization: 'A-1',
    }));
    const vouchers = [1, 2, 3].map((i) => ({ ...sampleSale.vouchers[0]!, voucherId: String(i).repeat(32), holderCode: `G9AX-ZY1${i}` }));
    const sale = { ...sampleSale, records: records.map((r) => ({ ...r, hash: 'f1eaf3a9'.repeat(8) })), vouchers };
    const lines = decodeEscpos(toEscpos(receiptDocument(sale, ctx(58)), { width: 58, qr: 'native', drawer: false, confirm: false })).lines;
    expect(lines.some((l) => l.includes('1,2,3'))).toBe(true);
    expect(lines.some((l) => l.includes('f1eaf3a9'))).toBe(true);
    for (const v of vouchers) expect(lines).toContain(`新生儿关爱券 持券码 ${v.holderCode}`);
    expect(lines.every((l) => !/^\w$/.test(l.trim()))).toBe(true); // no stray last character on a line of its own
  });
});

describe('the voucher on the receipt', () => {
  const printed = (sale: CompletedSale, width: 58 | 80) =>
    decodeEscpos(toEscpos(receiptDocument(sale, ctx(width)), { width, qr: 'native', drawer: false, confirm: false })).lines;

  it('is named by the holder code on the family’s card, not the voucher id', () => {
    for (const width of [58, 80] as const) {
      const lines = printed(sampleSale, width);
      expect(lines).toContain('新生儿关爱券 持券码 G9AX-ZY17');
      expect(lines.join('\n')).not.toContain('AAAA…AAAA');
    }
  });

  it('a sale recorded before the till kept holder codes prints the masked voucher id', () => {
    const sale = { ...sampleSale, vouchers: [{ ...sampleSale.vouchers[0]!, holderCode: null }] };
    expect(printed(sale, 58)).toContain('新生儿关爱券 AAAA…AAAA');
  });

  it('a long campaign name never leaves 持券码 at a line’s end with the code below it', () => {
    // On 58 mm, 32 columns: the name and 持券码 would fit (27), the code would not.
    const campaignName = { zh: '新生儿营养关爱补助券', en: 'Newborn nutrition' };
    const sale = { ...sampleSale, vouchers: [{ ...sampleSale.vouchers[0]!, campaignName }] };
    const lines = printed(sale, 58);
    expect(lines).toContain(campaignName.zh);
    expect(lines).toContain('持券码 G9AX-ZY17');
  });
});

describe('golden receipts', () => {
  for (const width of [58, 80] as const) {
    it(`${width} mm matches tests/fixtures/receipts/receipt-${width}.txt`, async () => {
      const { default: fs } = await import('node:fs');
      const file = new URL(`../fixtures/receipts/receipt-${width}.txt`, import.meta.url);
      const decoded = decodeEscpos(
        toEscpos(receiptDocument(sampleSale, { ...ctx(width), copy: 'shop' }), { width, qr: 'native', drawer: false, confirm: true }),
      );
      const text = `${decoded.lines.join('\n')}\n[QR] ${decoded.qr.join(' ')}\n[cuts] ${decoded.cuts}\n`;
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, text);
      expect(text).toBe(fs.readFileSync(file, 'utf8'));
    });
  }
});
