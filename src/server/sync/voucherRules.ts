import type { RejectReason } from '../../shared/sync/protocol';
import { campaignSchema, type Campaign } from '../../shared/voucher/manifest';
import { DEFAULT_CLOCK_SKEW_MS } from '../../trust/verifyVoucher';
import { toVoucherRecord, type VoucherRecord, type VoucherRow } from '../store/programStore';
import { inList, type Param, type SqlDriver } from '../store/sqlDriver';

/**
 * The program's rules for using a voucher, one implementation for batch intake (a redemption
 * record) and online authorization (a request judged as a probe record of the sale).
 */

/**
 * What a voucher's value allows in all. A voucher that was never re-issued has a budget of its
 * own; a re-issue chain (old card revoked, new card for what was left) shares the first
 * voucher's, so a late offline record on the old card and spending on the new one never add up
 * to more than the family was given.
 */
export interface Budget {
  faceValueFen: number;
  /** Spend accepted or held, net of voids, over the chain. */
  net: number;
  /** Redemptions accepted or held, not voided, over the chain. */
  live: number;
  members: string[];
}

export interface VoucherState {
  v: VoucherRecord;
  /** Spend on this voucher, net of voids, that was accepted or is held for review (a hold may yet be paid). */
  net: number;
  /** Redemptions of this voucher, accepted or held, not voided. */
  live: number;
  budget: Budget;
}

export interface Reservation {
  id: string;
  voucherId: string;
  amount: number;
  idemKey: string;
  deviceId: string;
  expiresAtMs: number;
  status: 'reserved' | 'captured' | 'released';
}

/** What the rules look at: a redemption record, or an authorization request as a probe record. */
export interface VoucherUse {
  voucherId: string;
  campaignId: number;
  kind: 'fixed' | 'balance';
  amountFen: number;
  forfeitedFen: number;
  time: string;
  categories: Record<string, unknown>;
  saleId: string;
  authorization: string;
  /**
   * When the newest manifest the till had fetched before this use was published (ms): every
   * revocation in it binds the use, whatever time the till claims (DESIGN.md §5).
   */
  knownAt?: number;
}

export interface VoucherContext {
  state: Map<string, VoucherState>;
  campaigns: Map<number, Campaign>;
  reservations: Map<string, Reservation[]>;
  /** Revoked issuer keys and when (ms). */
  revokedKeys: Map<number, number>;
  /** The reservation made for this very sale, if any. */
  ownReservation(u: VoucherUse): Reservation | null;
  /** Counts a redemption (sign 1) or a void (sign -1) that was accepted or held. */
  apply(voucherId: string, amountFen: number, sign: 1 | -1): void;
}

/**
 * Everything the rules need for these vouchers, read in a few set queries. The vouchers (with the
 * rest of their re-issue chains) are locked in one fixed order, so concurrent batches on
 * PostgreSQL serialise per voucher and cannot deadlock; then the state is kept in memory.
 */
