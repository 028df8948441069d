import type { SqlDriver } from '../store/sqlDriver';

/** What a voucher has paid across every shop, as the program knows it: accepted records, net of accepted voids. */
export async function acceptedSpend(t: SqlDriver, voucherId: string): Promise<{ net: number; liveRedemptions: number }> {
  const net = await t.get<{ n: number | null }>("SELECT SUM(CASE type WHEN 'redeem' THEN amount_fen ELSE -amount_fen END) AS n FROM records WHERE voucher_id = ? AND status = 'accepted'", [voucherId]);
  const live = await t.get<{ n: number }>(
    `SELECT count(*) AS n FROM records r WHERE r.voucher_id = ? AND r.type = 'redeem' AND r.status = 'accepted'
       AND NOT EXISTS (SELECT 1 FROM records x WHERE x.reverses = r.record_id AND x.status = 'accepted')`,
    [voucherId],
  );
  return { net: Number(net?.n ?? 0), liveRedemptions: Number(live?.n ?? 0) };
}

/** Amounts reserved online for a voucher and not yet captured or released, other than `except`. */
export async function reservedElsewhere(t: SqlDriver, voucherId: string, nowIso: string, except: string | null): Promise<{ sum: number; count: number }> {
  const r = await t.get<{ s: number | null; c: number }>(
    "SELECT SUM(amount_fen) AS s, count(*) AS c FROM authorizations WHERE voucher_id = ? AND status = 'reserved' AND expires_at > ? AND authorization_id <> ?",
    [voucherId, nowIso, except ?? ''],
  );
  return { sum: Number(r?.s ?? 0), count: Number(r?.c ?? 0) };
}

/** Serialises work on one voucher across devices (PostgreSQL row lock; SQLite already has one writer). */
export async function lockVoucher(t: SqlDriver, voucherId: string): Promise<void> {
  await t.get(`SELECT voucher_id FROM vouchers WHERE voucher_id = ?${t.forUpdate}`, [voucherId]);
}
