import type { Dashboard } from '../../shared/api/schemas/backoffice';
import { startOfShopDay, zoneOffsetMinutes } from '../../shared/domain/time';
import type { Db } from '../db/open';
import { settlementView } from '../sync/settlementView';

const DAY_MS = 86_400_000;

/**
 * The owner's first screen: today against the same weekday last week, today's sales by hour, and
 * the settlement backlog. A few indexed queries over one day of sales: it opens at once.
 */
export function dashboard(db: Db, nowMs: number, timeZone: string): Dashboard {
  const dayStart = startOfShopDay(nowMs, timeZone);
  const day = (startMs: number) => {
    const from = new Date(startMs).toISOString();
    const to = new Date(startMs + DAY_MS).toISOString();
    const s = db
      .prepare<[string, string], { n: number; basket: number | null; voucher: number | null }>(
        `SELECT count(*) AS n, SUM(total_fen) AS basket, SUM(voucher_paid_fen) AS voucher FROM sales
          WHERE created_at >= ? AND created_at < ? AND voided_at IS NULL`,
      )
      .get(from, to)!;
    const vouchers = db
      .prepare<[string, string], { n: number }>(
        `SELECT count(*) AS n FROM journal j JOIN sales s ON s.id = j.sale_id
          WHERE j.type = 'redeem' AND s.created_at >= ? AND s.created_at < ? AND s.voided_at IS NULL`,
      )
      .get(from, to)!.n;
    return { salesFen: s.basket ?? 0, voucherFen: s.voucher ?? 0, vouchers, customers: s.n };
  };
  const offset = zoneOffsetMinutes(nowMs, timeZone) * 60_000;
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, salesFen: 0, voucherFen: 0 }));
  const rows = db
    .prepare<[string, string], { created_at: string; total_fen: number; voucher_paid_fen: number }>(
      'SELECT created_at, total_fen, voucher_paid_fen FROM sales WHERE created_at >= ? AND created_at < ? AND voided_at IS NULL',
    )
    .all(new Date(dayStart).toISOString(), new Date(dayStart + DAY_MS).toISOString());
  for (const r of rows) {
    const hour = new Date(Date.parse(r.created_at) + offset).getUTCHours();
    byHour[hour]!.salesFen += r.total_fen;
    byHour[hour]!.voucherFen += r.voucher_paid_fen;
  }
  const settle = settlementView(db);
  const monthStart = new Date(new Date(nowMs + offset).toISOString().slice(0, 8) + '01T00:00:00Z').getTime() - offset;
  const paidThisMonth = db
    .prepare<[string], { total: number | null }>("SELECT SUM(total_fen) AS total FROM statements WHERE status = 'paid' AND paid_at >= ?")
    .get(new Date(monthStart).toISOString())!.total;
  return {
    today: day(dayStart),
    sameDayLastWeek: day(startOfShopDay(dayStart - 7 * DAY_MS + 12 * 3_600_000, timeZone)),
    byHour,
    settlement: { pendingFen: settle.totals.pendingFen, rejectedToActOn: settle.counts.rejected, paidThisMonthFen: paidThisMonth ?? 0 },
  };
}