export async function loadVoucherContext(t: SqlDriver, voucherIds: Iterable<string>, deviceId: string): Promise<VoucherContext> {
  const asked = [...new Set(voucherIds)].sort();
  const state = new Map<string, VoucherState>();
  const reservations = new Map<string, Reservation[]>();
  const lock = async (list: string[], withLineage: boolean) => {
    if (list.length === 0) return;
    const q = lockVouchers(t, list, withLineage);
    for (const row of await t.all<VoucherRow>(q.sql, q.params)) {
      const v = toVoucherRecord(row);
      state.set(v.voucherId, { v, net: 0, live: 0, budget: { faceValueFen: v.faceValueFen, net: 0, live: 0, members: [v.voucherId] } });
    }
  };
  if (asked.length <= LOCK_AT_ONCE) await lock(asked, true);
  else {
    // Many vouchers: their chains first, then every row locked in chunks of one global voucher-id order.
    const lineages = new Set<string>();
    for (const chunk of chunks(asked, 500)) {
      const ids = inList(t, 'voucher_id', chunk);
      for (const r of await t.all<{ lineage: string }>(
        `SELECT DISTINCT lineage FROM vouchers WHERE lineage IS NOT NULL AND ${ids.sql}`,
        ids.params,
      ))
        lineages.add(r.lineage);
    }
    const wanted = new Set(asked);
    for (const chunk of chunks([...lineages], 500)) {
      const ids = inList(t, 'lineage', chunk);
      for (const r of await t.all<{ voucher_id: string }>(`SELECT voucher_id FROM vouchers WHERE ${ids.sql}`, ids.params))
        wanted.add(r.voucher_id);
    }
    // Stryker disable next-line MethodExpression,BooleanLiteral: the global order only keeps concurrent PostgreSQL transactions from deadlocking (multi-process.test.ts), which SQLite, one writer, cannot show; expanding chains already expanded finds nothing more
    for (const chunk of chunks([...wanted].sort(), 500)) await lock(chunk, false);
  }

  // What each voucher has spent (accepted or held, net of voids; `live`: redemptions not voided) and
  // its holds still reserved, in one round trip a chunk.
  for (const chunk of chunks([...state.keys()], 500)) {
    const ids = inList(t, 'r.voucher_id', chunk);
    const held = inList(t, 'voucher_id', chunk);
    const rows = await t.all<{
      what: 'spend' | 'hold';
      voucher_id: string;
      amount: number | null;
      live: number | null;
      authorization_id: string | null;
      idem_key: string | null;
      device_id: string | null;
      expires_at: string | null;
    }>(
      `SELECT 'spend' AS what, r.voucher_id, SUM(CASE r.type WHEN 'redeem' THEN r.amount_fen ELSE -r.amount_fen END) AS amount,
              SUM(CASE WHEN r.type = 'redeem' AND NOT EXISTS (SELECT 1 FROM records x WHERE x.reverses = r.record_id AND x.status IN ('accepted', 'held')) THEN 1 ELSE 0 END) AS live,
              NULL AS authorization_id, NULL AS idem_key, NULL AS device_id, NULL AS expires_at
         FROM records r WHERE r.status IN ('accepted', 'held') AND ${ids.sql} GROUP BY r.voucher_id
       UNION ALL
       SELECT 'hold' AS what, voucher_id, amount_fen AS amount, NULL AS live, authorization_id, idem_key, device_id, expires_at
         FROM authorizations WHERE status = 'reserved' AND ${held.sql}`,
      [...ids.params, ...held.params],
    );
    for (const row of rows) {
      if (row.what === 'spend') {
        // Every row is of a voucher of this chunk, taken from `state`.
        const st = state.get(row.voucher_id)!;
        st.net = Number(row.amount ?? 0);
        st.live = Number(row.live);
        continue;
      }
      // Stryker disable next-line ArrayDeclaration: a stray element is no reserved hold, and every reader keeps only those
      const list = reservations.get(row.voucher_id) ?? [];
      list.push({
        id: row.authorization_id!,
        voucherId: row.voucher_id,
        amount: Number(row.amount),
        idemKey: row.idem_key!,
        deviceId: row.device_id!,
        expiresAtMs: Date.parse(row.expires_at!),
        status: 'reserved',
      });
      reservations.set(row.voucher_id, list);
    }
  }
  // Chains share one budget: the first voucher's value, everything spent on any of them.
  const budgets = new Map<string, Budget>();
  for (const st of state.values()) {
    if (!st.v.lineage) {
      st.budget.net = st.net;
      st.budget.live = st.live;
      continue;
    }
    const b = budgets.get(st.v.lineage) ?? { faceValueFen: 0, net: 0, live: 0, members: [] };
    b.net += st.net;
    b.live += st.live;
    b.members.push(st.v.voucherId);
    if (st.v.voucherId === st.v.lineage) b.faceValueFen = st.v.faceValueFen;
    budgets.set(st.v.lineage, b);
    st.budget = b;
  }

  // The campaigns and the revoked issuer keys in one round trip.
  const programRows = await t.all<{ what: 'campaign' | 'key'; id: number; body: string }>(
    `SELECT 'campaign' AS what, id, body FROM campaigns
     UNION ALL SELECT 'key' AS what, key_id AS id, revoked_at AS body FROM issuer_keys WHERE revoked_at IS NOT NULL`,
  );
  const campaigns = new Map(
    programRows
      .filter((r) => r.what === 'campaign')
      .map((c) => {
        const parsed = campaignSchema.parse(JSON.parse(c.body));
        return [parsed.id, parsed] as const;
      }),
  );
  const revokedKeys = new Map(programRows.filter((r) => r.what === 'key').map((k) => [Number(k.id), Date.parse(k.body)] as const));
  return {
    state,
    campaigns,
    reservations,
    revokedKeys,
    // Named on the record or, when the till never heard the approval and recorded the sale
    // offline, found by its idempotency key (sale and voucher).
    ownReservation: (u) =>
      // Stryker disable next-line ArrayDeclaration: a stray element is no reserved hold of this till
      (reservations.get(u.voucherId) ?? []).find(
        (h) =>
          // Stryker disable next-line ConditionalExpression: a hold this batch already captured, found again, is captured again and changes no verdict (intake stores captures before releases)
          h.status === 'reserved' &&
          h.deviceId === deviceId &&
          (u.authorization !== 'offline' ? h.id === u.authorization : h.idemKey === `${u.saleId}:${u.voucherId}`),
      ) ?? null,
    apply: (voucherId, amountFen, sign) => {
      const st = state.get(voucherId);
      if (!st) return;
      st.net += sign * amountFen;
      st.live += sign;
      st.budget.net += sign * amountFen;
      st.budget.live += sign;
    },
  };
}

