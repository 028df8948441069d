import crypto from 'node:crypto';
import { publicKeyFromBase64url, verify } from '../../core/crypto/ed25519';
import { verifyChain, type JournalRecord } from '../../core/journal/chain';
import { DEFAULT_CLOCK_SKEW_MS } from '../../core/vouchers/verifyVoucher';
import { batchSigningInput, type BatchRequest, type BatchResponse, type RejectReason } from '../../shared/sync/protocol';
import type { ProgramStore } from '../store/programStore';
import type { SqlDriver } from '../store/sqlDriver';
import { ServerError } from './errors';
import { acceptedSpend, lockVoucher, reservedElsewhere } from './usage';

/** Digest of a batch body: the same batch id with a different body is a conflict, never a second count. */
export function batchDigest(b: BatchRequest): string {
  // The validated body re-serialised: zod's output has the schema's key order, so this is canonical.
  return crypto.createHash('sha256').update(JSON.stringify(b)).digest('hex');
}

/**
 * Takes a till's batch in one transaction. The batch id is the idempotency key: the same batch
 * again gets the stored answer and changes nothing. Signature, sequence continuity from the
 * device's previous batch and the hash chain are checked first (any failure rejects every record
 * and stores none of them); then each record gets accepted, or rejected with a reason.
 */
