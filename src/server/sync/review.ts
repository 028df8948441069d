import { z } from 'zod';
import type { RejectReason } from '../../shared/sync/protocol';
import { checkInput } from '../program/inputs';
import type { ProgramStore } from '../store/programStore';
import { ServerError } from './errors';

/**
 * Records the program holds for a person to review (intake's `held`: an offline record that
 * reached the program later than its campaign's offline window). Until reviewed a held record is
 * neither paid (statements take accepted records only) nor free to spend again (it counts against
 * its voucher); the operator accepts or rejects it, and its void, if any, goes with it. The till
 * learns the decision at its next status pull.
 */
export interface HeldRecord {
  recordId: string;
  merchantId: string;
  deviceId: string;
  seq: number;
  type: 'redeem' | 'reverse';
  time: string;
  voucherId: string;
  amountFen: number;
  reason: RejectReason | null;
  receivedAt: string;
}

export async function listHeld(store: ProgramStore): Promise<HeldRecord[]> {
  const rows = await store.sql.all<{
    record_id: string;
    merchant_id: string;
    device_id: string;
    seq: number;
    type: 'redeem' | 'reverse';
    time: string;
    voucher_id: string;
    amount_fen: number;
    reason: RejectReason | null;
    received_at: string;
  }>(
    "SELECT record_id, merchant_id, device_id, seq, type, time, voucher_id, amount_fen, reason, received_at FROM records WHERE status = 'held' ORDER BY received_at, device_id, seq",
  );
  return rows.map((r) => ({
    recordId: r.record_id,
    merchantId: r.merchant_id,
    deviceId: r.device_id,
    seq: Number(r.seq),
    type: r.type,
    time: r.time,
    voucherId: r.voucher_id,
    amountFen: Number(r.amount_fen),
    reason: r.reason,
    receivedAt: r.received_at,
  }));
}

/** Accepts (to be paid) or rejects a held redemption, and a held void of it. Returns how many records changed. */
export async function reviewHeld(
  store: ProgramStore,
  recordIdInput: unknown,
  decision: 'accept' | 'reject',
  now = new Date(),
): Promise<number> {
  const recordId = checkInput(z.uuid(), recordIdInput, 'record');
  return store.sql.tx(async (t) => {
    const row = await t.get<{ type: string; status: string }>(`SELECT type, status FROM records WHERE record_id = ?${t.forUpdate}`, [
      recordId,
    ]);
    if (!row) throw new ServerError('not_found', `no record ${recordId}`);
    if (row.status !== 'held') throw new ServerError('wrong_state', `record ${recordId} is ${row.status}, not held`);
    if (row.type !== 'redeem') throw new ServerError('wrong_state', 'a held void follows its redemption: review the redemption');
    const status = decision === 'accept' ? 'accepted' : 'rejected';
    const nowIso = now.toISOString();
    // An accepted record carries no reason; a rejected one keeps why it was held.
    const set = `UPDATE records SET status = ?, reason = CASE WHEN ? = 'accepted' THEN NULL ELSE reason END, updated_at = ?`;
    const own = await t.run(`${set} WHERE record_id = ? AND status = 'held'`, [status, status, nowIso, recordId]);
    const voids = await t.run(`${set} WHERE reverses = ? AND status = 'held'`, [status, status, nowIso, recordId]);
    return own.changes + voids.changes;
  });
}
