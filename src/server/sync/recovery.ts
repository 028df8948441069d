import type { JournalRecord, RecoveryResponse } from '../../shared/sync/protocol';
import { GENESIS_HASH } from '../../trust/chain';
import type { SqlDriver } from '../store/sqlDriver';
import { loadLines } from './lineRules';

interface RecordRow {
  record_id: string;
  device_id: string;
  seq: number | string;
  sale_id: string;
  type: 'redeem' | 'reverse';
  time: string;
  voucher_id: string;
  campaign_id: number | string;
  kind: 'fixed' | 'balance';
  amount_fen: number | string;
  forfeited_fen: number | string;
  other_tender_fen: number | string;
  categories: string;
  auth_ref: string;
  reverses: string | null;
  hash: string;
  status: 'accepted' | 'rejected' | 'held';
  reason: string | null;
  statement_id: string | null;
  cashier_id: number | string;
}

const PAGE = 1000;

/**
 * A till's own records after `afterSeq`, as the program holds them (accepted, rejected or held, and
 * the ones refused as duplicates, which are part of the till's chain all the same), rebuilt into
 * journal records the till can check hash by hash: prev_hash is the hash of the record before.
 * Only the till itself may ask (a signed request): nobody else learns what a shop sold.
 */
export async function recordsForRecovery(sql: SqlDriver, deviceId: string, afterSeq: number): Promise<RecoveryResponse> {
  const rows = await sql.all<RecordRow>(
    `SELECT r.*, c.statement_id FROM records r LEFT JOIN statement_records c ON c.rid = r.rid WHERE r.device_id = ? AND r.seq > ? ORDER BY r.seq LIMIT ?`,
    [deviceId, afterSeq, PAGE + 1],
  );
  const dupRows = await sql.all<{ seq: number | string; body: string }>(
    'SELECT seq, body FROM duplicate_records WHERE device_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    [deviceId, afterSeq, PAGE + 1],
  );
  const out: RecoveryResponse['records'] = [
    ...rows.map((r) => ({
      record: {
        seq: Number(r.seq),
        id: r.record_id,
        deviceId: r.device_id,
        type: r.type,
        time: r.time,
        cashierId: Number(r.cashier_id),
        saleId: r.sale_id,
        voucherId: r.voucher_id,
        campaignId: Number(r.campaign_id),
        kind: r.kind,
        amountFen: Number(r.amount_fen),
        forfeitedFen: Number(r.forfeited_fen),
        categories: JSON.parse(r.categories) as JournalRecord['categories'],
        otherTenderFen: Number(r.other_tender_fen),
        authorization: r.auth_ref,
        reverses: r.reverses,
        prevHash: '',
        hash: r.hash,
      },
      status: r.status,
      reason: r.reason,
      statementId: r.statement_id,
    })),
    ...dupRows.map((d) => ({
      record: JSON.parse(d.body) as JournalRecord,
      status: 'rejected' as const,
      reason: 'duplicate_record',
      statementId: null,
    })),
  ]
    .sort((a, b) => a.record.seq - b.record.seq)
    .slice(0, PAGE + 1);
  const more = out.length > PAGE;
  const page = out.slice(0, PAGE);
  const before =
    afterSeq === 0
      ? null
      : await sql.get<{ hash: string }>('SELECT hash FROM records WHERE device_id = ? AND seq = ?', [deviceId, afterSeq]);
  let prev = before?.hash ?? (afterSeq === 0 ? GENESIS_HASH : '');
  // Item lines and list versions (issue 11) are part of what the hash covers: give them back as written.
  const lines = await loadLines(
    sql,
    page.map((r) => r.record.id),
  );
  for (const r of page) {
    // The stored hash covers prev_hash: the till recomputes every hash, so a wrong link shows.
    if (!r.record.prevHash) {
      r.record.prevHash = prev;
      Object.assign(r.record, lines.get(r.record.id) ?? {});
    }
    prev = r.record.hash;
  }
  return { records: page, more };
}
