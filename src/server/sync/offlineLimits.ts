import type { JournalRecord, RejectReason } from '../../shared/sync/protocol';
import type { Campaign } from '../../shared/voucher/manifest';
import { DEFAULT_CLOCK_SKEW_MS } from '../../trust/verifyVoucher';
import { inList, type SqlDriver } from '../store/sqlDriver';
import { CONTACT_GRAIN_MS } from './contacts';
import type { Reservation, VoucherContext } from './voucherRules';

/**
 * The campaign's offline limits (DESIGN.md §5), re-checked by the program for records the till
 * marked `offline`, with the till's own formulas:
 *   - per voucher: what one voucher spent offline at this till, net of voids, never above
 *     `perVoucherFen` (a fixed voucher counts at its face value);
 *   - per till: what the till redeemed offline in a campaign since its last contact with the
 *     program, net of voids, never above `perDeviceTotalFen`;
 *   - hours: never more than `maxHoursOffline` since the last contact.
 * The till knows its contacts exactly; the program knows them by its own clock (device_contacts).
 * Where the two could disagree (the till's clock skew, a contact stored once a minute, a reply in
 * flight) the program gives the till the benefit of the doubt: it counts only what certainly lies in
 * the till's window, so an honest till is never refused, and a till that ignores its limits is.
 */
export const UNCERTAINTY_MS = DEFAULT_CLOCK_SKEW_MS + CONTACT_GRAIN_MS + 60_000;

/** Records that count towards what a till spent offline: its own, in range, voids only when they match. */
const COUNTED = "NOT (status = 'rejected' AND reason IN ('out_of_range', 'bad_reversal'))";

interface Entry {
  campaignId: number;
  sign: 1 | -1;
  amountFen: number;
  timeMs: number;
}

export interface OfflineHistory {
  /** What each voucher of the batch spent offline at this till before it, net of voids. */
  perVoucher: Map<string, number>;
  /** Earlier offline records of this till that may share a window with the batch's. */
  earlier: Entry[];
  /** The till's contacts with the program (ms, ascending) around the batch's records. */
  contacts: number[];
}

const isOfflineSpend = (r: JournalRecord) => r.type === 'redeem' && r.authorization === 'offline' && r.amountFen > 0;

/**
 * The batch as the offline limits see it. A redemption counts as authorized online only while its
 * own hold lives (RESERVATION_MS): one whose hold had ended when it arrived, or that names a hold
 * not its own (or one another record of the batch took), is judged as an offline redemption,
 * within the campaign's limits, and held for review if it arrives later than the offline window.
 */
export function offlineView(
  records: JournalRecord[],
  ctx: Pick<VoucherContext, 'ownReservation'>,
  nowMs: number,
): { records: JournalRecord[]; original: (r: JournalRecord) => JournalRecord; offline: Set<JournalRecord> } {
  const taken = new Set<Reservation>();
  const originals = new Map<JournalRecord, JournalRecord>();
  const offline = new Set<JournalRecord>();
  const view = records.map((r) => {
    if (r.type !== 'redeem') return r;
    if (r.authorization === 'offline') {
      offline.add(r);
      return r;
    }
    const own = ctx.ownReservation(r);
    if (own && own.expiresAtMs >= nowMs && !taken.has(own)) {
      taken.add(own);
      return r;
    }
    const v = { ...r, authorization: 'offline' };
    originals.set(v, r);
    offline.add(r);
    return v;
  });
  return { records: view, original: (v) => originals.get(v) ?? v, offline };
}

