import type { Db } from '../db/open';
import type { Logger } from '../system/log';
import type { SettingsStore } from '../system/settings';

export interface RetentionDeps {
  db: Db;
  settings: SettingsStore;
  log: Logger;
  now: () => number;
}

/** A voucher id with nothing left in it: the record keeps its place, amounts and hash. */
export const PURGED_VOUCHER_ID = '0'.repeat(32);

/**
 * Privacy on the till (DESIGN.md: no beneficiary data kept longer than needed): a while after the
 * program has paid for them (180 days by default), the sale lines and voucher ids of settled
 * records are removed. Record hashes, amounts and categories stay, and the purge is a checkpoint
 * from which the chain still verifies; the Z-reports stay as they were. Only a run of records from
 * the last checkpoint that are all paid long enough ago is purged, so the checkpoint moves forward
 * without gaps.
 */
export class Retention {
  constructor(private readonly d: RetentionDeps) {}

  purgeDue(): { upToSeq: number; records: number; sales: number } | null {
    const days = this.d.settings.get('retention.days');
    const cutoff = new Date(this.d.now() - days * 86_400_000).toISOString();
    const last = (this.d.db.prepare('SELECT MAX(up_to_seq) AS s FROM purges').get() as { s: number | null }).s ?? 0;
    const rows = this.d.db
      .prepare<[number], { seq: number; paid_at: string | null }>(
        `SELECT j.seq, st.paid_at FROM journal j
           LEFT JOIN record_status rs ON rs.record_id = j.id AND rs.status = 'accepted'
           LEFT JOIN statements st ON st.statement_id = rs.statement_id AND st.status = 'paid'
          WHERE j.seq > ? ORDER BY j.seq`,
      )
      .iterate(last);
    let upTo = last;
    for (const r of rows) {
      if (!r.paid_at || r.paid_at > cutoff) break;
      upTo = r.seq;
    }
    if (upTo === last) return null;
    // A sale is purged only when every record of it is in the purged run.
    const result = this.d.db
      .transaction(() => {
        const range = { last, upTo };
        const sales = this.d.db
          .prepare<[typeof range], { sale_id: string }>(
            `SELECT DISTINCT sale_id FROM journal WHERE seq > @last AND seq <= @upTo
                AND sale_id NOT IN (SELECT sale_id FROM journal WHERE seq > @upTo)`,
          )
          .all(range);
        const vouchers = this.d.db
          .prepare<[typeof range], { voucher_id: string }>(
            `SELECT DISTINCT voucher_id FROM journal WHERE seq > @last AND seq <= @upTo
                AND voucher_id NOT IN (SELECT voucher_id FROM journal WHERE seq > @upTo)`,
          )
          .all(range);
        // The journal is append-only by trigger; the purge is the one sanctioned change, made in the
        // same transaction that records the checkpoint, with the trigger back before it commits.
        this.d.db.exec('DROP TRIGGER journal_no_update');
        const n = this.d.db
          .prepare('UPDATE journal SET voucher_id = ? WHERE seq > ? AND seq <= ?')
          .run(PURGED_VOUCHER_ID, last, upTo).changes;
        this.d.db.exec(
          "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END",
        );
        const delLines = this.d.db.prepare('DELETE FROM sale_lines WHERE sale_id = ?');
        for (const s of sales) delLines.run(s.sale_id);
        const delVoucher = this.d.db.prepare('DELETE FROM voucher_state WHERE voucher_id = ?');
        for (const v of vouchers) delVoucher.run(v.voucher_id);
        this.d.db
          .prepare('INSERT INTO purges (purged_at, up_to_seq, sales, records) VALUES (?, ?, ?, ?)')
          .run(new Date(this.d.now()).toISOString(), upTo, sales.length, n);
        return { upToSeq: upTo, records: n, sales: sales.length };
      })
      .immediate();
    this.d.log.info(result, 'retention purge: sale lines and voucher ids of settled records removed');
    return result;
  }
}
