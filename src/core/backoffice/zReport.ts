import { zReportSchema, type ZReport } from '../../shared/api/schemas/backoffice';
import type { Db } from '../db/open';
import { GENESIS_HASH } from '../../trust/chain';

export interface ShiftRange {
  number: number;
  openedAt: string;
  closedAt: string;
  openedBy: string;
  closedBy: string;
  openingFloatFen: number;
  countedCashFen: number;
  fromSeq: number;
  toSeq: number;
}

type Row = Record<string, number | string | null>;

/**
 * The Z-report of one shift, computed from the journal range the shift owns (fromSeq..toSeq) and
 * the sales those records belong to. Ranges of consecutive shifts are contiguous, so every fen of
 * the journal is in exactly one Z-report. Amounts are net: a void in this shift counts here, even
 * for a sale made in an earlier one (the money went back across this drawer).
 */
export function computeZReport(db: Db, r: ShiftRange, campaignName: (id: number) => string): ZReport {
  const range = [r.fromSeq, r.toSeq] as const;
  const all = <T extends Row>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
  const one = <T extends Row>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;

  // Sales of this shift: those whose redemptions are in its range.
  const salesSql = `SELECT * FROM sales WHERE id IN (SELECT sale_id FROM journal WHERE type = 'redeem' AND seq BETWEEN ? AND ?)`;
  const sales = all<{
    id: string;
    total_fen: number;
    voucher_paid_fen: number;
    other_tender_fen: number;
    forfeited_fen: number;
    tender_type: string;
    cashier_id: number;
  }>(salesSql, ...range);
  // Voids of this shift: the sales whose reversals are in its range.
  const voided = all<{ id: string; voucher_paid_fen: number; other_tender_fen: number; tender_type: string }>(
    `SELECT * FROM sales WHERE id IN (SELECT sale_id FROM journal WHERE type = 'reverse' AND seq BETWEEN ? AND ?)`,
    ...range,
  );
  const records = all<{ type: string; campaign_id: number; amount_fen: number; categories: string }>(
    'SELECT type, campaign_id, amount_fen, categories FROM journal WHERE seq BETWEEN ? AND ? ORDER BY seq',
    ...range,
  );
  const byCampaign = new Map<number, { fen: number; count: number }>();
  const byCategory: Record<string, number> = {};
  for (const rec of records) {
    const sign = rec.type === 'redeem' ? 1 : -1;
    const c = byCampaign.get(rec.campaign_id) ?? { fen: 0, count: 0 };
    c.fen += sign * rec.amount_fen;
    c.count += sign;
    byCampaign.set(rec.campaign_id, c);
    for (const [cat, v] of Object.entries(JSON.parse(rec.categories) as Record<string, { amountFen: number }>)) {
      byCategory[cat] = (byCategory[cat] ?? 0) + sign * v.amountFen;
    }
  }
  const otherByType: Record<string, number> = {};
  for (const s of sales) otherByType[s.tender_type] = (otherByType[s.tender_type] ?? 0) + s.other_tender_fen;
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);
  const cashSales = sum(
    sales.filter((s) => s.tender_type === 'cash'),
    (s) => s.other_tender_fen,
  );
  const cashRefunds = sum(
    voided.filter((s) => s.tender_type === 'cash'),
    (s) => s.other_tender_fen,
  );
  const expected = r.openingFloatFen + cashSales - cashRefunds;
  const cashiers = all<{ name: string }>(
    `SELECT DISTINCT u.name FROM journal j JOIN users u ON u.id = j.cashier_id WHERE j.seq BETWEEN ? AND ? ORDER BY u.name`,
    ...range,
  ).map((x) => x.name);
  const head = r.toSeq > 0 ? one<{ hash: string }>('SELECT hash FROM journal WHERE seq = ?', r.toSeq) : null;
  const states = all<{ state: string; n: number }>(
    `SELECT CASE WHEN s.record_id IS NULL THEN 'pending' WHEN s.status = 'rejected' THEN 'rejected'
                 WHEN st.status = 'paid' THEN 'paid' ELSE 'accepted' END AS state, count(*) AS n
       FROM journal j LEFT JOIN record_status s ON s.record_id = j.id LEFT JOIN statements st ON st.statement_id = s.statement_id
      WHERE j.seq BETWEEN ? AND ? GROUP BY state`,
    ...range,
  );
  const state = (k: string) => states.find((x) => x.state === k)?.n ?? 0;
  const batches = all<{ batch_id: string; from_seq: number; to_seq: number; done_at: string | null }>(
    'SELECT batch_id, from_seq, to_seq, done_at FROM outbox_batches WHERE to_seq >= ? AND from_seq <= ? ORDER BY from_seq',
    ...range,
  );
  return {
    number: r.number,
    openedAt: r.openedAt,
    closedAt: r.closedAt,
    openedBy: r.openedBy,
    closedBy: r.closedBy,
    cashiers,
    sales: {
      count: sales.length,
      basketFen: sum(sales, (s) => s.total_fen),
      voucherFen: sum(sales, (s) => s.voucher_paid_fen),
      otherTenderFen: sum(sales, (s) => s.other_tender_fen),
      forfeitedFen: sum(sales, (s) => s.forfeited_fen),
    },
    voids: {
      count: voided.length,
      voucherFen: sum(voided, (s) => s.voucher_paid_fen),
      otherTenderFen: sum(voided, (s) => s.other_tender_fen),
    },
    voucherByCampaign: [...byCampaign.entries()]
      .sort(([a], [b]) => a - b)
      .map(([campaignId, v]) => ({ campaignId, name: campaignName(campaignId), fen: v.fen, count: v.count })),
    voucherByCategory: byCategory,
    otherTenderByType: otherByType,
    cash: {
      openingFloatFen: r.openingFloatFen,
      salesFen: cashSales,
      refundsFen: cashRefunds,
      expectedFen: expected,
      countedFen: r.countedCashFen,
      differenceFen: r.countedCashFen - expected,
    },
    journal: { fromSeq: r.fromSeq, toSeq: r.toSeq, records: records.length, headHash: head?.hash ?? GENESIS_HASH },
    settlement: { pending: state('pending'), accepted: state('accepted'), rejected: state('rejected'), paid: state('paid') },
    batches: batches.map((b) => ({ batchId: b.batch_id, fromSeq: b.from_seq, toSeq: b.to_seq, done: b.done_at !== null })),
  };
}

/** A closed shift's Z-report as frozen at close (a query: printing and the screens read it). */
export function readZReport(db: Db, number: number): ZReport | null {
  const row = db
    .prepare<[number], { report: string | null }>('SELECT report FROM shifts WHERE id = ? AND closed_at IS NOT NULL')
    .get(number);
  return row?.report ? zReportSchema.parse(JSON.parse(row.report)) : null;
}
