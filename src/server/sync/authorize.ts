import crypto from 'node:crypto';
import { publicKeyFromBase64url } from '../../trust/ed25519';
import { provesPossession } from '../../trust/possession';
import { verifyHolderTicket } from '../../trust/holderTicket';
import { DEFAULT_CLOCK_SKEW_MS } from '../../trust/verifyVoucher';
import { isHolderTicket } from '../../shared/voucher/holderTicket';
import type { AuthorizeRequest, AuthorizeResponse, RejectReason } from '../../shared/sync/protocol';
import type { ProgramStore } from '../store/programStore';
import type { SqlDriver } from '../store/sqlDriver';
import { ServerError } from './errors';
import type { DeviceRow } from './deviceRow';
import { judgeVoucherUse, loadVoucherContext } from './voucherRules';

/**
 * A reservation holds for minutes, not days: the sale commits right after the approval and its
 * record, uploaded at once, captures it; a failed or voided sale gives it back (release). A hold
 * the till never follows up ends by itself, so no till can block a voucher for long (issue 10,
 * item 6). A record that arrives after its hold ended is judged like an offline one (intake).
 */
export const RESERVATION_MS = 10 * 60_000;

interface AuthorizationRow {
  authorization_id: string;
  device_id: string;
  status: string;
  reason: RejectReason | null;
  amount_fen: number;
}

/**
 * Online authorization: reserve `amountFen` of a voucher for one till's sale so that a balance
 * voucher cannot be overspent across shops and a fixed voucher cannot be used twice. Idempotent on
 * the key: the same request again gets the same answer, approved or declined, even when the two
 * arrive at once. A key is one till's: another till sending it gets `idempotency_conflict` (409).
 * Runs in the transaction that locked the till's row first, as batch intake does (http/signedRequests.ts):
 * an authorization that arrives while the same sale's record is being taken (a reply that timed
 * out, the sale recorded offline) waits for it and then sees the record, so no hold is left beside
 * a recorded sale.
 */
export async function authorize(t: SqlDriver, device: DeviceRow, req: AuthorizeRequest, now = new Date()): Promise<AuthorizeResponse> {
  const deviceId = device.device_id;
  const answer = (row: AuthorizationRow): AuthorizeResponse => {
    if (row.device_id !== deviceId) throw new ServerError('idempotency_conflict', 'this idempotency key belongs to another till');
    return row.status === 'declined'
      ? { status: 'declined', reason: row.reason as RejectReason }
      : { status: 'approved', authorizationId: row.authorization_id, approvedFen: Number(row.amount_fen) };
  };
  // Proof of possession first: without the voucher's own token nothing is stored or held.
  if (!(await holdsVoucher(t, deviceId, req, now))) return { status: 'declined', reason: 'bad_token' };
  // A request that arrives late, after the till already recorded this sale (offline) and
  // uploaded it: the sale has consumed what it asks for, so it must not hold anything now.
  const saleId = req.idempotencyKey.slice(0, Math.max(0, req.idempotencyKey.lastIndexOf(':')));
  const recorded = await t.get('SELECT 1 AS x FROM records WHERE device_id = ? AND sale_id = ? AND voucher_id = ?', [
    deviceId,
    saleId,
    req.voucherId,
  ]);
  const reason = recorded ? null : await judgeNow(t, deviceId, device.merchant_id, saleId, req, now);
  const nowIso = now.toISOString();
  // Stored once per key: the row this statement inserts, or the one stored before under the same key
  // (the same request again, or another till's at the same moment on PostgreSQL, which this waits
  // for). Either way the stored row is the answer, so a repeat never holds twice or answers otherwise.
  const stored = await t.get<AuthorizationRow>(
    `INSERT INTO authorizations (authorization_id, idem_key, device_id, voucher_id, amount_fen, status, reason, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO UPDATE SET idem_key = excluded.idem_key
     RETURNING authorization_id, device_id, status, reason, amount_fen`,
    [
      crypto.randomUUID(),
      req.idempotencyKey,
      deviceId,
      req.voucherId,
      req.amountFen,
      reason ? 'declined' : recorded ? 'captured' : 'reserved',
      reason,
      nowIso,
      new Date(now.getTime() + RESERVATION_MS).toISOString(),
    ],
  );
  return answer(stored!);
}

/**
 * Whether the request carries the voucher's token, signed by the issuer key the program used for
 * it. An unknown voucher passes here and is declined by the rules (`unknown_voucher`), as before.
 */
async function holdsVoucher(sql: SqlDriver, deviceId: string, req: AuthorizeRequest, now: Date): Promise<boolean> {
  const v = await sql.get<{ campaign_id: number; key_id: number; public_key: string }>(
    'SELECT v.campaign_id, v.key_id, k.public_key FROM vouchers v JOIN issuer_keys k ON k.key_id = v.key_id WHERE v.voucher_id = ?',
    [req.voucherId],
  );
  if (!v) return true;
  if (isHolderTicket(req.token)) {
    // A voucher found by its holder code: the ticket this program gave this very till, not yet stale.
    const keys = await sql.all<{ key_id: number; public_key: string }>('SELECT key_id, public_key FROM server_keys');
    const t = verifyHolderTicket(req.token, {
      serverKeys: new Map(keys.map((k) => [Number(k.key_id), publicKeyFromBase64url(k.public_key)] as const)),
      deviceId,
      nowMs: now.getTime(),
      skewMs: DEFAULT_CLOCK_SKEW_MS,
    });
    return t.ok && t.ticket.fields.voucherId === req.voucherId && t.ticket.fields.campaignId === Number(v.campaign_id);
  }
  const key = publicKeyFromBase64url(v.public_key);
  // provesPossession asks only for the key id it was told to expect: this voucher's issuer key.
  return provesPossession(req.token, { voucherId: req.voucherId, campaignId: Number(v.campaign_id), keyId: Number(v.key_id) }, () => key);
}

/**
 * The program's rules for a sale happening now, exactly as batch intake will apply them to its
 * record later (one implementation): the request is judged as a probe record of this sale.
 */
async function judgeNow(
  t: SqlDriver,
  deviceId: string,
  merchantId: string,
  saleId: string,
  req: AuthorizeRequest,
  now: Date,
): Promise<RejectReason | null> {
  const ctx = await loadVoucherContext(t, [req.voucherId], deviceId);
  const v = ctx.state.get(req.voucherId)?.v;
  if (!v) return 'unknown_voucher';
  return judgeVoucherUse(
    ctx,
    {
      voucherId: req.voucherId,
      campaignId: req.campaignId,
      kind: v.kind,
      amountFen: req.amountFen,
      forfeitedFen: 0,
      time: now.toISOString(),
      categories: {},
      saleId,
      // Stryker disable next-line StringLiteral: a hold of this sale's own exists only when this very request came before, and then the stored row is the answer whatever the probe finds
      authorization: 'offline',
    },
    merchantId,
  );
}

export async function releaseAuthorization(store: ProgramStore, deviceId: string, authorizationId: string): Promise<boolean> {
  const r = await store.sql.run(
    "UPDATE authorizations SET status = 'released' WHERE authorization_id = ? AND device_id = ? AND status = 'reserved'",
    [authorizationId, deviceId],
  );
  return r.changes === 1;
}
