import type { Report, ReportGroup, ReportRow } from '../../shared/api/schemas/backoffice';
import type { Category } from '../../shared/domain/categories';
import { zoneOffsetMinutes } from '../../shared/domain/time';
import { translate } from '../../shared/i18n/translate';
import type { Locale } from '../../shared/i18n/locales';
import { maskVoucherId } from '../../shared/voucher/token';
import type { Db } from '../db/open';

export interface ReportDeps {
  db: Db;
  timeZone: () => string;
  campaignName: (id: number, locale: Locale) => string;
}

type Totals = Omit<ReportRow, 'key' | 'label'>;
const zero = (): Totals => ({ sales: 0, basketFen: 0, voucherFen: 0, otherTenderFen: 0, forfeitedFen: 0, quantity: 0 });

interface SaleRow {
  id: string;
  created_at: string;
  cashier_name: string;
  total_fen: number;
  voucher_paid_fen: number;
  other_tender_fen: number;
  forfeited_fen: number;
}

export interface JournalLine {
  seq: number;
  time: string;
  type: 'redeem' | 'reverse';
  saleId: string;
  voucher: string;
  campaignId: number;
  amountFen: number;
  forfeitedFen: number;
  authorization: string;
  state: 'pending' | 'accepted' | 'rejected' | 'paid';
  reason: string | null;
  statementId: string | null;
}

/**
 * The owner's reports: a period in the shop's calendar, grouped by day, week, month, campaign,
 * category, cashier or item. Voided sales are left out (their voids cancel them); the journal view
 * lists every record with what the program said of it. Computed from the till's own records.
 */
export class Reports {
  constructor(private readonly d: ReportDeps) {}

  report(fromIso: string, toIso: string, groupBy: ReportGroup, locale: Locale): Report {
    const rows = new Map<string, ReportRow>();
    const add = (key: string, label: string, t: Partial<Totals>) => {
      const row = rows.get(key) ?? { key, label, ...zero() };
      for (const [k, v] of Object.entries(t) as Array<[keyof Totals, number]>) row[k] += v;
      rows.set(key, row);
    };
    const totals = zero();
    const sales = this.d.db
      .prepare<[string, string], SaleRow>(
        `SELECT s.id, s.created_at, u.name AS cashier_name, s.total_fen, s.voucher_paid_fen, s.other_tender_fen, s.forfeited_fen
           FROM sales s JOIN users u ON u.id = s.cashier_id
          WHERE s.created_at >= ? AND s.created_at < ? AND s.voided_at IS NULL ORDER BY s.created_at`,
      )
      .all(fromIso, toIso);
    const money = (s: SaleRow): Partial<Totals> => ({
      sales: 1,
      basketFen: s.total_fen,
      voucherFen: s.voucher_paid_fen,
      otherTenderFen: s.other_tender_fen,
      forfeitedFen: s.forfeited_fen,
    });
    for (const s of sales) for (const [k, v] of Object.entries(money(s)) as Array<[keyof Totals, number]>) totals[k] += v;
    totals.quantity = this.quantity(fromIso, toIso);

    if (groupBy === 'day' || groupBy === 'week' || groupBy === 'month') {
      const local = localCalendar(this.d.timeZone());
      for (const s of sales) {
        const key = local(Date.parse(s.created_at), groupBy);
        add(key, key, money(s));
      }
    } else if (groupBy === 'cashier') {
      for (const s of sales) add(s.cashier_name, s.cashier_name, money(s));
    } else if (groupBy === 'item') {
      const lines = this.d.db
        .prepare<[string, string], { item_id: number; name: string; sales: number; quantity: number; amount: number; voucher: number }>(
          `SELECT l.item_id, l.name, count(DISTINCT l.sale_id) AS sales, SUM(l.quantity) AS quantity, SUM(l.amount_fen) AS amount, SUM(l.voucher_paid_fen) AS voucher
             FROM sale_lines l JOIN sales s ON s.id = l.sale_id
            WHERE s.created_at >= ? AND s.created_at < ? AND s.voided_at IS NULL
            GROUP BY l.item_id, l.name ORDER BY voucher DESC, amount DESC`,
        )
        .all(fromIso, toIso);
      for (const l of lines)
        add(`${l.item_id}:${l.name}`, l.name, { sales: l.sales, quantity: l.quantity, basketFen: l.amount, voucherFen: l.voucher });
    } else if (groupBy === 'campaign') {
      // What the vouchers paid, from the journal records of sales that stand, summed in SQLite.
      const rows = this.d.db
        .prepare<[string, string], { campaign_id: number; n: number; fen: number; forfeited: number }>(
          `SELECT j.campaign_id, count(*) AS n, SUM(j.amount_fen) AS fen, SUM(j.forfeited_fen) AS forfeited
             FROM sales s JOIN journal j ON j.sale_id = s.id AND j.type = 'redeem'
            WHERE s.created_at >= ? AND s.created_at < ? AND s.voided_at IS NULL
            GROUP BY j.campaign_id`,
        )
        .all(fromIso, toIso);
      for (const r of rows)
        add(String(r.campaign_id), this.d.campaignName(r.campaign_id, locale), {
          sales: r.n,
          voucherFen: r.fen,
          forfeitedFen: r.forfeited,
        });
    } else {
      const rows = this.d.db
        .prepare<[string, string], { category: string; n: number; fen: number; quantity: number }>(
          `SELECT c.key AS category, count(*) AS n, SUM(json_extract(c.value, '$.amountFen')) AS fen, SUM(json_extract(c.value, '$.quantity')) AS quantity
             FROM sales s JOIN journal j ON j.sale_id = s.id AND j.type = 'redeem', json_each(j.categories) c
            WHERE s.created_at >= ? AND s.created_at < ? AND s.voided_at IS NULL
            GROUP BY c.key`,
        )
        .all(fromIso, toIso);
      for (const r of rows)
        add(r.category, translate(locale, `category.${r.category as Category}`), { sales: r.n, voucherFen: r.fen, quantity: r.quantity });
    }
    return {
      from: fromIso,
      to: toIso,
      groupBy,
      rows: [...rows.values()].sort((a, b) =>
        groupBy === 'day' || groupBy === 'week' || groupBy === 'month' ? a.key.localeCompare(b.key) : b.voucherFen - a.voucherFen,
      ),
      totals,
    };
  }

