import crypto from 'node:crypto';
import { createServices, type Services } from '../src/core/services';
import { GENESIS_HASH, hashRecord } from '../src/trust/chain';
import { seedTill } from '../tests/helpers/seed';
import { tempDir } from '../tests/helpers/tmp';
import { median, round, type Bench } from './harness';

const DAY_MS = 86_400_000;

/**
 * A busy shop's history written straight into the till's tables (sales, lines, a real hash chain),
 * `days` × `perDay` sales ending now: committing 100,000 sales one by one would take minutes and
 * measure the commit, which the checkout bench already does.
 */
export function fillHistory(s: Services, days: number, perDay: number, endMs: number): void {
  const deviceId = (s.db.prepare('SELECT install_id FROM device').get() as { install_id: string }).install_id;
  const cashierId = (s.db.prepare("SELECT id FROM users WHERE role = 'cashier' LIMIT 1").get() as { id: number }).id;
  const items = s.db
    .prepare<[], { id: number; name: string; category: string; price_fen: number; unit: string }>(
      'SELECT id, name, category, price_fen, unit FROM items LIMIT 20',
    )
    .all();
  const sale = s.db.prepare(
    'INSERT INTO sales (id, created_at, cashier_id, total_fen, voucher_paid_fen, other_tender_fen, forfeited_fen, tender_type) VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
  );
  const line = s.db.prepare(
    "INSERT INTO sale_lines (sale_id, line_no, item_id, name, category, unit, unit_price_fen, quantity, amount_fen, voucher_paid_fen, eligibility) VALUES (?, 1, ?, ?, ?, ?, ?, 1, ?, ?, 'eligible')",
  );
  const journal = s.db.prepare(
    `INSERT INTO journal (seq, id, device_id, type, time, cashier_id, sale_id, voucher_id, campaign_id, kind, amount_fen, forfeited_fen, categories, other_tender_fen, authorization, reverses, prev_hash, hash)
     VALUES (@seq, @id, @deviceId, @type, @time, @cashierId, @saleId, @voucherId, @campaignId, @kind, @amountFen, @forfeitedFen, @categories, @otherTenderFen, @authorization, @reverses, @prevHash, @hash)`,
  );
  let prev = GENESIS_HASH;
  let seq = 0;
  const start = endMs - days * DAY_MS;
  s.db.transaction(() => {
    for (let d = 0; d < days; d++) {
      for (let i = 0; i < perDay; i++) {
        const item = items[(d * perDay + i) % items.length]!;
        const time = new Date(start + d * DAY_MS + Math.floor(((i + 0.5) / perDay) * 12 * 3_600_000) + 8 * 3_600_000).toISOString();
        const saleId = crypto.randomUUID();
        const voucherFen = Math.min(item.price_fen, 5000);
        const other = item.price_fen - voucherFen;
        sale.run(saleId, time, cashierId, item.price_fen, voucherFen, other, i % 3 === 0 ? 'wechat' : 'cash');
        line.run(saleId, item.id, item.name, item.category, item.unit, item.price_fen, item.price_fen, voucherFen);
        const base = {
          seq: ++seq,
          id: crypto.randomUUID(),
          deviceId,
          type: 'redeem' as const,
          time,
          cashierId,
          saleId,
          voucherId: crypto.randomBytes(16).toString('hex'),
          campaignId: 1,
          kind: 'fixed' as const,
          amountFen: voucherFen,
          forfeitedFen: 0,
          categories: { [item.category]: { amountFen: voucherFen, quantity: 1 } },
          otherTenderFen: other,
          authorization: 'offline',
          reverses: null,
          prevHash: prev,
        };
        const hash = hashRecord(base);
        journal.run({ ...base, categories: JSON.stringify(base.categories), hash });
        prev = hash;
      }
    }
  })();
}

/** Back office: a day's Z-report, a month's report by category, a backup of 100,000 sales. */
export const backofficeBench: Bench = {
  name: 'backoffice',
  async run() {
    const t = tempDir('caretill-bench-');
    try {
      const now = Date.now();
      const s = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'bench' }, { backgroundJobs: false });
      seedTill(s);
      fillHistory(s, 50, 2000, now); // 100,000 sales: 50 days up to today
      // z_report_ms: a day of 2,000 sales in one shift
      const dayDir = tempDir('caretill-bench-');
      const day = createServices({ dataDir: dayDir.dir, host: 'direct', appVersion: 'bench' }, { backgroundJobs: false });
      const daySeed = seedTill(day);
      fillHistory(day, 1, 2000, now);
      const dayOwner = day.users.login(daySeed.owner.id, '1234');
      const z0 = performance.now();
      const z = day.shifts.close(dayOwner, 0, true);
      const zMs = performance.now() - z0;
      if (z.sales.count !== 2000) throw new Error(`z-report counted ${z.sales.count} sales`);
      day.close();
      dayDir.cleanup();

      // report_month_ms: 30 days × 2,000 sales by category
      const from = new Date(now - 31 * DAY_MS).toISOString();
      const to = new Date(now).toISOString();
      const reportMs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const r = s.reports.report(from, to, 'category', 'zh-CN');
        reportMs.push(performance.now() - t0);
        if (r.totals.sales < 60_000) throw new Error(`report counted ${r.totals.sales} sales`);
      }

      // backup_100k_sales_s: online backup + verification (integrity check, whole chain)
      const b0 = performance.now();
      const info = await s.backups.backupNow('bench');
      const backupS = (performance.now() - b0) / 1000;
      if (!info.verified || info.headSeq !== 100_000) throw new Error('backup did not verify');
      s.close();
      return [
        { name: 'z_report_ms', value: round(zMs, 1), unit: 'ms', target: '≤ 200 (2,000 sales)' },
        { name: 'report_month_ms', value: round(median(reportMs), 1), unit: 'ms', target: '≤ 500 (60,000 sales)' },
        { name: 'backup_100k_sales_s', value: round(backupS, 2), unit: 's', target: '≤ 5' },
      ];
    } finally {
      t.cleanup();
    }
  },
};
