import type { Settlement } from '../../shared/api/schemas/sync';
import type { RejectReason } from '../../shared/sync/protocol';
import { maskVoucherId } from '../../shared/voucher/token';
import type { Db } from '../db/open';

type State = 'pending' | 'accepted' | 'held' | 'rejected' | 'paid';

/**
 * The owner's settlement picture from the till's own records: every journal record is pending
 * (not yet acknowledged), accepted, held for the program's review (with the reason), rejected
 * (with the program's reason) or paid (in a paid statement). Amounts are net: a void counts
 * against its redemption. Counts are redemptions that stand (neither a void nor a voided
 * redemption is one); voids are counted apart.
 */
export function settlementView(db: Db): Settlement {
  const rows = db
    .prepare<[], { state: State; net: number; n: number }>(
      `SELECT CASE WHEN s.record_id IS NULL THEN 'pending'
                   WHEN s.status = 'rejected' THEN 'rejected'
                   WHEN s.status = 'held' THEN 'held'
                   WHEN st.status = 'paid' THEN 'paid'
                   ELSE 'accepted' END AS state,
              SUM(CASE j.type WHEN 'redeem' THEN j.amount_fen ELSE -j.amount_fen END) AS net,
              -- Redemptions that stand: a void record, and the redemption it reverses, are counted apart.
              SUM(CASE WHEN j.type = 'redeem' AND NOT EXISTS (SELECT 1 FROM journal r WHERE r.reverses = j.id) THEN 1 ELSE 0 END) AS n
         FROM journal j
         LEFT JOIN record_status s ON s.record_id = j.id
         LEFT JOIN statements st ON st.statement_id = s.statement_id
        GROUP BY state`,
    )
    .all();
  const by = (k: State) => rows.find((r) => r.state === k);
  return {
    totals: {
      pendingFen: by('pending')?.net ?? 0,
      acceptedFen: by('accepted')?.net ?? 0,
      heldFen: by('held')?.net ?? 0,
      rejectedFen: by('rejected')?.net ?? 0,
      paidFen: by('paid')?.net ?? 0,
    },
    counts: {
      pending: by('pending')?.n ?? 0,
      accepted: by('accepted')?.n ?? 0,
      held: by('held')?.n ?? 0,
      rejected: by('rejected')?.n ?? 0,
      paid: by('paid')?.n ?? 0,
    },
    voids: (db.prepare("SELECT count(*) AS n FROM journal WHERE type = 'reverse'").get() as { n: number }).n,
    statements: db
      .prepare<
        [],
        {
          statement_id: string;
          status: 'draft' | 'approved' | 'paid';
          total_fen: number;
          record_count: number;
          period_until: string;
          paid_at: string | null;
          payout_reference: string | null;
        }
      >('SELECT * FROM statements ORDER BY created_at DESC')
      .all()
      .map((s) => ({
        statementId: s.statement_id,
        status: s.status,
        totalFen: s.total_fen,
        recordCount: s.record_count,
        periodUntil: s.period_until,
        paidAt: s.paid_at,
        payoutReference: s.payout_reference,
      })),
    batches: db
      .prepare<
        [],
        {
          batch_id: string;
          from_seq: number;
          to_seq: number;
          created_at: string;
          done_at: string | null;
          attempts: number;
          last_error: string | null;
        }
      >('SELECT * FROM outbox_batches ORDER BY from_seq DESC LIMIT 50')
      .all()
      .map((b) => ({
        batchId: b.batch_id,
        fromSeq: b.from_seq,
        toSeq: b.to_seq,
        createdAt: b.created_at,
        doneAt: b.done_at,
        attempts: b.attempts,
        lastError: b.last_error,
      })),
    rejected: withReason(db, 'rejected'),
    held: withReason(db, 'held'),
  };
}

/** The records the program rejected, or holds for review, each with its reason (newest first, 200 at most). */
function withReason(db: Db, status: 'rejected' | 'held'): Settlement['rejected'] {
  return db
    .prepare<
      [string],
      {
        id: string;
        seq: number;
        time: string;
        sale_id: string;
        voucher_id: string;
        type: 'redeem' | 'reverse';
        amount_fen: number;
        reason: RejectReason;
      }
    >(
      'SELECT j.id, j.seq, j.time, j.sale_id, j.voucher_id, j.type, j.amount_fen, s.reason FROM journal j JOIN record_status s ON s.record_id = j.id WHERE s.status = ? ORDER BY j.seq DESC LIMIT 200',
    )
    .all(status)
    .map((r) => ({
      recordId: r.id,
      seq: r.seq,
      time: r.time,
      saleId: r.sale_id,
      voucherMasked: maskVoucherId(r.voucher_id),
      type: r.type,
      amountFen: r.amount_fen,
      reason: r.reason,
    }));
}
