import crypto from 'node:crypto';
import type { StatusResponse } from '../../shared/sync/protocol';
import { checkInput, merchantIdSchema, payoutReferenceSchema, statementIdSchema } from '../program/inputs';
import type { ProgramStore } from '../store/programStore';
import { inList } from '../store/sqlDriver';
import { ServerError } from './errors';

export interface StatementRow {
  statement_id: string;
  merchant_id: string;
  period_until: string;
  status: 'draft' | 'approved' | 'paid';
  total_fen: number;
  record_count: number;
  created_at: string;
  approved_at: string | null;
  paid_at: string | null;
  payout_reference: string | null;
}

/** A draft statement of a merchant's accepted, not yet settled records up to `until`; null when there are none. */
export async function createStatement(
  store: ProgramStore,
  merchantId: string,
  until: Date,
  now = new Date(),
): Promise<StatementRow | null> {
  checkInput(merchantIdSchema, merchantId, 'merchantId');
  if (Number.isNaN(until.getTime())) throw new ServerError('bad_request', 'until: not a date');
  // The records are claimed first and the totals summed from exactly the rows claimed: under
  // PostgreSQL's READ COMMITTED a batch that commits between a SUM and the claim would otherwise be
  // claimed without being counted. A claim is a row of statement_records keyed by the record (see the
  // migration): a statement made at the same moment by another process waits on each record the
  // first one inserted, then skips it (ON CONFLICT DO NOTHING), so no record is in two statements
  // and each statement's totals are those of the claims it inserted.
  return store.sql.tx(async (t) => {
    const id = `ST-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${crypto.randomBytes(3).toString('hex').toUpperCase()}`;
    const nowIso = now.toISOString();
    await t.run(
      'INSERT INTO statements (statement_id, merchant_id, period_until, status, total_fen, record_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [id, merchantId, until.toISOString(), 'draft', 0, 0, nowIso, nowIso],
    );
    const claim = `INSERT INTO statement_records (rid, statement_id, net_fen)
      SELECT r.rid, ?, CASE r.type WHEN 'redeem' THEN r.amount_fen ELSE -r.amount_fen END FROM records r
       WHERE r.merchant_id = ? AND r.status = 'accepted' AND r.time <= ?
         AND NOT EXISTS (SELECT 1 FROM statement_records c WHERE c.rid = r.rid)
      ON CONFLICT (rid) DO NOTHING`;
    const params = [id, merchantId, until.toISOString()];
    // PostgreSQL sums the claims as it inserts them (one pass); SQLite, which has no INSERT in a
    // WITH (and runs one writer at a time), sums them afterwards by statement.
    const sums =
      t.dialect === 'postgres'
        ? await t.get<{ total: number | null; n: number }>(
            `WITH claimed AS (${claim} RETURNING net_fen) SELECT SUM(net_fen) AS total, count(*) AS n FROM claimed`,
            params,
          )
        : (await t.run(claim, params)).changes === 0
          ? { total: 0, n: 0 }
          : await t.get<{ total: number | null; n: number }>(
              'SELECT SUM(net_fen) AS total, count(*) AS n FROM statement_records WHERE statement_id = ?',
              [id],
            );
    if (Number(sums?.n ?? 0) === 0) {
      await t.run('DELETE FROM statements WHERE statement_id = ?', [id]);
      return null;
    }
    await t.run('UPDATE statements SET total_fen = ?, record_count = ? WHERE statement_id = ?', [
      Number(sums?.total ?? 0),
      Number(sums?.n ?? 0),
      id,
    ]);
    return (await t.get<StatementRow>('SELECT * FROM statements WHERE statement_id = ?', [id]))!;
  });
}

export async function approveStatement(store: ProgramStore, id: string, now = new Date()): Promise<void> {
  checkInput(statementIdSchema, id, 'id');
  const r = await store.sql.run(
    "UPDATE statements SET status = 'approved', approved_at = ?, updated_at = ? WHERE statement_id = ? AND status = 'draft'",
    [now.toISOString(), now.toISOString(), id],
  );
  if (r.changes !== 1) throw new ServerError('wrong_state', `statement ${id} is not a draft`);
}

