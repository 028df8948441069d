import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import path from 'node:path';
import { createServices } from '../src/core/services';
import { seedTill } from '../tests/helpers/seed';
import { tempDir } from '../tests/helpers/tmp';
import { percentile, round, type Bench } from './harness';

/** Core timings of the counter: scan → verdict and allocation, durable commit, barcode lookup. */
export const checkoutBench: Bench = {
  name: 'checkout',
  async run() {
    const t = tempDir('caretill-bench-');
    try {
      const s = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'bench' });
      const seed = seedTill(s, [
        {
          id: 3,
          kind: 'balance',
          eligibleCategories: ['books', 'diapers'],
          offline: { perVoucherFen: 1_000_000, perDeviceTotalFen: 4_000_000_000, maxHoursOffline: 2000 },
        },
      ]);
      const cashier = s.users.login(seed.cashier.id, '5678');
      const lines = [
        { itemId: seed.item('飞鹤').id, quantity: 1 },
        { itemId: seed.item('啤酒').id, quantity: 2 },
        { itemId: seed.item('湿巾').id, quantity: 1 },
      ];

      // scan_to_verdict: token + basket → verdict and allocation, in core
      const token = seed.babyVoucher().token;
      const scan: number[] = [];
      for (let i = 0; i < 3000; i++) {
        const t0 = process.hrtime.bigint();
        const q = s.checkout.quote({ lines, vouchers: [token], plan: 'max_cover' });
        if (i >= 300) scan.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (q.vouchers[0]?.code !== 'valid') throw new Error('bench voucher refused');
      }

      // The same with the program's approved product list installed: 200,000 barcodes (issue 11).
      const listed = new Set(lines.map((l) => s.catalog.get(l.itemId).barcodes[0]!));
      const upserts = Array.from({ length: 200_000 }, (_, i) => ({
        barcode: `69${String(i).padStart(10, '0')}${gs1(`69${String(i).padStart(10, '0')}`)}`,
        category: 'baby_care' as const,
        maxUnitPriceFen: null,
        validFrom: null,
        validUntil: null,
      }));
      for (const b of listed) upserts.push({ barcode: b, category: 'baby_care', maxUnitPriceFen: null, validFrom: null, validUntil: null });
      const signed = seed.root.signApl({
        format: 'caretill-apl/1',
        programId: 'TEST',
        version: 1,
        base: null,
        issuedAt: new Date().toISOString(),
        upserts,
        removals: [],
      });
      const i0 = process.hrtime.bigint();
      const installed = s.lists.installApl(signed);
      const installS = Number(process.hrtime.bigint() - i0) / 1e9;
      if (installed.entries < 200_000) throw new Error('APL not installed');
      const scanApl: number[] = [];
      for (let i = 0; i < 3000; i++) {
        const t0 = process.hrtime.bigint();
        const q = s.checkout.quote({ lines, vouchers: [token], plan: 'max_cover' });
        if (i >= 300) scanApl.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (q.vouchers[0]?.code !== 'valid') throw new Error('bench voucher refused');
      }

      // redeem_commit vs one durable single-row insert with the same settings, interleaved
      const bare = new Database(path.join(t.dir, 'bare.sqlite3'));
      bare.pragma('journal_mode = WAL');
      bare.pragma('synchronous = FULL');
      bare.exec('CREATE TABLE t (id TEXT PRIMARY KEY, v INTEGER NOT NULL) STRICT');
      const ins = bare.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
      const tokens = Array.from(
        { length: 400 },
        () => seed.issuer.token({ campaignId: 3, kind: 'balance', faceValueFen: 1_000_000 }).token,
      );
      const bookLines = [{ itemId: seed.item('绘本').id, quantity: 1 }];
      const commit: number[] = [];
      const insert: number[] = [];
      tokens.forEach((tok, i) => {
        const q = s.checkout.quote({ lines: bookLines, vouchers: [tok], plan: 'max_cover' });
        const t0 = process.hrtime.bigint();
        s.checkout.commit(
          {
            lines: bookLines,
            vouchers: [tok],
            plan: 'max_cover',
            clientSaleId: crypto.randomUUID(),
            expect: {
              voucherPaidFen: q.totals.voucherPaidFen,
              otherTenderFen: q.totals.otherTenderFen,
              forfeitedFen: q.totals.forfeitedFen,
            },
          },
          cashier,
        );
        const t1 = process.hrtime.bigint();
        ins.run(crypto.randomUUID(), i);
        const t2 = process.hrtime.bigint();
        if (i >= 20) {
          commit.push(Number(t1 - t0) / 1e6);
          insert.push(Number(t2 - t1) / 1e6);
        }
      });
      bare.close();

      // barcode lookup among 200,000 items
      const insertItem = s.db.prepare(
        "INSERT INTO items (name, price_fen, unit, category, quick_key, updated_at) VALUES (?, ?, '个', 'other', 0, '2026-01-01')",
      );
      const insertCode = s.db.prepare('INSERT INTO barcodes (code, item_id) VALUES (?, ?)');
      const codes: string[] = [];
      s.db.transaction(() => {
        for (let i = 0; i < 200_000; i++) {
          const id = Number(insertItem.run(`item ${i}`, 100 + i).lastInsertRowid);
          const code = `2${String(i).padStart(11, '0')}`;
          const full = code + gs1(code);
          insertCode.run(full, id);
          codes.push(full);
        }
      })();
      const lookup: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        const code = codes[(i * 7919) % codes.length]!;
        const t0 = process.hrtime.bigint();
        const row = s.catalog.findByCode(code);
        lookup.push(Number(process.hrtime.bigint() - t0) / 1000);
        if (!row) throw new Error('lookup missed');
      }
      s.close();
      return [
        { name: 'scan_to_verdict_ms_p99', value: round(percentile(scan, 99), 3), unit: 'ms', target: '≤ 2' },
        { name: 'scan_to_verdict_ms_p99_apl_200k', value: round(percentile(scanApl, 99), 3), unit: 'ms', target: '≤ 2 (200k APL)' },
        { name: 'apl_install_200k_s', value: round(installS, 2), unit: 's', target: '≤ 3' },
        { name: 'redeem_commit_ms_p99', value: round(percentile(commit, 99), 2), unit: 'ms', target: '≤ 10' },
        {
          name: 'redeem_commit_ratio_to_bare_insert',
          value: round(percentile(commit, 99) / percentile(insert, 99), 2),
          unit: 'ratio (p99)',
          target: '≤ 3',
        },
        { name: 'barcode_lookup_us_p99', value: round(percentile(lookup, 99), 1), unit: 'µs', target: '≤ 100 (200k items)' },
      ];
    } finally {
      t.cleanup();
    }
  },
};

function gs1(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = w === 3 ? 1 : 3) sum += Number(digits[i]) * w;
  return (10 - (sum % 10)) % 10;
}