/** Why this use of a voucher cannot be paid for, judged at the time of sale; null when it can. */
export function judgeVoucherUse(ctx: VoucherContext, u: VoucherUse, merchantId: string): RejectReason | null {
  const st = ctx.state.get(u.voucherId);
  if (!st || st.v.campaignId !== u.campaignId || st.v.kind !== u.kind) return 'unknown_voucher';
  const v = st.v;
  const sale = Date.parse(u.time);
  // A revocation the till had been told of applies even to a use it dates earlier.
  const revokedBy = Math.max(sale, u.knownAt ?? -Infinity);
  if ((ctx.revokedKeys.get(v.keyId) ?? Infinity) <= revokedBy) return 'key_revoked';
  if (v.revokedAt && Date.parse(v.revokedAt) <= revokedBy) return 'revoked';
  if (sale - DEFAULT_CLOCK_SKEW_MS > v.validUntil * 1000 || sale + DEFAULT_CLOCK_SKEW_MS < v.validFrom * 1000) return 'expired';
  const campaign = ctx.campaigns.get(v.campaignId);
  if (!campaign) return 'unknown_voucher';
  if (!campaign.merchants.includes('*') && !campaign.merchants.includes(merchantId)) return 'not_at_this_shop';
  if (Object.keys(u.categories).some((c) => !(campaign.eligibleCategories as readonly string[]).includes(c)))
    return 'category_not_eligible';
  const own = ctx.ownReservation(u);
  const othersOn = (ids: string[]) =>
    // Stryker disable next-line ArrayDeclaration: a stray element is no reserved hold, and only those are kept
    ids.flatMap((id) => ctx.reservations.get(id) ?? []).filter((h) => h.status === 'reserved' && h !== own && h.expiresAtMs > sale);
  const budgetHolds = othersOn(st.budget.members);
  if (v.kind === 'fixed') {
    if (st.budget.live > 0 || budgetHolds.length > 0) return 'double_spend';
    return u.amountFen + u.forfeitedFen > v.faceValueFen ? 'over_balance' : null;
  }
  const sum = (hs: Reservation[]) => hs.reduce((a, h) => a + h.amount, 0);
  if (st.net + sum(othersOn([v.voucherId])) + u.amountFen > v.faceValueFen) return 'over_balance';
  return st.budget.net + sum(budgetHolds) + u.amountFen > st.budget.faceValueFen ? 'over_balance' : null;
}

/**
 * The vouchers with these ids (with the rest of their re-issue chains when `withLineage`), locked
 * in one voucher-id order. On PostgreSQL every step is an index lookup by an array (the chain's
 * lineages, then their members), whatever the planner's statistics say: an `id IN (…) OR lineage
 * IN (…)`, or a UNION joined back to the table, was planned as a read of every voucher the program
 * ever issued (5 ms a batch at 12,000 vouchers). SQLite takes the OR of two indexed columns as two lookups.
 */
function lockVouchers(t: SqlDriver, list: string[], withLineage: boolean): { sql: string; params: Param[] } {
  const ids = inList(t, 'voucher_id', list);
  const params = withLineage ? [...ids.params, ...ids.params] : ids.params;
  if (t.dialect === 'postgres')
    // Stryker disable all: PostgreSQL's own statement: a mutation run uses SQLite (vitest.mutate.config.ts); every PostgreSQL store test of `npm test` runs it
    return {
      sql: `SELECT * FROM vouchers WHERE voucher_id = ANY(?::text[]${
        withLineage
          ? ` || ARRAY(SELECT voucher_id FROM vouchers WHERE lineage IS NOT NULL AND lineage = ANY(ARRAY(
                SELECT lineage FROM vouchers WHERE lineage IS NOT NULL AND ${ids.sql})))`
          : ''
      }) ORDER BY voucher_id FOR UPDATE`,
      params,
    };
  // Stryker restore all
  return {
    sql: `SELECT * FROM vouchers WHERE ${ids.sql}${
      withLineage ? ` OR lineage IN (SELECT lineage FROM vouchers WHERE lineage IS NOT NULL AND ${ids.sql})` : ''
    } ORDER BY voucher_id`,
    params,
  };
}

/** Vouchers (with their chains) locked by one statement; more are locked in chunks. */
const LOCK_AT_ONCE = 500;

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
