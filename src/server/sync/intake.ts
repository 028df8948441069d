import crypto from 'node:crypto';
import { publicKeyFromBase64url, verify } from '../../trust/ed25519';
import { verifyChain, type JournalRecord } from '../../trust/chain';
import {
  batchSigningInput,
  withinRecordBounds,
  type BatchRequest,
  type BatchResponse,
  type RecordStatus,
  type RejectReason,
} from '../../shared/sync/protocol';
import { inList, type Param, type SqlDriver } from '../store/sqlDriver';
import { judgeClaimedTimes } from './checkpoints';
import { ServerError } from './errors';
import { judgeLines, loadListContext, storeLines, type LinesVerdict } from './lineRules';
import { judgeOfflineLimits, loadOfflineHistory, offlineView } from './offlineLimits';
import type { DeviceRow } from './deviceRow';
import { chunks, judgeVoucherUse, loadVoucherContext } from './voucherRules';

/** Digest of a batch body: the same batch id with a different body is a conflict, never a second count. */
export function batchDigest(b: BatchRequest): string {
  // The validated body re-serialised: zod's output has the schema's key order, so this is canonical.
  return crypto.createHash('sha256').update(JSON.stringify(b)).digest('hex');
}

type Outcome = { status: RecordStatus; reason: RejectReason | null; lines?: LinesVerdict['lines'] };
type KnownRecord = Outcome & { amount: number };

/**
 * Takes a till's batch, in the transaction that locked the till's row first (its batches are taken
 * one at a time, so a resend that arrives while the first copy is being taken waits for it and then
 * finds its stored answer; see http/signedRequests.ts). The batch id is the idempotency key: the same batch
 * again gets the stored answer and changes nothing. Signature, sequence continuity from the
 * device's previous batch and the hash chain are checked first (any failure rejects every record
 * and stores none of them); then each record gets accepted, or rejected with a reason. A record
 * that cannot be paid (out of range, reused id, over a limit) is answered for itself, so the
 * batch always completes and the till never resends it for ever. Set-based throughout: a few
 * queries per 500 records, never one per record.
 */
