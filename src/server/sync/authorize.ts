import crypto from 'node:crypto';
import { DEFAULT_CLOCK_SKEW_MS } from '../../core/vouchers/verifyVoucher';
import type { AuthorizeRequest, AuthorizeResponse, RejectReason } from '../../shared/sync/protocol';
import type { ProgramStore } from '../store/programStore';
import { acceptedSpend, lockVoucher, reservedElsewhere } from './usage';

/** A reservation holds for two days; the record that captures it normally arrives within minutes. */
export const RESERVATION_MS = 48 * 3_600_000;

/**
 * Online authorization: reserve `amountFen` of a voucher for one till's sale so that a balance
 * voucher cannot be overspent across shops and a fixed voucher cannot be used twice. Idempotent on
 * the key: the same request again gets the same answer, approved or declined.
 */
export async function authorize(store: ProgramStore, deviceId: string, req: AuthorizeRequest, now = new Date()): Promise<AuthorizeResponse> {
  return store.sql.tx(async (t) => {
    const prior = await t.get<{ authorization_id: string; device_id: string; status: string; reason: RejectReason | null; amount_fen: number }>('SELECT * FROM authorizations WHERE idem_key = ?', [req.idempotencyKey]);
    if (prior && prior.device_id === deviceId) {
      return prior.status === 'declined' ? { status: 'declined', reason: prior.reason ?? 'unknown_voucher' } : { status: 'approved', authorizationId: prior.authorization_id, approvedFen: Number(prior.amount_fen) };
    }
    await lockVoucher(t, req.voucherId);
    // A request that arrives late, after the till already recorded this sale (offline) and
    // uploaded it: the sale has consumed what it asks for, so it must not hold anything now.
    const saleId = req.idempotencyKey.slice(0, Math.max(0, req.idempotencyKey.lastIndexOf(':')));
    const recorded = await t.get('SELECT 1 AS x FROM records WHERE device_id = ? AND sale_id = ? AND voucher_id = ?', [deviceId, saleId, req.voucherId]);
    const reason = recorded ? null : await declineReason(store, t, deviceId, req, now);
    const id = crypto.randomUUID();
    const nowIso = now.toISOString();
    await t.run('INSERT INTO authorizations (authorization_id, idem_key, device_id, voucher_id, amount_fen, status, reason, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      id,
      prior ? `${req.idempotencyKey}#${deviceId}` : req.idempotencyKey,
      deviceId,
      req.voucherId,
      req.amountFen,
      reason ? 'declined' : recorded ? 'captured' : 'reserved',
      reason,
      nowIso,
      new Date(now.getTime() + RESERVATION_MS).toISOString(),
    ]);
    return reason ? { status: 'declined', reason } : { status: 'approved', authorizationId: id, approvedFen: req.amountFen };
  });
}

async function declineReason(store: ProgramStore, t: Parameters<typeof lockVoucher>[0], deviceId: string, req: AuthorizeRequest, now: Date): Promise<RejectReason | null> {
  const v = await store.getVoucher(req.voucherId, t);
  if (!v || v.campaignId !== req.campaignId) return 'unknown_voucher';
  if (v.revokedAt && v.revokedAt <= now.toISOString()) return 'revoked';
  if (now.getTime() - DEFAULT_CLOCK_SKEW_MS > v.validUntil * 1000 || now.getTime() + DEFAULT_CLOCK_SKEW_MS < v.validFrom * 1000) return 'expired';
  const device = await t.get<{ merchant_id: string }>('SELECT merchant_id FROM devices WHERE device_id = ?', [deviceId]);
  const campaign = await store.getCampaign(v.campaignId, t);
  if (!campaign || (!campaign.merchants.includes('*') && !campaign.merchants.includes(device?.merchant_id ?? ''))) return 'not_at_this_shop';
  const spent = await acceptedSpend(t, v.voucherId);
  const held = await reservedElsewhere(t, v.voucherId, now.toISOString(), null);
  if (v.kind === 'fixed') {
    if (spent.liveRedemptions > 0 || held.count > 0) return 'double_spend';
    if (req.amountFen > v.faceValueFen) return 'over_balance';
    return null;
  }
  return spent.net + held.sum + req.amountFen > v.faceValueFen ? 'over_balance' : null;
}

export async function releaseAuthorization(store: ProgramStore, deviceId: string, authorizationId: string): Promise<boolean> {
  const r = await store.sql.run("UPDATE authorizations SET status = 'released' WHERE authorization_id = ? AND device_id = ? AND status = 'reserved'", [authorizationId, deviceId]);
  return r.changes === 1;
}
