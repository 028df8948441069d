import type { JournalRecord } from '../../shared/sync/protocol';
import { verifyChain } from '../../trust/chain';
import { VoucherStates } from '../checkout/voucherState';
import type { Db } from '../db/open';
import type { Journal } from '../journal/journal';
import type { Logger } from '../system/log';

export interface RecoveredRecord {
  record: JournalRecord;
  /** What the program said of it. */
  status: 'accepted' | 'rejected' | 'held';
  reason: string | null;
  statementId: string | null;
}

/**
 * After a restore (or on a replacement PC), the program may hold records this till made after the
 * backup it now runs on. They are fetched, checked to continue this till's own chain exactly (the
 * same device, the next seq, each prev_hash the hash before, each hash recomputed), and written back,
 * so the journal goes on without a gap or a fork. A record that does not continue the chain stops
 * the recovery: nothing after it is taken.
 *
 * What the record does not carry is rebuilt from it: the sale (totals; its lines are not in the
 * record), the voucher's local state, the outbox (already uploaded) and the record's state.
 */
export function reinsertRecovered(
  d: { db: Db; journal: Journal; deviceId: string; log: Logger; now: () => number },
  fetched: RecoveredRecord[],
): { inserted: number; headSeq: number; problem: string | null } {
  const head = d.journal.head();
  const all = [...fetched].sort((a, b) => a.record.seq - b.record.seq);
  // Records this till still has must be the very same records: anything else is a fork.
  const local = d.db.prepare<[number], { hash: string }>('SELECT hash FROM journal WHERE seq = ?');
  const fork = all.find((f) => f.record.seq <= head.seq && local.get(f.record.seq)?.hash !== f.record.hash);
  if (fork) {
    d.log.error({ seq: fork.record.seq }, 'the program holds a different record at a seq this till has: nothing recovered');
    return { inserted: 0, headSeq: head.seq, problem: 'fork' };
  }
  const ordered = all.filter((f) => f.record.seq > head.seq);
  if (all.length === 0) return { inserted: 0, headSeq: head.seq, problem: null };
  const known = new Set(
    d.db
      .prepare<[], { id: string }>("SELECT id FROM journal WHERE type = 'redeem'")
      .all()
      .map((r) => r.id),
  );
  const reversed = new Set(
    d.db
      .prepare<[], { reverses: string }>("SELECT reverses FROM journal WHERE type = 'reverse'")
      .all()
      .map((r) => r.reverses),
  );
  const verdict = verifyChain(
    ordered.map((f) => f.record),
    { seq: head.seq, hash: head.hash, knownRedeems: known, reversed },
  );
  const foreign = ordered.find((f) => f.record.deviceId !== d.deviceId);
  if (foreign || !verdict.ok) {
    const problem = foreign ? 'mixed_devices' : verdict.ok ? null : verdict.problem;
    d.log.error({ problem, headSeq: head.seq }, 'records from the program do not continue this till’s chain: nothing recovered');
    return { inserted: 0, headSeq: head.seq, problem };
  }
  const states = new VoucherStates(d.db);
  const nowIso = new Date(d.now()).toISOString();
  d.db
    .transaction(() => {
      const insertRecord = d.db.prepare(
        `INSERT INTO journal (seq, id, device_id, type, time, cashier_id, sale_id, voucher_id, campaign_id, kind, amount_fen, forfeited_fen,
                              categories, other_tender_fen, authorization, reverses, prev_hash, hash, detail)
         VALUES (@seq, @id, @deviceId, @type, @time, @cashierId, @saleId, @voucherId, @campaignId, @kind, @amountFen, @forfeitedFen,
                 @categories, @otherTenderFen, @authorization, @reverses, @prevHash, @hash, @detail)`,
      );
      const cashier = d.db.prepare<[number], { id: number }>('SELECT id FROM users WHERE id = ?');
      const fallbackCashier = (
        d.db.prepare("SELECT id FROM users WHERE role = 'owner' ORDER BY id LIMIT 1").get() as { id: number } | undefined
      )?.id;
      const upsertSale = d.db.prepare(
        `INSERT INTO sales (id, created_at, cashier_id, total_fen, voucher_paid_fen, other_tender_fen, forfeited_fen)
         VALUES (@saleId, @time, @cashierId, @amountFen + @otherTenderFen, @amountFen, @otherTenderFen, @forfeitedFen)
         ON CONFLICT (id) DO UPDATE SET total_fen = total_fen + @amountFen + @otherTenderFen, voucher_paid_fen = voucher_paid_fen + @amountFen,
           other_tender_fen = other_tender_fen + @otherTenderFen, forfeited_fen = forfeited_fen + @forfeitedFen`,
      );
      const voidSale = d.db.prepare('UPDATE sales SET voided_at = ?, voided_by = ? WHERE id = ? AND voided_at IS NULL');
      const status = d.db.prepare(
        `INSERT INTO record_status (record_id, status, reason, statement_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (record_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, statement_id = excluded.statement_id`,
      );
      const nowStatus = (f: RecoveredRecord) => status.run(f.record.id, f.status, f.reason, f.statementId, nowIso);
      for (const f of all) if (f.record.seq <= head.seq) nowStatus(f);
      for (const { record: r, status: st, reason, statementId } of ordered) {
        const { lines, listVersions, ...row } = r;
        const detail = lines === undefined && listVersions === undefined ? null : JSON.stringify({ lines, listVersions });
        insertRecord.run({ ...row, categories: JSON.stringify(r.categories), detail });
        // A cashier of the lost database may not exist here (a new PC): the sale is filed under the owner.
        const cashierId = cashier.get(r.cashierId)?.id ?? fallbackCashier ?? r.cashierId;
        if (r.type === 'redeem') upsertSale.run({ ...r, cashierId });
        else voidSale.run(r.time, cashierId, r.saleId);
        const sign = r.type === 'redeem' ? 1 : -1;
        const face = states.get(r.voucherId)?.face_value_fen ?? r.amountFen + r.forfeitedFen;
        states.apply(
          { voucherId: r.voucherId, campaignId: r.campaignId, kind: r.kind, faceValueFen: face },
          {
            spent: sign * r.amountFen,
            forfeited: sign * r.forfeitedFen,
            uses: sign,
            offline: r.authorization === 'offline' ? sign * r.amountFen : 0,
          },
          nowIso,
        );
        status.run(r.id, st, reason, statementId, nowIso);
      }
      // The program has every one of them: the outbox counts them as sent, so none is sent twice.
      const last = all[all.length - 1]!.record.seq;
      d.db.prepare('UPDATE outbox_batches SET done_at = ? WHERE done_at IS NULL AND to_seq <= ?').run(nowIso, last);
      const batched = (d.db.prepare('SELECT COALESCE(MAX(to_seq), 0) AS n FROM outbox_batches').get() as { n: number }).n;
      if (last > batched) {
        d.db
          .prepare('INSERT INTO outbox_batches (batch_id, from_seq, to_seq, created_at, done_at) VALUES (?, ?, ?, ?, ?)')
          .run(`recovered-${batched + 1}-${last}`, batched + 1, last, nowIso, nowIso);
      }
    })
    .immediate();
  const headSeq = ordered.length ? ordered[ordered.length - 1]!.record.seq : head.seq;
  if (ordered.length) d.log.warn({ from: ordered[0]!.record.seq, to: headSeq }, 'records recovered from the program');
  return { inserted: ordered.length, headSeq, problem: null };
}

/**
 * Asks the program for this till's records past what it has acknowledged here, and writes back
 * those that continue the chain. Run after a restore (automatically) and from the back office.
 */
export async function recoverFromProgram(d: {
  db: Db;
  journal: Journal;
  deviceId: string;
  log: Logger;
  now: () => number;
  sync: { enrolled(): boolean; uploadedUpTo(): number; ownRecords(afterSeq: number): Promise<RecoveredRecord[]> };
}): Promise<{ inserted: number; headSeq: number; problem: string | null }> {
  if (!d.sync.enrolled()) return { inserted: 0, headSeq: d.journal.head().seq, problem: 'not_enrolled' };
  const fetched = await d.sync.ownRecords(Math.min(d.sync.uploadedUpTo(), d.journal.head().seq));
  return reinsertRecovered(d, fetched);
}