  /** Every journal record of the period with its settlement state and the program's reason. */
  journal(fromIso: string, toIso: string): JournalLine[] {
    return this.d.db
      .prepare<
        [string, string],
        {
          seq: number;
          time: string;
          type: 'redeem' | 'reverse';
          sale_id: string;
          voucher_id: string;
          holder_tag: string | null;
          campaign_id: number;
          amount_fen: number;
          forfeited_fen: number;
          authorization: string;
          state: JournalLine['state'];
          reason: string | null;
          statement_id: string | null;
        }
      >(
        `SELECT j.seq, j.time, j.type, j.sale_id, j.voucher_id, j.campaign_id, j.amount_fen, j.forfeited_fen, j.authorization,
                CASE WHEN rs.record_id IS NULL THEN 'pending' WHEN rs.status = 'rejected' THEN 'rejected'
                     WHEN st.status = 'paid' THEN 'paid' ELSE 'accepted' END AS state,
                rs.reason, rs.statement_id
           FROM journal j LEFT JOIN record_status rs ON rs.record_id = j.id LEFT JOIN statements st ON st.statement_id = rs.statement_id
          WHERE j.time >= ? AND j.time < ? ORDER BY j.seq`,
      )
      .all(fromIso, toIso)
      .map((r) => ({
        seq: r.seq,
        time: r.time,
        type: r.type,
        saleId: r.sale_id,
        voucher: /^0+$/.test(r.voucher_id) ? '' : maskVoucherId(r.voucher_id),
        campaignId: r.campaign_id,
        amountFen: r.amount_fen,
        forfeitedFen: r.forfeited_fen,
        authorization: r.authorization,
        state: r.state,
        reason: r.reason,
        statementId: r.statement_id,
      }));
  }

  private quantity(fromIso: string, toIso: string): number {
    return (
      (this.d.db
        .prepare<[string, string], { q: number | null }>(
          `SELECT SUM(l.quantity) AS q FROM sale_lines l JOIN sales s ON s.id = l.sale_id
              WHERE s.created_at >= ? AND s.created_at < ? AND s.voided_at IS NULL`,
        )
        .get(fromIso, toIso)?.q ??
        0) ||
      0
    );
  }
}

/**
 * Day, ISO week (its Monday) or month of an instant in the shop's zone. The zone's offset is
 * looked up once per hour of time (Intl is slow; a month of sales has thousands of rows).
 */
export function localCalendar(timeZone: string): (ms: number, unit: 'day' | 'week' | 'month') => string {
  const offsets = new Map<number, number>();
  return (ms, unit) => {
    const hour = Math.floor(ms / 3_600_000);
    let off = offsets.get(hour);
    if (off === undefined) offsets.set(hour, (off = zoneOffsetMinutes(hour * 3_600_000, timeZone)));
    const d = new Date(ms + off * 60_000);
    if (unit === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    const iso = d.toISOString();
    return unit === 'month' ? iso.slice(0, 7) : iso.slice(0, 10);
  };
}