/** Reads what judging the batch's offline records needs; null when it has none. A few set queries. */
export async function loadOfflineHistory(t: SqlDriver, deviceId: string, records: JournalRecord[]): Promise<OfflineHistory | null> {
  const offline = records.filter(isOfflineSpend);
  if (offline.length === 0) return null;
  // Every time here parses: the batch schema admits only ISO instants, and stored records passed it.
  const times = offline.map((r) => Date.parse(r.time));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const iso = (ms: number) => new Date(Math.max(0, Math.min(ms, 8.64e15))).toISOString();
  // The latest contact at or before the first record's window, and every one after it up to the last
  // record's (in order: windows are found by binary search); with them, in the same round trip, what
  // each voucher of the batch spent offline here. One query whatever the batch: at most
  // MAX_BATCH_RECORDS vouchers, within SQLite's limit on parameters (PostgreSQL takes one array);
  // the sums selected by voucher only, so the voucher index is used.
  const vouchers = inList(t, 'voucher_id', [...new Set(offline.map((r) => r.voucherId))]);
  const rows = await t.all<{ what: 'contact' | 'voucher'; a: string; net: number | null }>(
    `SELECT 'contact' AS what, at AS a, NULL AS net FROM device_contacts WHERE device_id = ? AND at < ?
        AND at >= COALESCE((SELECT MAX(at) FROM device_contacts WHERE device_id = ? AND at <= ?), '')
     UNION ALL
     SELECT 'voucher' AS what, voucher_id AS a,
            SUM(CASE WHEN device_id = ? AND auth_ref = 'offline' AND ${COUNTED}
                     THEN (CASE type WHEN 'redeem' THEN amount_fen ELSE -amount_fen END) ELSE 0 END) AS net
       FROM records WHERE ${vouchers.sql} GROUP BY voucher_id
     ORDER BY what, a`,
    [deviceId, iso(last + UNCERTAINTY_MS), deviceId, iso(first - UNCERTAINTY_MS), deviceId, ...vouchers.params],
  );
  const contacts: number[] = [];
  const perVoucher = new Map<string, number>();
  for (const row of rows)
    if (row.what === 'contact') contacts.push(Date.parse(row.a));
    else perVoucher.set(row.a, Number(row.net ?? 0));

  // Only earlier records that can fall in some batch record's window: spending from the earliest
  // window start on, voids from the earliest lower bound on.
  const windows = times.map((ms) => window(contacts, ms));
  const spendFrom = Math.min(...windows.map((w) => w.spendFrom));
  const voidsFrom = Math.min(...windows.map((w) => w.voidsFrom));
  const from = (ms: number) => (Number.isFinite(ms) ? iso(ms - 1000) : '');
  const earlierRows = await t.all<{ campaign_id: number; type: string; amount_fen: number; time: string }>(
    `SELECT campaign_id, type, amount_fen, time FROM records
      WHERE device_id = ? AND auth_ref = 'offline' AND ((type = 'redeem' AND time >= ?) OR (type = 'reverse' AND time >= ?)) AND ${COUNTED}`,
    [deviceId, from(spendFrom), from(voidsFrom)],
  );
  return {
    perVoucher,
    contacts,
    earlier: earlierRows.map((r) => ({
      campaignId: Number(r.campaign_id),
      sign: r.type === 'redeem' ? 1 : -1,
      amountFen: Number(r.amount_fen),
      timeMs: Date.parse(r.time),
    })),
  };
}

/**
 * A record's offline window, as far as the program can tell. `lastContact`: the latest contact
 * that may have come before the sale. Spending counts from just after it (`spendFrom`, the
 * latest the till's window can start); voids count from the earliest it can start (`voidsFrom`).
 */
function window(contacts: number[], saleMs: number): { lastContact: number | null; spendFrom: number; voidsFrom: number } {
  const mayBeBefore = latestBelow(contacts, saleMs + UNCERTAINTY_MS, false);
  const surelyBefore = latestBelow(contacts, saleMs - UNCERTAINTY_MS, true);
  return {
    lastContact: mayBeBefore,
    // Stryker disable next-line ConditionalExpression: null ± the uncertainty is an instant of 1970, before any record, so it counts all as -Infinity does
    spendFrom: mayBeBefore === null ? -Infinity : mayBeBefore + UNCERTAINTY_MS,
    // Stryker disable next-line ConditionalExpression: as above
    voidsFrom: surelyBefore === null ? -Infinity : surelyBefore - UNCERTAINTY_MS,
  };
}