export async function payStatement(store: ProgramStore, id: string, reference: string, now = new Date()): Promise<void> {
  checkInput(statementIdSchema, id, 'id');
  const ref = checkInput(payoutReferenceSchema, reference, 'reference');
  const r = await store.sql.run(
    "UPDATE statements SET status = 'paid', paid_at = ?, payout_reference = ?, updated_at = ? WHERE statement_id = ? AND status = 'approved'",
    [now.toISOString(), ref, now.toISOString(), id],
  );
  if (r.changes !== 1) throw new ServerError('wrong_state', `statement ${id} is not approved`);
}

export async function listStatements(store: ProgramStore, merchantId?: string): Promise<StatementRow[]> {
  return merchantId
    ? store.sql.all<StatementRow>('SELECT * FROM statements WHERE merchant_id = ? ORDER BY created_at', [merchantId])
    : store.sql.all<StatementRow>('SELECT * FROM statements ORDER BY created_at');
}

/** Most record changes in one status reply; the till asks again from the cursor for the rest. */
const STATUS_PAGE = 20_000;
/**
 * A statement is stamped when its transaction starts and seen when it commits, seconds later for a
 * big one; a till that asked in between holds a cursor past its stamp. Claims of statements made
 * this long before the cursor are given again (a till stores them idempotently), so none is missed.
 */
export const CLAIM_LOOKBACK_MS = 10 * 60_000;

type StatusRecordRow = {
  record_id: string;
  status: 'accepted' | 'rejected';
  reason: StatusResponse['records'][number]['reason'];
  statement_id: string | null;
};

/**
 * What a till learns about its records (changed since `cursor`) and its merchant's statements. Two
 * kinds of change: a record's status (its updated_at moves past the cursor) and a statement's claim
 * of it (the statement was made after the cursor, or just before: CLAIM_LOOKBACK_MS). The cursor is
 * the latest change given; when a page of statuses is full, claims of statements made after its
 * last one wait for the next ask.
 */
export async function deviceStatus(store: ProgramStore, deviceId: string, cursor: string): Promise<StatusResponse> {
  const device = await store.sql.get<{ merchant_id: string }>('SELECT merchant_id FROM devices WHERE device_id = ?', [deviceId]);
  if (!device) throw new ServerError('unknown_device', 'this till is not enrolled');
  const changed = await store.sql.all<StatusRecordRow & { updated_at: string }>(
    `SELECT r.record_id, r.status, r.reason, c.statement_id, r.updated_at
       FROM records r LEFT JOIN statement_records c ON c.rid = r.rid
      WHERE r.device_id = ? AND r.updated_at > ? ORDER BY r.updated_at LIMIT ${STATUS_PAGE}`,
    [deviceId, cursor],
  );
  const statements = await listStatements(store, device.merchant_id);
  const upTo = changed.length === STATUS_PAGE ? changed[changed.length - 1]!.updated_at : null;
  const since = Number.isNaN(Date.parse(cursor)) ? cursor : new Date(Date.parse(cursor) - CLAIM_LOOKBACK_MS).toISOString();
  const fresh = statements.filter((s) => s.created_at > since && (upTo === null || s.created_at <= upTo));
  const ids = inList(
    store.sql,
    'c.statement_id',
    fresh.map((s) => s.statement_id),
  );
  const claimed = fresh.length
    ? await store.sql.all<StatusRecordRow>(
        `SELECT r.record_id, r.status, r.reason, c.statement_id
           FROM records r JOIN statement_records c ON c.rid = r.rid WHERE r.device_id = ? AND ${ids.sql}`,
        [deviceId, ...ids.params],
      )
    : [];
  const byId = new Map<string, StatusRecordRow>();
  for (const r of [...changed, ...claimed]) byId.set(r.record_id, r);
  const latest = [cursor, ...changed.map((r) => r.updated_at), ...fresh.map((s) => s.created_at)];
  return {
    records: [...byId.values()].map((r) => ({ id: r.record_id, status: r.status, reason: r.reason, statementId: r.statement_id })),
    statements: statements.map((s) => ({
      statementId: s.statement_id,
      status: s.status,
      totalFen: Number(s.total_fen),
      recordCount: Number(s.record_count),
      periodUntil: s.period_until,
      createdAt: s.created_at,
      approvedAt: s.approved_at,
      paidAt: s.paid_at,
      payoutReference: s.payout_reference,
    })),
    cursor: latest.reduce((a, b) => (b > a ? b : a)),
  };
}
