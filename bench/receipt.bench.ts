import { receiptDocument } from '../src/core/printing/receiptDocument';
import { COLUMNS, toEscpos } from '../src/core/printing/render';
import type { CompletedSale } from '../src/shared/api/schemas/checkout';
import { percentile, round, type Bench } from './harness';

/** receipt_encode_ms_p99: a 20-line sale, document → ESC/POS bytes at 80 mm (layout, GB18030, QR command). */
export const receiptBench: Bench = {
  name: 'receipt',
  async run() {
    const lines = Array.from({ length: 20 }, (_, i) => ({
      itemId: i + 1,
      name: i % 3 === 0 ? `飞鹤星飞帆婴儿配方奶粉${i}段 800g 罐装` : `商品 Item ${i}`,
      category: (i % 2 ? 'diapers' : 'alcohol') as 'diapers' | 'alcohol',
      unit: '件',
      unitPriceFen: 1000 + i * 137,
      quantity: 1 + (i % 3),
      amountFen: (1000 + i * 137) * (1 + (i % 3)),
      eligibleFen: 0,
      voucherPaidFen: i % 2 ? 500 : 0,
      status: (i % 2 ? 'eligible' : 'not_eligible') as 'eligible' | 'not_eligible',
      reason: null,
    }));
    const total = lines.reduce((a, l) => a + l.amountFen, 0);
    const sale: CompletedSale = {
      saleId: '3f2a9c1d-7e6b-4a5c-9d8e-1f2a3b4c5d6e',
      createdAt: '2026-11-22T04:05:06.000Z',
      cashier: { id: 2, name: '李收银' },
      lines,
      vouchers: [
        {
          voucherId: 'a'.repeat(32),
          masked: 'AAAA…AAAA',
          holderCode: 'G9AX-ZY17',
          campaignId: 2,
          campaignName: { zh: '困境儿童成长关爱金', en: 'Child' },
          kind: 'balance',
          usedFen: 5000,
          forfeitedFen: 0,
          balanceAfterFen: 15000,
        },
      ],
      totals: { basketFen: total, voucherPaidFen: 5000, otherTenderFen: total - 5000, forfeitedFen: 0 },
      records: [{ seq: 1, id: '0b7e3a52-5d1c-4f1e-9a0b-2c3d4e5f6a7b', type: 'redeem', hash: 'ab'.repeat(32), authorization: 'offline' }],
      voidedAt: null,
      upload: 'waiting',
    };
    const ctx = { columns: COLUMNS[80], shopName: '爱心母婴店', tillId: 'A1B2C3', timeZone: 'Asia/Shanghai', copy: 'beneficiary' as const };
    const samples: number[] = [];
    for (let i = 0; i < 1200; i++) {
      const t0 = process.hrtime.bigint();
      toEscpos(receiptDocument(sale, ctx), { width: 80, qr: 'native', drawer: false, confirm: true });
      if (i >= 200) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return [{ name: 'receipt_encode_ms_p99', value: round(percentile(samples, 99), 3), unit: 'ms', target: '≤ 5' }];
  },
};