export async function intakeBatch(t: SqlDriver, device: DeviceRow, batch: BatchRequest, now = new Date()): Promise<BatchResponse> {
  if (batch.deviceId !== device.device_id) throw new ServerError('forbidden', 'a till may upload only its own journal');
  const digest = batchDigest(batch);
  // Whether this batch was taken before, and which of its record ids the program already holds: one round trip.
  const { seen, taken } = await loadSeen(t, batch);
  if (seen) {
    if (seen.body_hash !== digest) throw new ServerError('batch_conflict', 'this batch id was used for a different batch');
    return JSON.parse(seen.response) as BatchResponse;
  }
  const headSeq = Number(device.head_seq);
  const saveResponse = async (response: BatchResponse) => {
    await t.run('INSERT INTO batches (batch_id, device_id, body_hash, response, received_at) VALUES (?, ?, ?, ?, ?)', [
      batch.batchId,
      batch.deviceId,
      digest,
      JSON.stringify(response),
      now.toISOString(),
    ]);
    return response;
  };
  const rejectAll = (reason: RejectReason) =>
    saveResponse({ batchId: batch.batchId, results: batch.records.map((r) => ({ id: r.id, status: 'rejected', reason })), headSeq });

  if (!verify(publicKeyFromBase64url(device.public_key), Buffer.from(batchSigningInput(batch)), Buffer.from(batch.signature, 'base64url')))
    return rejectAll('bad_signature');
  const records: JournalRecord[] = batch.records;
  // A batch mixing tills is a broken chain for verifyChain too; this refuses one of another till's records.
  // Stryker disable next-line MethodExpression: `every` differs only on a mixed batch, which verifyChain refuses the same way
  if (records.some((r) => r.deviceId !== batch.deviceId)) return rejectAll('bad_chain');
  const earlier = await loadEarlierRecords(t, batch.deviceId, records);
  const chain = verifyChain(records, {
    seq: headSeq,
    hash: device.head_hash,
    knownRedeems: earlier.redeems,
    reversed: earlier.reversed,
    repeatedIds: 'allow',
  });
  if (!chain.ok)
    return rejectAll(
      chain.problem === 'sequence_gap'
        ? 'sequence_gap'
        : chain.problem === 'bad_reversal' || chain.problem === 'double_reversal'
          ? 'bad_reversal'
          : 'bad_chain',
    );

  // What each record is, before any rule: a reused id, out of range, a void that matches its redemption.
  const duplicate = new Set<JournalRecord>();
  const ids = new Set<string>();
  for (const r of records) {
    if (taken.has(r.id) || ids.has(r.id)) duplicate.add(r);
    ids.add(r.id);
  }
  // Every claimed time against what the program saw of this till (checkpoints, receipt, enrollment, order).
  const times = await judgeClaimedTimes(t, device, records, now);
  if (times.forked) return rejectAll('bad_chain');
  const inRange = new Set(records.filter(withinRecordBounds));
  const status = earlier.status;
  const voidMatches = new Set<JournalRecord>();
  const amounts = new Map([...status].map(([id, s]) => [id, s.amount]));
  // Every void names its redemption: verifyChain has refused the batch otherwise.
  for (const r of records) {
    if (r.type === 'redeem') amounts.set(r.id, r.amountFen);
    else if (amounts.get(r.reverses!) === r.amountFen) voidMatches.add(r);
  }

  const ctx = await loadVoucherContext(
    t,
    records.map((r) => r.voucherId),
    batch.deviceId,
  );
  // Item lines against the lists the till had (issue 11): the lists read once for the batch.
  const lists = await loadListContext(t, device.merchant_id, records);
  const nowMs = now.getTime();
  const view = offlineView(records, ctx, nowMs);
  const history = await loadOfflineHistory(t, batch.deviceId, view.records);
  const overLimit = new Map<JournalRecord, RejectReason>();
  if (history)
    for (const [v, reason] of judgeOfflineLimits(
      view.records,
      history,
      ctx.campaigns,
      (id) => ctx.state.get(id)?.v.faceValueFen,
      (v) => inRange.has(view.original(v)) && (v.type === 'redeem' || voidMatches.has(view.original(v))),
    ))
      overLimit.set(view.original(v), reason);

  /**
   * In order: what the record is (a reused id, out of range), whether its claimed time fits, then
   * the rules for its use of the voucher (judged at its time, with every revocation the till had
   * been told of), the offline limits; and an offline record that reaches the program later than
   * the campaign's offline window after its sale is held for a person to review.
   */
  const judgeRecord = (r: JournalRecord): Outcome => {
    const refuse = (reason: RejectReason): Outcome => ({ status: 'rejected', reason });
    if (duplicate.has(r)) return refuse('duplicate_record');
    if (!inRange.has(r)) return refuse('out_of_range');
    const time = times.refused.get(r);
    if (time === 'time_after_receipt' || time === 'time_before_enrollment') return refuse(time);
    if (r.type === 'reverse') return time ? refuse(time) : judgeReverse(status, r);
    const lines = judgeLines(r, ctx.campaigns.get(r.campaignId), lists);
    const rule =
      categoriesProblem(r) ?? lines?.reason ?? judgeVoucherUse(ctx, { ...r, knownAt: times.knownAt.get(r) }, device.merchant_id) ?? time;
    const reason = rule ?? overLimit.get(r) ?? null;
    // Refused lines come with the refusal, whose reason they are: lines that balance leave no category problem.
    if (reason) return lines && lines.lines.length > 0 ? { ...refuse(reason), lines: lines.lines } : refuse(reason);
    // The campaign is known: judgeVoucherUse refuses a record of a campaign the program does not have.
    const window = ctx.campaigns.get(r.campaignId)!.offline.maxHoursOffline;
    if (view.offline.has(r) && Date.parse(r.time) < nowMs - window * 3_600_000) return { status: 'held', reason: 'late_upload' };
    return { status: 'accepted', reason: null };
  };
  const results: BatchResponse['results'] = [];
  const rows: Param[][] = [];
  const duplicates: Param[][] = [];
  // Stryker disable next-line ArrayDeclaration: a stray id names no authorization, so its UPDATE changes no row
  const captured: string[] = [];
  // Stryker disable next-line ArrayDeclaration: as above
  const released: string[] = [];
  const nowIso = now.toISOString();
  for (const r of records) {
    const outcome = judgeRecord(r);
    const ok = outcome.status !== 'rejected'; // a held record counts against the voucher until it is reviewed
    if (r.type === 'redeem' && !duplicate.has(r)) {
      const own = ctx.ownReservation(r);
      if (own) {
        (ok ? captured : released).push(own.id);
        // Stryker disable next-line StringLiteral: only 'reserved' counts in this batch's later judgments (the stored status is written from the lists above)
        own.status = ok ? 'captured' : 'released';
      }
      if (ok) ctx.apply(r.voucherId, r.amountFen, 1);
    } else if (ok) ctx.apply(r.voucherId, r.amountFen, -1);
    status.set(r.id, { ...outcome, amount: r.amountFen });
    results.push({ id: r.id, ...outcome });
    const verdict = outcome.reason;
    if (duplicate.has(r)) {
      duplicates.push([r.deviceId, r.seq, r.id, batch.batchId, r.type, r.amountFen, JSON.stringify(r), nowIso]);
      continue;
    }
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
      outcome.status,
      verdict,
      nowIso,
      nowIso,
      r.cashierId,
    ]);
  }
  await insertRecords(t, rows);
  await storeLines(
    t,
    records.filter((r) => !duplicate.has(r)),
  );
  for (const chunk of chunks(duplicates, 200)) {
    await t.run(
      `INSERT INTO duplicate_records (device_id, seq, record_id, batch_id, type, amount_fen, body, received_at)
       VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flat(),
    );
  }
  for (const [state, list] of [
    ['captured', captured],
    ['released', released],
  ] as const) {
    for (const chunk of chunks(list, 500))
      await t.run(
        `UPDATE authorizations SET status = ? WHERE status = 'reserved' AND authorization_id IN (${chunk.map(() => '?').join(', ')})`,
        [state, ...chunk],
      );
  }
  await t.run('UPDATE devices SET head_seq = ?, head_hash = ?, last_time = ? WHERE device_id = ?', [
    chain.headSeq,
    chain.headHash,
    times.lastTime,
    batch.deviceId,
  ]);
  return saveResponse({ batchId: batch.batchId, results, headSeq: chain.headSeq });
}

/** The records table's columns, in the order of the rows intakeBatch builds. */
const RECORD_COLUMNS = [
  'record_id',
  'device_id',
  'merchant_id',
  'seq',
  'batch_id',
  'sale_id',
  'type',
  'time',
  'voucher_id',
  'campaign_id',
  'kind',
  'amount_fen',
  'forfeited_fen',
  'other_tender_fen',
  'categories',
  'auth_ref',
  'reverses',
  'hash',
  'status',
  'reason',
  'received_at',
  'updated_at',
  'cashier_id',
] as const;
// Stryker disable all: PostgreSQL's array types only (see insertRecords)
const PG_BIGINT_COLUMNS: ReadonlySet<string> = new Set([
  'seq',
  'campaign_id',
  'amount_fen',
  'forfeited_fen',
  'other_tender_fen',
  'cashier_id',
]);
// Stryker restore all

/**
 * The batch's records in set statements. On PostgreSQL one INSERT … SELECT over a single JSON
 * parameter, an array of rows: one parameter whatever the batch's size, so the statement is parsed
 * once per connection, and the rows travel as one JSON text that Node writes natively and
 * PostgreSQL reads in one pass (23 text arrays, escaped element by element in JavaScript, cost the
 * server more CPU than any other step of an intake). On SQLite multi-row VALUES.
 */
async function insertRecords(t: SqlDriver, rows: Param[][]): Promise<void> {
  const columns = RECORD_COLUMNS.join(', ');
  // Stryker disable next-line BlockStatement,StringLiteral,ConditionalExpression: PostgreSQL's branch emptied, never taken or its test miswritten changes only PostgreSQL, which a mutation run does not use (taking it always on SQLite is seen; it fails)
  if (t.dialect === 'postgres') {
    // Stryker disable all: PostgreSQL's own statement: a mutation run uses SQLite (vitest.mutate.config.ts); every PostgreSQL store test of `npm test` runs it
    const fields = RECORD_COLUMNS.map((c, i) => `(r->>${i})${PG_BIGINT_COLUMNS.has(c) ? '::bigint' : ''}`).join(', ');
    for (const chunk of chunks(rows, 2000))
      await t.run(`INSERT INTO records (${columns}) SELECT ${fields} FROM jsonb_array_elements(?::jsonb) AS r`, [jsonbText(chunk)]);
    return;
    // Stryker restore all
  }
  for (const chunk of chunks(rows, 200))
    await t.run(
      `INSERT INTO records (${columns}) VALUES ${chunk.map(() => `(${RECORD_COLUMNS.map(() => '?').join(', ')})`).join(', ')}`,
      chunk.flat(),
    );
}

/**
 * Rows as JSON text PostgreSQL's jsonb takes. JSON.stringify writes a lone UTF-16 surrogate (a string
 * no honest till makes, but the schema's free-text fields let one through) as an escape that jsonb
 * refuses, which would fail the whole batch for ever; such a string is stored with U+FFFD in its
 * place, as PostgreSQL's text parameters store it. The scan costs microseconds; the rewrite runs only then.
 */
// Stryker disable all: PostgreSQL's own encoding (see insertRecords); tests/server/bad-input.test.ts runs it on PostgreSQL
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function jsonbText(rows: Param[][]): string {
  const text = JSON.stringify(rows);
  if (!/\\u[dD][89a-fA-F]/.test(text)) return text;
  return JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'string' ? v.replace(LONE_SURROGATE, '\uFFFD') : v));
}
// Stryker restore all

/**
 * The stored answer to this batch id, if it was taken before, and the record ids of the batch the
 * program already holds (of any till), in one round trip: at most MAX_BATCH_RECORDS ids, within
 * SQLite's limit on parameters (PostgreSQL takes one array).
 */
async function loadSeen(
  t: SqlDriver,
  batch: BatchRequest,
): Promise<{ seen?: { body_hash: string; response: string }; taken: Set<string> }> {
  const ids = inList(
    t,
    'record_id',
    batch.records.map((r) => r.id),
  );
  const rows = await t.all<{ what: 'batch' | 'record'; a: string; b: string | null }>(
    `SELECT 'batch' AS what, body_hash AS a, response AS b FROM batches WHERE batch_id = ?
     UNION ALL SELECT 'record' AS what, record_id AS a, NULL AS b FROM records WHERE ${ids.sql}`,
    [batch.batchId, ...ids.params],
  );
  const taken = new Set<string>();
  let seen: { body_hash: string; response: string } | undefined;
  for (const row of rows) {
    if (row.what === 'batch') seen = { body_hash: row.a, response: row.b! };
    else taken.add(row.a);
  }
  return { ...(seen ? { seen } : {}), taken };
}

/**
 * This till's earlier redemptions its voids point at (with their status), and those already
 * voided, in set queries. (Record ids the batch reuses come with the seen-batch check: loadSeen.)
 */
async function loadEarlierRecords(
  t: SqlDriver,
  deviceId: string,
  records: JournalRecord[],
): Promise<{ redeems: Set<string>; reversed: Set<string>; status: Map<string, KnownRecord> }> {
  const redeems = new Set<string>();
  const reversed = new Set<string>();
  const status = new Map<string, KnownRecord>();
  // Stryker disable next-line MethodExpression,ConditionalExpression,LogicalOperator: a redemption's `reverses` is null, which names no record: the lookups below find nothing more for it
  const targets = [...new Set(records.filter((r) => r.type === 'reverse' && r.reverses).map((r) => r.reverses!))];
  for (const chunk of chunks(targets, 500)) {
    const m = marks(chunk);
    const own = await t.all<{
      record_id: string;
      type: string;
      status: RecordStatus;
      reason: RejectReason | null;
      amount_fen: number;
    }>(`SELECT record_id, type, status, reason, amount_fen FROM records WHERE device_id = ? AND record_id IN (${m})`, [deviceId, ...chunk]);
    for (const row of own) {
      if (row.type === 'redeem') redeems.add(row.record_id);
      status.set(row.record_id, { status: row.status, reason: row.reason, amount: Number(row.amount_fen) });
    }
    // A redemption whose id was taken was kept apart, rejected; its void follows it.
    const kept = await t.all<{ record_id: string; type: string; amount_fen: number }>(
      `SELECT record_id, type, amount_fen FROM duplicate_records WHERE device_id = ? AND record_id IN (${m}) ORDER BY seq`,
      [deviceId, ...chunk],
    );
    for (const row of kept) {
      if (row.type === 'redeem') redeems.add(row.record_id);
      status.set(row.record_id, { status: 'rejected', reason: 'duplicate_record', amount: Number(row.amount_fen) });
    }
    for (const row of await t.all<{ reverses: string }>(`SELECT reverses FROM records WHERE device_id = ? AND reverses IN (${m})`, [
      deviceId,
      ...chunk,
    ]))
      reversed.add(row.reverses);
  }
  return { redeems, reversed, status };
}

/** The per-category amounts must be there and add up to the amount redeemed, to the fen. */
function categoriesProblem(r: JournalRecord): RejectReason | null {
  const sum = Object.values(r.categories).reduce((a, c) => a + c.amountFen, 0);
  return sum === r.amountFen ? null : 'categories_mismatch';
}

/** A void follows its redemption: accepted if that was, held or rejected (with its reason) if that was. */
function judgeReverse(status: ReadonlyMap<string, KnownRecord>, r: JournalRecord): Outcome {
  const orig = status.get(r.reverses!); // named: verifyChain refuses a void without its redemption
  if (!orig || orig.amount !== r.amountFen) return { status: 'rejected', reason: 'bad_reversal' };
  if (orig.status === 'accepted') return { status: 'accepted', reason: null };
  // Stryker disable next-line StringLiteral: a record held or rejected always has its reason; the fallback only satisfies the type
  return { status: orig.status, reason: orig.reason ?? 'bad_reversal' };
}

const marks = (items: unknown[]) => items.map(() => '?').join(', ');
