import crypto from 'node:crypto';
import type { Db } from '../db/open';
import { GENESIS_HASH, hashRecord, verifyChain, type ChainVerdict, type JournalRecord } from '../../trust/chain';

interface JournalRow {
  seq: number;
  id: string;
  device_id: string;
  type: 'redeem' | 'reverse';
  time: string;
  cashier_id: number;
  sale_id: string;
  voucher_id: string;
  campaign_id: number;
  kind: 'fixed' | 'balance';
  amount_fen: number;
  forfeited_fen: number;
  categories: string;
  other_tender_fen: number;
  authorization: string;
  reverses: string | null;
  prev_hash: string;
  hash: string;
}

export function rowToRecord(r: JournalRow): JournalRecord {
  return {
    seq: r.seq,
    id: r.id,
    deviceId: r.device_id,
    type: r.type,
    time: r.time,
    cashierId: r.cashier_id,
    saleId: r.sale_id,
    voucherId: r.voucher_id,
    campaignId: r.campaign_id,
    kind: r.kind,
    amountFen: r.amount_fen,
    forfeitedFen: r.forfeited_fen,
    categories: JSON.parse(r.categories) as JournalRecord['categories'],
    otherTenderFen: r.other_tender_fen,
    authorization: r.authorization,
    reverses: r.reverses,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export type NewRecord = Omit<JournalRecord, 'seq' | 'id' | 'deviceId' | 'prevHash' | 'hash'>;

/**
 * The append-only journal table. `append` must run inside the caller's transaction (the sale's),
 * so the record, the sale and the voucher state commit together or not at all.
 */
export class Journal {
  private readonly headStmt;
  private readonly insertStmt;

  constructor(
    private readonly db: Db,
    private readonly deviceId: () => string,
  ) {
    this.headStmt = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      `INSERT INTO journal (seq, id, device_id, type, time, cashier_id, sale_id, voucher_id, campaign_id, kind, amount_fen, forfeited_fen,
                            categories, other_tender_fen, authorization, reverses, prev_hash, hash)
       VALUES (@seq, @id, @deviceId, @type, @time, @cashierId, @saleId, @voucherId, @campaignId, @kind, @amountFen, @forfeitedFen,
               @categories, @otherTenderFen, @authorization, @reverses, @prevHash, @hash)`,
    );
  }

  append(r: NewRecord): JournalRecord {
    if (!this.db.inTransaction) throw new Error('Journal.append must run inside a transaction');
    const head = this.headStmt.get();
    const base = {
      ...r,
      seq: (head?.seq ?? 0) + 1,
      id: crypto.randomUUID(),
      deviceId: this.deviceId(),
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    const record: JournalRecord = { ...base, hash: hashRecord(base) };
    this.insertStmt.run({ ...record, categories: JSON.stringify(record.categories) });
    return record;
  }

  bySale(saleId: string): JournalRecord[] {
    return this.db.prepare<[string], JournalRow>('SELECT * FROM journal WHERE sale_id = ? ORDER BY seq').all(saleId).map(rowToRecord);
  }

  range(fromSeq: number, limit: number): JournalRecord[] {
    return this.db
      .prepare<[number, number], JournalRow>('SELECT * FROM journal WHERE seq >= ? ORDER BY seq LIMIT ?')
      .all(fromSeq, limit)
      .map(rowToRecord);
  }

  head(): { seq: number; hash: string } {
    return this.headStmt.get() ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Walks the whole chain from the first record. */
  verify(): ChainVerdict {
    const rows = this.db.prepare<[], JournalRow>('SELECT * FROM journal ORDER BY seq').iterate();
    return verifyChain(
      (function* () {
        for (const r of rows) yield rowToRecord(r);
      })(),
    );
  }
}
