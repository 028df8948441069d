import type { JournalHead, JournalRecord, RejectReason } from '../../shared/sync/protocol';
import { DEFAULT_CLOCK_SKEW_MS } from '../../trust/verifyVoucher';
import type { SqlDriver } from '../store/sqlDriver';

/**
 * The program never takes a till's clock on faith (issue 10, item 2; DESIGN.md §5). Every signed
 * request carries the till's journal head; the program keeps it as a checkpoint with its own
 * clock: "at `first_at` the till's journal had reached `head_seq` (ending in `head_hash`), and
 * it still stood there at `last_at`". A record's claimed time must fit them:
 *   - a record with a higher seq was written after the request: not before `last_at`;
 *   - a record with a seq at or below the head existed already: not after `first_at`;
 * and besides: never later than its receipt, never earlier than the till's enrollment (a
 * checkpoint at seq 0) or the record before it on the chain. The head's hash pins the records up
 * to it, so a till cannot report a head and write those records differently afterwards. A manifest
 * fetch notes the version the till was given: every revocation in it binds every later record.
 */

/**
 * How far a claimed time may stray from these bounds: the till's clock may be off by the verifier's
 * tolerance (5 minutes), and a request spends up to a minute between signing and arrival.
 */
export const CLAIMED_TIME_SKEW_MS = DEFAULT_CLOCK_SKEW_MS + 60_000;

/** Notes a checkpoint; `manifestVersion`: the manifest the till was given in reply (a fetch or its enrollment). */
export async function noteCheckpoint(sql: SqlDriver, deviceId: string, head: JournalHead, at: Date, manifestVersion = 0): Promise<void> {
  const iso = at.toISOString();
  // Each bound only ever widens to what the program saw: the earliest first, the latest last, the newest manifest.
  await sql.run(
    `INSERT INTO device_checkpoints (device_id, head_seq, head_hash, first_at, last_at, manifest_version) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (device_id, head_seq) DO UPDATE SET
       first_at = CASE WHEN excluded.first_at < device_checkpoints.first_at THEN excluded.first_at ELSE device_checkpoints.first_at END,
       last_at = CASE WHEN excluded.last_at > device_checkpoints.last_at THEN excluded.last_at ELSE device_checkpoints.last_at END,
       manifest_version = CASE WHEN excluded.manifest_version > device_checkpoints.manifest_version
                               THEN excluded.manifest_version ELSE device_checkpoints.manifest_version END`,
    [deviceId, head.seq, head.hash, iso, iso, manifestVersion],
  );
}

interface CheckpointRow {
  head_seq: number;
  head_hash: string;
  first_at: string;
  last_at: string;
  manifest_version: number;
}

export interface TimeVerdicts {
  /** Records whose claimed time does not fit, with the reason. */
  refused: Map<JournalRecord, RejectReason>;
  /** When the newest manifest the till had fetched before each record was published (ms); absent: none known. */
  knownAt: Map<JournalRecord, number>;
  /** A reported head whose hash differs from the record at its seq: the till rewrote what it had reported. */
  forked: boolean;
  /** The latest plausible claimed time on the chain after this batch (the next record may not be earlier). */
  lastTime: string | null;
}

/**
 * Judges the claimed times of a batch (contiguous seqs, chain already verified) against the
 * device's checkpoints. Three small queries whatever the batch's size, then one pass each way.
 */
export async function judgeClaimedTimes(
  t: SqlDriver,
  device: { device_id: string; enrolled_at: string; last_time: string | null },
  records: JournalRecord[],
  now: Date,
): Promise<TimeVerdicts> {
  const refused = new Map<JournalRecord, RejectReason>();
  const knownAt = new Map<JournalRecord, number>();
  if (records.length === 0) return { refused, knownAt, forked: false, lastTime: device.last_time };
  const first = records[0]!.seq;
  const last = records[records.length - 1]!.seq;
  const id = device.device_id;
  // The checkpoints within the batch's seqs, and the nearest bounds below and above it, in one round trip.
  const rows = await t.all<CheckpointRow & { part: 'within' | 'before' | 'after' }>(
    `SELECT 'within' AS part, head_seq, head_hash, first_at, last_at, manifest_version FROM device_checkpoints
      WHERE device_id = ? AND head_seq >= ? AND head_seq <= ?
     UNION ALL SELECT 'before' AS part, NULL, NULL, NULL, MAX(last_at), MAX(manifest_version) FROM device_checkpoints WHERE device_id = ? AND head_seq < ?
     UNION ALL SELECT 'after' AS part, NULL, NULL, MIN(first_at), NULL, NULL FROM device_checkpoints WHERE device_id = ? AND head_seq > ?`,
    [id, first, last, id, first, id, last],
  );
  const within = rows.filter((r) => r.part === 'within').sort((a, b) => Number(a.head_seq) - Number(b.head_seq));
  const b = rows.find((r) => r.part === 'before');
  const before = b ? { at: b.last_at as string | null, v: b.manifest_version as number | null } : undefined;
  const after = { at: (rows.find((r) => r.part === 'after')?.first_at ?? null) as string | null };
  const bySeq = new Map(within.map((c) => [Number(c.head_seq), c]));
  const forked = records.some((r) => {
    const c = bySeq.get(r.seq);
    return c !== undefined && c.head_hash !== r.hash;
  });

  // Latest first: the earliest moment each record can have existed by (a checkpoint at or above its seq).
  const upper = new Array<number>(records.length);
  let bound = after?.at ? Date.parse(after.at) : Infinity;
  for (let i = records.length - 1; i >= 0; i--) {
    const c = bySeq.get(records[i]!.seq);
    if (c) bound = Math.min(bound, Date.parse(c.first_at));
    upper[i] = bound;
  }

  const versions = new Set<number>();
  let version = Number(before?.v ?? 0);
  const versionOf = new Map<JournalRecord, number>();
  let lower = before?.at ? Date.parse(before.at) : -Infinity;
  const nowMs = now.getTime();
  const enrolledMs = Date.parse(device.enrolled_at);
  let prev = device.last_time ? Date.parse(device.last_time) : -Infinity;
  let lastTime = device.last_time;
  const skew = CLAIMED_TIME_SKEW_MS;
  records.forEach((r, i) => {
    const claimed = Date.parse(r.time);
    const reason: RejectReason | null =
      claimed > nowMs + skew
        ? 'time_after_receipt'
        : claimed < enrolledMs - skew
          ? 'time_before_enrollment'
          : claimed < lower - skew || claimed > upper[i]! + skew
            ? 'time_inconsistent'
            : claimed < prev - skew
              ? 'time_out_of_order'
              : null;
    if (reason) refused.set(r, reason);
    else if (claimed > prev) {
      prev = claimed;
      lastTime = r.time;
    }
    if (version > 0) {
      versionOf.set(r, version);
      versions.add(version);
    }
    // This record's own checkpoint bounds the ones after it.
    const c = bySeq.get(r.seq);
    if (c) {
      lower = Math.max(lower, Date.parse(c.last_at));
      version = Math.max(version, Number(c.manifest_version));
    }
  });

  if (versions.size > 0) {
    const list = [...versions];
    const published = new Map(
      (
        await t.all<{ version: number; published_at: string }>(
          `SELECT version, published_at FROM manifests WHERE version IN (${list.map(() => '?').join(', ')})`,
          list,
        )
      ).map((m) => [Number(m.version), Date.parse(m.published_at)] as const),
    );
    for (const [r, v] of versionOf) {
      const at = published.get(v);
      if (at !== undefined) knownAt.set(r, at);
    }
  }
  return { refused, knownAt, forked, lastTime };
}