/**
 * Judges the batch's offline redemptions against their campaigns' limits. Every record of the
 * till counts towards later ones, as it did on the till, whatever else is wrong with it, except
 * one that is out of range or a void that matches no redemption (`counts` says which).
 */
export function judgeOfflineLimits(
  records: JournalRecord[],
  history: OfflineHistory,
  campaigns: ReadonlyMap<number, Campaign>,
  faceValueOf: (voucherId: string) => number | undefined,
  counts: (r: JournalRecord) => boolean,
): Map<JournalRecord, RejectReason> {
  const verdicts = new Map<JournalRecord, RejectReason>();
  const perVoucher = new Map(history.perVoucher);
  const sums = new Map<number, { spend: SumFromTime; voids: SumFromTime }>();
  const sumsOf = (c: number) => {
    let s = sums.get(c);
    if (!s) {
      const earlier = history.earlier.filter((e) => e.campaignId === c);
      const times = [
        ...earlier.map((e) => e.timeMs),
        // Every time of the batch: only the campaign's offline records are added, and a time never added costs nothing.
        ...records.map((r) => Date.parse(r.time)),
      ];
      s = { spend: new SumFromTime(times), voids: new SumFromTime(times) };
      for (const e of earlier) (e.sign === 1 ? s.spend : s.voids).add(e.timeMs, e.amountFen);
      sums.set(c, s);
    }
    return s;
  };

  for (const r of records) {
    const campaign = campaigns.get(r.campaignId);
    if (!campaign || r.authorization !== 'offline') continue;
    const saleMs = Date.parse(r.time);
    const s = sumsOf(r.campaignId);
    if (isOfflineSpend(r) && counts(r)) {
      const w = window(history.contacts, saleMs);
      const limits = campaign.offline;
      const voucherSpent = perVoucher.get(r.voucherId) ?? 0;
      const needs = r.kind === 'fixed' ? (faceValueOf(r.voucherId) ?? r.amountFen + r.forfeitedFen) : r.amountFen;
      const exposure = r.amountFen + s.spend.atLeast(w.spendFrom) - s.voids.atLeast(w.voidsFrom);
      if (w.lastContact !== null && saleMs - (w.lastContact + UNCERTAINTY_MS) > limits.maxHoursOffline * 3_600_000)
        verdicts.set(r, 'offline_too_long');
      else if (voucherSpent + needs > limits.perVoucherFen) verdicts.set(r, 'offline_limit_voucher');
      else if (exposure > limits.perDeviceTotalFen) verdicts.set(r, 'offline_limit_device');
    }
    if (!counts(r)) continue;
    const sign = r.type === 'redeem' ? 1 : -1;
    perVoucher.set(r.voucherId, (perVoucher.get(r.voucherId) ?? 0) + sign * r.amountFen);
    (sign === 1 ? s.spend : s.voids).add(saleMs, r.amountFen);
  }
  return verdicts;
}

function latestBelow(sorted: number[], limit: number, inclusive: boolean): number | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (inclusive ? sorted[mid]! <= limit : sorted[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: sorted[-1] is undefined, which every caller then treats as no contact, as it treats null
  return lo > 0 ? sorted[lo - 1]! : null;
}

/** Sums of amounts added at given times, for "everything at or after t" (a Fenwick tree over the times). */
class SumFromTime {
  private readonly times: number[];
  private readonly tree: Float64Array;
  constructor(times: number[]) {
    this.times = [...new Set(times)].sort((a, b) => a - b);
    this.tree = new Float64Array(this.times.length + 1);
  }
  /** `time` is one of the times given to the constructor. */
  add(time: number, amount: number): void {
    // Stryker disable next-line EqualityOperator: a typed array ignores a write past its end
    for (let i = this.firstAtLeast(time) + 1; i < this.tree.length; i += i & -i) this.tree[i]! += amount;
  }
  atLeast(time: number): number {
    return this.prefix(this.times.length) - this.prefix(this.firstAtLeast(time));
  }
  private prefix(n: number): number {
    let s = 0;
    for (let i = n; i > 0; i -= i & -i) s += this.tree[i]!;
    return s;
  }
  private firstAtLeast(time: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
