import crypto from 'node:crypto';
import { publicKeyFromBase64url, verify } from '../../trust/ed25519';
import { verifyChain, type JournalRecord } from '../../trust/chain';
import { DEFAULT_CLOCK_SKEW_MS } from '../../trust/verifyVoucher';
import { batchSigningInput, type BatchRequest, type BatchResponse, type RejectReason } from '../../shared/sync/protocol';
import { campaignSchema, type Campaign } from '../../shared/voucher/manifest';
import { toVoucherRecord, type ProgramStore, type VoucherRecord } from '../store/programStore';
import type { Param } from '../store/sqlDriver';
import type { SqlDriver } from '../store/sqlDriver';
import { ServerError } from './errors';

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
export async function intakeBatch(
  store: ProgramStore,
  signerDeviceId: string,
  batch: BatchRequest,
  now = new Date(),
): Promise<BatchResponse> {
  if (batch.deviceId !== signerDeviceId) throw new ServerError('forbidden', 'a till may upload only its own journal');
  const digest = batchDigest(batch);
  return store.sql.tx(async (t) => {
    const seen = await t.get<{ body_hash: string; response: string }>(
      `SELECT body_hash, response FROM batches WHERE batch_id = ?${t.forUpdate}`,
      [batch.batchId],
    );
    if (seen) {
      if (seen.body_hash !== digest) throw new ServerError('batch_conflict', 'this batch id was used for a different batch');
      return JSON.parse(seen.response) as BatchResponse;
    }
    const device = await t.get<{ merchant_id: string; public_key: string; head_seq: number; head_hash: string; active: number }>(
      `SELECT * FROM devices WHERE device_id = ?${t.forUpdate}`,
      [batch.deviceId],
    );
    if (!device || device.active !== 1) throw new ServerError('unknown_device', 'this till is not enrolled');
    const headSeq = Number(device.head_seq);
    const rejectAll = async (reason: RejectReason): Promise<BatchResponse> => {
      const response: BatchResponse = {
        batchId: batch.batchId,
        results: batch.records.map((r) => ({ id: r.id, status: 'rejected', reason })),
        headSeq,
      };
      await t.run('INSERT INTO batches (batch_id, device_id, body_hash, response, received_at) VALUES (?, ?, ?, ?, ?)', [
        batch.batchId,
        batch.deviceId,
        digest,
        JSON.stringify(response),
        now.toISOString(),
      ]);
      return response;
    };

    if (
      !verify(publicKeyFromBase64url(device.public_key), Buffer.from(batchSigningInput(batch)), Buffer.from(batch.signature, 'base64url'))
    )
      return rejectAll('bad_signature');
    const records: JournalRecord[] = batch.records;
    if (records.some((r) => r.deviceId !== batch.deviceId)) return rejectAll('bad_chain');
    // Reversals may point at redemptions from earlier batches: tell the chain check about those.
    const earlier = new Set<string>();
    const reversed = new Set<string>();
    for (const r of records) {
      if (r.type !== 'reverse' || !r.reverses) continue;
      const orig = await t.get<{ record_id: string }>(
        "SELECT record_id FROM records WHERE record_id = ? AND device_id = ? AND type = 'redeem'",
        [r.reverses, batch.deviceId],
      );
      if (orig) earlier.add(orig.record_id);
      const done = await t.get('SELECT 1 AS x FROM records WHERE reverses = ?', [r.reverses]);
      if (done) reversed.add(r.reverses);
    }
    const chain = verifyChain(records, { seq: headSeq, hash: device.head_hash, knownRedeems: earlier, reversed });
    if (!chain.ok)
      return rejectAll(
        chain.problem === 'sequence_gap'
          ? 'sequence_gap'
          : chain.problem === 'bad_reversal' || chain.problem === 'double_reversal'
            ? 'bad_reversal'
            : 'bad_chain',
      );

    const ctx = await loadContext(t, records, batch.deviceId);
    const results: BatchResponse['results'] = [];
    const rows: Param[][] = [];
    const captured: string[] = [];
    const released: string[] = [];
    const nowIso = now.toISOString();
    for (const r of records) {
      const verdict = r.type === 'redeem' ? judgeRedeem(ctx, r, device.merchant_id) : judgeReverse(ctx, r);
      const ok = verdict === null;
      if (r.type === 'redeem') {
        const own = ctx.ownReservation(r);
        if (own) {
          (ok ? captured : released).push(own.id);
          own.status = ok ? 'captured' : 'released';
        }
        if (ok) {
          const st = ctx.state.get(r.voucherId)!;
          st.net += r.amountFen;
          st.live += 1;
        }
      } else if (ok) {
        const st = ctx.state.get(r.voucherId);
        if (st) {
          st.net -= r.amountFen;
          st.live -= 1;
        }
      }
      ctx.status.set(r.id, { status: ok ? 'accepted' : 'rejected', reason: verdict, amount: r.amountFen });
      rows.push([
        r.id,
        r.deviceId,
        device.merchant_id,
        r.seq,
        batch.batchId,
        r.saleId,
        r.type,
        r.time,
        r.voucherId,
        r.campaignId,
        r.kind,
        r.amountFen,
        r.forfeitedFen,
        r.otherTenderFen,
        JSON.stringify(r.categories),
        r.authorization,
        r.reverses,
        r.hash,
        ok ? 'accepted' : 'rejected',
        verdict,
        nowIso,
        nowIso,
      ]);
      results.push({ id: r.id, status: ok ? 'accepted' : 'rejected', reason: verdict });
    }
    for (const chunk of chunks(rows, 200)) {
      await t.run(
        `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen, forfeited_fen,
                              other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at)
         VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flat(),
      );
    }
    for (const [status, ids] of [
      ['captured', captured],
      ['released', released],
    ] as const) {
      for (const chunk of chunks(ids, 500))
        await t.run(
          `UPDATE authorizations SET status = ? WHERE status = 'reserved' AND authorization_id IN (${chunk.map(() => '?').join(', ')})`,
          [status, ...chunk],
        );
    }
    await t.run('UPDATE devices SET head_seq = ?, head_hash = ? WHERE device_id = ?', [chain.headSeq, chain.headHash, batch.deviceId]);
    const response: BatchResponse = { batchId: batch.batchId, results, headSeq: chain.headSeq };
    await t.run('INSERT INTO batches (batch_id, device_id, body_hash, response, received_at) VALUES (?, ?, ?, ?, ?)', [
      batch.batchId,
      batch.deviceId,
      digest,
      JSON.stringify(response),
      now.toISOString(),
    ]);
    return response;
  });
}

interface VoucherState {
  v: VoucherRecord;
  /** Accepted spend, net of accepted voids. */
  net: number;
  /** Accepted redemptions not voided. */
  live: number;
}

interface Reservation {
  id: string;
  voucherId: string;
  amount: number;
  idemKey: string;
  deviceId: string;
  expiresAt: string;
  status: 'reserved' | 'captured' | 'released';
}

interface Context {
  state: Map<string, VoucherState>;
  campaigns: Map<number, Campaign>;
  reservations: Map<string, Reservation[]>;
  status: Map<string, { status: 'accepted' | 'rejected'; reason: RejectReason | null; amount: number }>;
  ownReservation(r: JournalRecord): Reservation | null;
}

/**
 * Everything the batch's rules need, read in a few set queries (vouchers locked in a fixed order so
 * concurrent batches on PostgreSQL cannot deadlock), then kept up to date in memory record by record.
 */
export async function loadContext(t: SqlDriver, records: JournalRecord[], deviceId: string): Promise<Context> {
  const ids = [...new Set(records.map((r) => r.voucherId))].sort();
  const state = new Map<string, VoucherState>();
  const reservations = new Map<string, Reservation[]>();
  for (const chunk of chunks(ids, 500)) {
    const marks = chunk.map(() => '?').join(', ');
    const vouchers = await t.all<Parameters<typeof toVoucherRecord>[0]>(
      `SELECT * FROM vouchers WHERE voucher_id IN (${marks}) ORDER BY voucher_id${t.forUpdate}`,
      chunk,
    );
    for (const v of vouchers) state.set(v.voucher_id, { v: toVoucherRecord(v), net: 0, live: 0 });
    const spend = await t.all<{ voucher_id: string; net: number | null; live: number }>(
      `SELECT r.voucher_id, SUM(CASE r.type WHEN 'redeem' THEN r.amount_fen ELSE -r.amount_fen END) AS net,
              SUM(CASE WHEN r.type = 'redeem' AND NOT EXISTS (SELECT 1 FROM records x WHERE x.reverses = r.record_id AND x.status = 'accepted') THEN 1 ELSE 0 END) AS live
         FROM records r WHERE r.status = 'accepted' AND r.voucher_id IN (${marks}) GROUP BY r.voucher_id`,
      chunk,
    );
    for (const row of spend) {
      const st = state.get(row.voucher_id);
      if (st) {
        st.net = Number(row.net ?? 0);
        st.live = Number(row.live);
      }
    }
    const held = await t.all<{
      authorization_id: string;
      voucher_id: string;
      amount_fen: number;
      idem_key: string;
      device_id: string;
      expires_at: string;
    }>(
      `SELECT authorization_id, voucher_id, amount_fen, idem_key, device_id, expires_at FROM authorizations WHERE status = 'reserved' AND voucher_id IN (${marks})`,
      chunk,
    );
    for (const h of held) {
      const list = reservations.get(h.voucher_id) ?? [];
      list.push({
        id: h.authorization_id,
        voucherId: h.voucher_id,
        amount: Number(h.amount_fen),
        idemKey: h.idem_key,
        deviceId: h.device_id,
        expiresAt: h.expires_at,
        status: 'reserved',
      });
      reservations.set(h.voucher_id, list);
    }
  }
  const campaigns = new Map(
    (await t.all<{ body: string }>('SELECT body FROM campaigns')).map((c) => {
      const parsed = campaignSchema.parse(JSON.parse(c.body));
      return [parsed.id, parsed] as const;
    }),
  );
  // Statuses of the earlier redemptions this batch's voids point at.
  const status: Context['status'] = new Map();
  const targets = records.filter((r) => r.type === 'reverse' && r.reverses).map((r) => r.reverses!);
  for (const chunk of chunks(targets, 500)) {
    const rows = await t.all<{ record_id: string; status: 'accepted' | 'rejected'; reason: RejectReason | null; amount_fen: number }>(
      `SELECT record_id, status, reason, amount_fen FROM records WHERE record_id IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const row of rows) status.set(row.record_id, { status: row.status, reason: row.reason, amount: Number(row.amount_fen) });
  }
  return {
    state,
    campaigns,
    reservations,
    status,
    // The reservation made for this very sale: named on the record or, when the till never heard
    // the approval and recorded the sale offline, found by its idempotency key (sale and voucher).
    ownReservation: (r) =>
      (reservations.get(r.voucherId) ?? []).find(
        (h) =>
          h.status === 'reserved' &&
          h.deviceId === deviceId &&
          (r.authorization !== 'offline' ? h.id === r.authorization : h.idemKey === `${r.saleId}:${r.voucherId}`),
      ) ?? null,
  };
}

/** Why a redemption cannot be paid for, judged at the time of sale; null when it is accepted. */
export function judgeRedeem(ctx: Context, r: JournalRecord, merchantId: string): RejectReason | null {
  const st = ctx.state.get(r.voucherId);
  const v = st?.v;
  if (!st || !v || v.campaignId !== r.campaignId || v.kind !== r.kind) return 'unknown_voucher';
  const sale = Date.parse(r.time);
  if (v.revokedAt && v.revokedAt <= r.time) return 'revoked';
  if (sale - DEFAULT_CLOCK_SKEW_MS > v.validUntil * 1000 || sale + DEFAULT_CLOCK_SKEW_MS < v.validFrom * 1000) return 'expired';
  const campaign = ctx.campaigns.get(v.campaignId);
  if (!campaign) return 'unknown_voucher';
  if (!campaign.merchants.includes('*') && !campaign.merchants.includes(merchantId)) return 'not_at_this_shop';
  if (Object.keys(r.categories).some((c) => !(campaign.eligibleCategories as readonly string[]).includes(c)))
    return 'category_not_eligible';
  const own = ctx.ownReservation(r);
  const others = (ctx.reservations.get(r.voucherId) ?? []).filter((h) => h.status === 'reserved' && h !== own && h.expiresAt > r.time);
  const held = others.reduce((a, h) => a + h.amount, 0);
  if (v.kind === 'fixed') {
    if (st.live > 0 || others.length > 0) return 'double_spend';
    return r.amountFen + r.forfeitedFen > v.faceValueFen ? 'over_balance' : null;
  }
  return st.net + held + r.amountFen > v.faceValueFen ? 'over_balance' : null;
}

/** A void follows its redemption: accepted if that was, rejected (with its reason) if that was. */
function judgeReverse(ctx: Context, r: JournalRecord): RejectReason | null {
  const orig = ctx.status.get(r.reverses ?? '');
  if (!orig || orig.amount !== r.amountFen) return 'bad_reversal';
  return orig.status === 'accepted' ? null : (orig.reason ?? 'bad_reversal');
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
