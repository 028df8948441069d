import crypto from 'node:crypto';
import type { StatusResponse } from '../../shared/sync/protocol';
import { checkInput, merchantIdSchema, payoutReferenceSchema, statementIdSchema } from '../program/inputs';
import type { ProgramStore } from '../store/programStore';
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
  // PostgreSQL's READ COMMITTED a batch that commits between a SUM and the UPDATE would otherwise be
  // claimed without being counted. The UPDATE takes each row's lock; a statement made at the same
  // moment by another process waits for it, re-checks `statement_id IS NULL` and skips those rows.
  return store.sql.tx(async (t) => {
    const id = `ST-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${crypto.randomBytes(3).toString('hex').toUpperCase()}`;
    const nowIso = now.toISOString();
    await t.run(
      'INSERT INTO statements (statement_id, merchant_id, period_until, status, total_fen, record_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [id, merchantId, until.toISOString(), 'draft', 0, 0, nowIso, nowIso],
    );
    const claim = [id, nowIso, merchantId, until.toISOString()];
    const where = "merchant_id = ? AND status = 'accepted' AND statement_id IS NULL AND time <= ?";
    const net = "SUM(CASE type WHEN 'redeem' THEN amount_fen ELSE -amount_fen END)";
    // PostgreSQL sums the rows as the UPDATE claims them (one pass over them); SQLite, which
    // has no UPDATE in a WITH, sums them afterwards by statement id.
    const sums =
      t.dialect === 'postgres'
        ? await t.get<{ total: number | null; n: number }>(
            `WITH claimed AS (UPDATE records SET statement_id = ?, updated_at = ? WHERE ${where} RETURNING type, amount_fen)
             SELECT ${net} AS total, count(*) AS n FROM claimed`,
            claim,
          )
        : (await t.run(`UPDATE records SET statement_id = ?, updated_at = ? WHERE ${where}`, claim)).changes === 0
          ? { total: 0, n: 0 }
          : await t.get<{ total: number | null; n: number }>(`SELECT ${net} AS total, count(*) AS n FROM records WHERE statement_id = ?`, [
              id,
            ]);
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

/** What a till learns about its records (changed since `cursor`) and its merchant's statements. */
export async function deviceStatus(store: ProgramStore, deviceId: string, cursor: string): Promise<StatusResponse> {
  const device = await store.sql.get<{ merchant_id: string }>('SELECT merchant_id FROM devices WHERE device_id = ?', [deviceId]);
  if (!device) throw new ServerError('unknown_device', 'this till is not enrolled');
  const records = await store.sql.all<{
    record_id: string;
    status: 'accepted' | 'rejected';
    reason: StatusResponse['records'][number]['reason'];
    statement_id: string | null;
    updated_at: string;
  }>(
    'SELECT record_id, status, reason, statement_id, updated_at FROM records WHERE device_id = ? AND updated_at > ? ORDER BY updated_at LIMIT 20000',
    [deviceId, cursor],
  );
  const statements = await listStatements(store, device.merchant_id);
  return {
    records: records.map((r) => ({ id: r.record_id, status: r.status, reason: r.reason, statementId: r.statement_id })),
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
    cursor: records.length ? records[records.length - 1]!.updated_at : cursor,
  };
}