export async function intakeBatch(store: ProgramStore, signerDeviceId: string, batch: BatchRequest, now = new Date()): Promise<BatchResponse> {
  if (batch.deviceId !== signerDeviceId) throw new ServerError('forbidden', 'a till may upload only its own journal');
  const digest = batchDigest(batch);
  return store.sql.tx(async (t) => {
    const seen = await t.get<{ body_hash: string; response: string }>(`SELECT body_hash, response FROM batches WHERE batch_id = ?${t.forUpdate}`, [batch.batchId]);
    if (seen) {
      if (seen.body_hash !== digest) throw new ServerError('batch_conflict', 'this batch id was used for a different batch');
      return JSON.parse(seen.response) as BatchResponse;
    }
    const device = await t.get<{ merchant_id: string; public_key: string; head_seq: number; head_hash: string; active: number }>(`SELECT * FROM devices WHERE device_id = ?${t.forUpdate}`, [batch.deviceId]);
    if (!device || device.active !== 1) throw new ServerError('unknown_device', 'this till is not enrolled');
    const headSeq = Number(device.head_seq);
    const rejectAll = async (reason: RejectReason): Promise<BatchResponse> => {
      const response: BatchResponse = { batchId: batch.batchId, results: batch.records.map((r) => ({ id: r.id, status: 'rejected', reason })), headSeq };
      await t.run('INSERT INTO batches (batch_id, device_id, body_hash, response, received_at) VALUES (?, ?, ?, ?, ?)', [batch.batchId, batch.deviceId, digest, JSON.stringify(response), now.toISOString()]);
      return response;
    };

    if (!verify(publicKeyFromBase64url(device.public_key), Buffer.from(batchSigningInput(batch)), Buffer.from(batch.signature, 'base64url'))) return rejectAll('bad_signature');
    const records = batch.records as JournalRecord[];
    if (records.some((r) => r.deviceId !== batch.deviceId)) return rejectAll('bad_chain');
    // Reversals may point at redemptions from earlier batches: tell the chain check about those.
    const earlier = new Set<string>();
    const reversed = new Set<string>();
    for (const r of records) {
      if (r.type !== 'reverse' || !r.reverses) continue;
      const orig = await t.get<{ record_id: string }>("SELECT record_id FROM records WHERE record_id = ? AND device_id = ? AND type = 'redeem'", [r.reverses, batch.deviceId]);
      if (orig) earlier.add(orig.record_id);
      const done = await t.get('SELECT 1 AS x FROM records WHERE reverses = ?', [r.reverses]);
      if (done) reversed.add(r.reverses);
    }
    const chain = verifyChain(records, { seq: headSeq, hash: device.head_hash, knownRedeems: earlier, reversed });
    if (!chain.ok) return rejectAll(chain.problem === 'sequence_gap' ? 'sequence_gap' : chain.problem === 'bad_reversal' || chain.problem === 'double_reversal' ? 'bad_reversal' : 'bad_chain');

    const results: BatchResponse['results'] = [];
    for (const r of records) {
      const verdict = r.type === 'redeem' ? await judgeRedeem(store, t, r, device.merchant_id, now) : await judgeReverse(t, r);
      await t.run(
        `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen, forfeited_fen,
                              other_tender_fen, categories, auth_ref, reverses, hash, status, reason, statement_id, received_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
        [r.id, r.deviceId, device.merchant_id, r.seq, batch.batchId, r.saleId, r.type, r.time, r.voucherId, r.campaignId, r.kind, r.amountFen, r.forfeitedFen, r.otherTenderFen, JSON.stringify(r.categories), r.authorization, r.reverses, r.hash, verdict ? 'rejected' : 'accepted', verdict, now.toISOString(), now.toISOString()],
      );
      const own = r.type === 'redeem' ? await ownReservation(t, r) : null;
      if (own) await t.run(`UPDATE authorizations SET status = ? WHERE authorization_id = ? AND status = 'reserved'`, [verdict ? 'released' : 'captured', own]);
      results.push({ id: r.id, status: verdict ? 'rejected' : 'accepted', reason: verdict });
    }
    await t.run('UPDATE devices SET head_seq = ?, head_hash = ? WHERE device_id = ?', [chain.headSeq, chain.headHash, batch.deviceId]);
    const response: BatchResponse = { batchId: batch.batchId, results, headSeq: chain.headSeq };
    await t.run('INSERT INTO batches (batch_id, device_id, body_hash, response, received_at) VALUES (?, ?, ?, ?, ?)', [batch.batchId, batch.deviceId, digest, JSON.stringify(response), now.toISOString()]);
    return response;
  });
}

/** Why a redemption cannot be paid for, judged at the time of sale; null when it is accepted. */
async function judgeRedeem(store: ProgramStore, t: SqlDriver, r: JournalRecord, merchantId: string, _now: Date): Promise<RejectReason | null> {
  await lockVoucher(t, r.voucherId);
  const v = await store.getVoucher(r.voucherId, t);
  if (!v || v.campaignId !== r.campaignId || v.kind !== r.kind) return 'unknown_voucher';
  const sale = Date.parse(r.time);
  if (v.revokedAt && v.revokedAt <= r.time) return 'revoked';
  if (sale - DEFAULT_CLOCK_SKEW_MS > v.validUntil * 1000 || sale + DEFAULT_CLOCK_SKEW_MS < v.validFrom * 1000) return 'expired';
  const campaign = await store.getCampaign(v.campaignId, t);
  if (!campaign) return 'unknown_voucher';
  if (!campaign.merchants.includes('*') && !campaign.merchants.includes(merchantId)) return 'not_at_this_shop';
  if (Object.keys(r.categories).some((c) => !(campaign.eligibleCategories as readonly string[]).includes(c))) return 'category_not_eligible';
  const spent = await acceptedSpend(t, v.voucherId);
  const own = await ownReservation(t, r);
  const held = await reservedElsewhere(t, v.voucherId, r.time, own);
  if (v.kind === 'fixed') {
    if (spent.liveRedemptions > 0 || held.count > 0) return 'double_spend';
    return r.amountFen + r.forfeitedFen > v.faceValueFen ? 'over_balance' : null;
  }
  return spent.net + held.sum + r.amountFen > v.faceValueFen ? 'over_balance' : null;
}

/**
 * The reservation made for this very sale, if any: named on the record, or, when the till never
 * heard the approval and recorded the sale offline, found by the idempotency key it used
 * (sale id and voucher id). Either way the sale consumes it, instead of competing with it.
 */
async function ownReservation(t: SqlDriver, r: JournalRecord): Promise<string | null> {
  if (r.authorization !== 'offline') return r.authorization;
  const row = await t.get<{ authorization_id: string }>("SELECT authorization_id FROM authorizations WHERE idem_key = ? AND device_id = ? AND status IN ('reserved', 'captured')", [`${r.saleId}:${r.voucherId}`, r.deviceId]);
  return row?.authorization_id ?? null;
}

/** A void follows its redemption: accepted if that was, rejected (with its reason) if that was. */
async function judgeReverse(t: SqlDriver, r: JournalRecord): Promise<RejectReason | null> {
  const orig = await t.get<{ status: string; reason: RejectReason | null; amount_fen: number }>('SELECT status, reason, amount_fen FROM records WHERE record_id = ?', [r.reverses ?? '']);
  if (!orig) return 'bad_reversal';
  if (Number(orig.amount_fen) !== r.amountFen) return 'bad_reversal';
  return orig.status === 'accepted' ? null : (orig.reason ?? 'bad_reversal');
}
