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
  /** JSON { lines, listVersions } (issue 11); null on records that carry none. */
  detail: string | null;
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
    ...(r.detail ? (JSON.parse(r.detail) as Pick<JournalRecord, 'lines' | 'listVersions'>) : {}),
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
                            categories, other_tender_fen, authorization, reverses, prev_hash, hash, detail)
       VALUES (@seq, @id, @deviceId, @type, @time, @cashierId, @saleId, @voucherId, @campaignId, @kind, @amountFen, @forfeitedFen,
               @categories, @otherTenderFen, @authorization, @reverses, @prevHash, @hash, @detail)`,
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
    const { lines, listVersions, ...row } = record;
    const detail = lines === undefined && listVersions === undefined ? null : JSON.stringify({ lines, listVersions });
    this.insertStmt.run({ ...row, categories: JSON.stringify(record.categories), detail });
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

  /** Walks the chain (from the last retention checkpoint, if any records were purged). */
  verify(): ChainVerdict {
    return verifyStoredChain(this.db);
  }
}

/**
 * Verifies the journal stored in a database: this till's, or a backup being checked. Records up to
 * the last retention purge no longer hold their voucher ids, so their own hashes cannot be
 * recomputed; the chain is verified from that checkpoint's hash on, and reversals may still point at
 * the purged redemptions.
 */
export function verifyStoredChain(db: Db): ChainVerdict {
  const hasPurges = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'purges'").get() !== undefined;
  const upTo = hasPurges ? ((db.prepare('SELECT MAX(up_to_seq) AS s FROM purges').get() as { s: number | null }).s ?? 0) : 0;
  let from: Parameters<typeof verifyChain>[1] = { seq: 0, hash: GENESIS_HASH };
  if (upTo > 0) {
    const anchor = db.prepare<[number], { hash: string }>('SELECT hash FROM journal WHERE seq = ?').get(upTo);
    if (!anchor) return { ok: false, seq: upTo, problem: 'sequence_gap' };
    const redeems = db.prepare<[number], { id: string }>("SELECT id FROM journal WHERE seq <= ? AND type = 'redeem'").all(upTo);
    const reversed = db
      .prepare<[number], { reverses: string }>("SELECT reverses FROM journal WHERE seq <= ? AND type = 'reverse'")
      .all(upTo);
    from = {
      seq: upTo,
      hash: anchor.hash,
      knownRedeems: new Set(redeems.map((r) => r.id)),
      reversed: new Set(reversed.map((r) => r.reverses)),
    };
  }
  const rows = db.prepare<[number], JournalRow>('SELECT * FROM journal WHERE seq > ? ORDER BY seq').iterate(upTo);
  const verdict = verifyChain(
    (function* () {
      for (const r of rows) yield rowToRecord(r);
    })(),
    from,
  );
  // Nothing after the checkpoint: the head is the checkpoint itself.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, verifyChain over no records already answers headSeq from.seq (upTo) and headHash from.hash
  return verdict.ok && verdict.count === 0 && upTo > 0 ? { ok: true, count: 0, headSeq: upTo, headHash: from.hash } : verdict;
}
