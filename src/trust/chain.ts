import crypto from 'node:crypto';
import type { JournalRecord } from '../shared/sync/protocol';

/**
 * The redemption journal's record and its hash chain (DESIGN.md §3). Each record's hash covers a
 * canonical encoding of every field plus the previous record's hash, so changing, dropping or
 * reordering any record breaks every hash after it. The same code verifies on the till and on the
 * program server.
 */
// One record type for the till and the program: inferred from the protocol schema that validates it on the wire.
export type { CategoryAmount, JournalRecord } from '../shared/sync/protocol';

export const GENESIS_HASH = '0'.repeat(64);
const FORMAT = 'caretill-journal/1';

export function canonicalRecord(r: Omit<JournalRecord, 'hash'>): string {
  const categories = Object.keys(r.categories)
    .sort()
    .map((k) => [k, r.categories[k]!.amountFen, r.categories[k]!.quantity]);
  return JSON.stringify([
    FORMAT,
    r.seq,
    r.id,
    r.deviceId,
    r.type,
    r.time,
    r.cashierId,
    r.saleId,
    r.voucherId,
    r.campaignId,
    r.kind,
    r.amountFen,
    r.forfeitedFen,
    categories,
    r.otherTenderFen,
    r.authorization,
    r.reverses,
    r.prevHash,
    // Item lines and list versions (issue 11) are covered when present; a record without them
    // encodes exactly as before, so records written by earlier tills keep their hashes.
    ...(r.lines === undefined && r.listVersions === undefined
      ? []
      : [
          r.listVersions ? [r.listVersions.apl, r.listVersions.shop] : null,
          (r.lines ?? []).map((l) => [l.code, l.name, l.quantity, l.unitPriceFen, l.amountFen, l.category]),
        ]),
  ]);
}

export function hashRecord(r: Omit<JournalRecord, 'hash'>): string {
  return crypto.createHash('sha256').update(canonicalRecord(r)).digest('hex');
}

export type ChainProblem =
  'sequence_gap' | 'bad_prev_hash' | 'bad_hash' | 'bad_reversal' | 'double_reversal' | 'duplicate_id' | 'mixed_devices';

export type ChainVerdict =
  { ok: true; count: number; headSeq: number; headHash: string } | { ok: false; seq: number; problem: ChainProblem };

/**
 * Verifies a run of records: contiguous sequence numbers, each prev_hash equal to the previous
 * hash, each hash recomputed, each reversal pointing at an earlier redemption reversed only once.
 * `from` lets the server continue a chain from the head of the device's previous batch.
 * `repeatedIds: 'allow'` leaves a repeated record id to the caller (the program rejects that one
 * record and keeps the chain): the chain itself does not depend on ids being unique.
 */
export function verifyChain(
  records: Iterable<JournalRecord>,
  from: { seq: number; hash: string; knownRedeems?: Set<string>; reversed?: Set<string>; repeatedIds?: 'refuse' | 'allow' } = {
    seq: 0,
    hash: GENESIS_HASH,
  },
): ChainVerdict {
  let prevSeq = from.seq;
  let prevHash = from.hash;
  let device: string | null = null;
  let count = 0;
  const redeems = from.knownRedeems ?? new Set<string>();
  const reversed = from.reversed ?? new Set<string>();
  const ids = new Set<string>();
  for (const r of records) {
    if (r.seq !== prevSeq + 1) return { ok: false, seq: r.seq, problem: 'sequence_gap' };
    if (device !== null && r.deviceId !== device) return { ok: false, seq: r.seq, problem: 'mixed_devices' };
    device = r.deviceId;
    if (r.prevHash !== prevHash) return { ok: false, seq: r.seq, problem: 'bad_prev_hash' };
    if (hashRecord(r) !== r.hash) return { ok: false, seq: r.seq, problem: 'bad_hash' };
    if (from.repeatedIds !== 'allow' && (ids.has(r.id) || redeems.has(r.id))) return { ok: false, seq: r.seq, problem: 'duplicate_id' };
    ids.add(r.id);
    if (r.type === 'redeem') {
      if (r.reverses !== null) return { ok: false, seq: r.seq, problem: 'bad_reversal' };
      redeems.add(r.id);
    } else {
      // Stryker disable next-line ConditionalExpression: equivalent, `redeems` holds record ids (strings), so has(null) is false and the void is refused either way
      if (r.reverses === null || !redeems.has(r.reverses)) return { ok: false, seq: r.seq, problem: 'bad_reversal' };
      if (reversed.has(r.reverses)) return { ok: false, seq: r.seq, problem: 'double_reversal' };
      reversed.add(r.reverses);
    }
    prevSeq = r.seq;
    prevHash = r.hash;
    count++;
  }
  return { ok: true, count, headSeq: prevSeq, headHash: prevHash };
}
