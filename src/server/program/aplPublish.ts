import type { KeyObject } from 'node:crypto';
import { APL_FORMAT, type AplDocument, type AplEntry, type SignedApl } from '../../shared/apl/apl';
import type { EligibleCategory } from '../../shared/domain/categories';
import { signApl } from '../../trust/trustedApl';
import type { Param, SqlDriver } from '../store/sqlDriver';
import { ProgramError } from './programError';

/**
 * Versions of the program's approved product list. Importing a file makes the next version: its
 * entries are stored with the range of versions they hold for, the whole list is signed, and so
 * are the deltas to it from each of the last DELTA_BASES versions, all at import time (the CLI
 * holds the root key; the server only serves what was signed).
 */
export const DELTA_BASES = 10;

interface EntryRow {
  barcode: string;
  category: string;
  max_unit_price_fen: number | string | null;
  valid_from: string | null;
  valid_until: string | null;
}

const toEntry = (r: EntryRow): AplEntry => ({
  barcode: r.barcode,
  category: r.category as EligibleCategory,
  maxUnitPriceFen: r.max_unit_price_fen === null ? null : Number(r.max_unit_price_fen),
  validFrom: r.valid_from,
  validUntil: r.valid_until,
});
const sameEntry = (a: AplEntry, b: AplEntry) =>
  a.category === b.category && a.maxUnitPriceFen === b.maxUnitPriceFen && a.validFrom === b.validFrom && a.validUntil === b.validUntil;
const byBarcode = (a: AplEntry, b: AplEntry) => (a.barcode < b.barcode ? -1 : a.barcode > b.barcode ? 1 : 0);

/** The entries listed at `version`. */
export async function aplEntriesAt(sql: SqlDriver, version: number): Promise<Map<string, AplEntry>> {
  const rows = await sql.all<EntryRow>(
    'SELECT barcode, category, max_unit_price_fen, valid_from, valid_until FROM apl_entries WHERE from_version <= ? AND (to_version IS NULL OR to_version > ?)',
    [version, version],
  );
  return new Map(rows.map((r) => [r.barcode, toEntry(r)]));
}

export async function latestAplVersion(sql: SqlDriver): Promise<number> {
  const r = await sql.get<{ v: number | string | null }>('SELECT MAX(version) AS v FROM apl_versions');
  return Number(r?.v ?? 0);
}

export interface AplPublishResult {
  /** The new version; the current one when nothing changed. */
  version: number;
  changed: boolean;
  entries: number;
  upserts: number;
  removals: number;
  /** The versions a signed delta to this one was made from. */
  deltasFrom: number[];
  /** Bytes of the whole signed list. */
  bytes: number;
}

function delta(from: ReadonlyMap<string, AplEntry>, to: AplEntry[]): { upserts: AplEntry[]; removals: string[] } {
  const keep = new Set<string>();
  const upserts: AplEntry[] = [];
  for (const e of to) {
    keep.add(e.barcode);
    const old = from.get(e.barcode);
    if (!old || !sameEntry(old, e)) upserts.push(e);
  }
  const removals = [...from.keys()].filter((b) => !keep.has(b)).sort();
  return { upserts, removals };
}

/**
 * Makes `entries` (the whole new list) the next APL version, signed with the root key, in one
 * transaction. Nothing changes when the list is the same as the current one.
 */
export async function publishApl(
  sql: SqlDriver,
  rootKey: KeyObject,
  programId: string,
  entries: AplEntry[],
  now: Date,
  source: string | null,
): Promise<AplPublishResult> {
  if (entries.length === 0) throw new ProgramError('the list has no good rows: nothing published');
  const list = [...entries].sort(byBarcode);
  for (let i = 1; i < list.length; i++)
    if (list[i]!.barcode === list[i - 1]!.barcode) throw new ProgramError(`barcode ${list[i]!.barcode} is listed twice`);
  return sql.tx(async (t) => {
    // One import at a time (SQLite's writes are serial already; PostgreSQL takes a lock for it).
    if (t.dialect === 'postgres') await t.get('SELECT pg_advisory_xact_lock(4243)');
    const current = await latestAplVersion(t);
    const listed = current === 0 ? new Map<string, AplEntry>() : await aplEntriesAt(t, current);
    const change = delta(listed, list);
    if (current > 0 && change.upserts.length === 0 && change.removals.length === 0)
      return { version: current, changed: false, entries: list.length, upserts: 0, removals: 0, deltasFrom: [], bytes: 0 };
    const version = current + 1;
    const issuedAt = now.toISOString();
    // Close the ranges of entries that change or go, then open the new ones.
    const closing = [...change.upserts.filter((e) => listed.has(e.barcode)).map((e) => e.barcode), ...change.removals];
    for (let i = 0; i < closing.length; i += 500) {
      const chunk = closing.slice(i, i + 500);
      await t.run(`UPDATE apl_entries SET to_version = ? WHERE to_version IS NULL AND barcode IN (${chunk.map(() => '?').join(', ')})`, [
        version,
        ...chunk,
      ]);
    }
    for (let i = 0; i < change.upserts.length; i += 500) {
      const chunk = change.upserts.slice(i, i + 500);
      await t.run(
        `INSERT INTO apl_entries (barcode, from_version, to_version, category, max_unit_price_fen, valid_from, valid_until)
         VALUES ${chunk.map(() => '(?, ?, NULL, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((e): Param[] => [e.barcode, version, e.category, e.maxUnitPriceFen, e.validFrom, e.validUntil]),
      );
    }
    const whole: AplDocument = { format: APL_FORMAT, programId, version, base: null, issuedAt, upserts: list, removals: [] };
    const signed = signApl(rootKey, whole);
    await t.run(
      'INSERT INTO apl_versions (version, issued_at, entry_count, upserts, removals, source, document, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [version, issuedAt, list.length, change.upserts.length, change.removals.length, source, signed.document, signed.signature],
    );
    // Deltas to this version from the last few; older ones are no longer served.
    await t.run('DELETE FROM apl_deltas WHERE version < ?', [version]);
    const deltasFrom: number[] = [];
    for (let base = Math.max(1, version - DELTA_BASES); base < version; base++) {
      const d = base === current ? change : delta(await aplEntriesAt(t, base), list);
      const doc: AplDocument = { format: APL_FORMAT, programId, version, base, issuedAt, upserts: d.upserts, removals: d.removals };
      const s = signApl(rootKey, doc);
      // A delta as large as the list itself is no help: the till gets the whole list instead.
      if (s.document.length >= signed.document.length) continue;
      await t.run('INSERT INTO apl_deltas (base, version, document, signature) VALUES (?, ?, ?, ?)', [
        base,
        version,
        s.document,
        s.signature,
      ]);
      deltasFrom.push(base);
    }
    return {
      version,
      changed: true,
      entries: list.length,
      upserts: change.upserts.length,
      removals: change.removals.length,
      deltasFrom,
      bytes: signed.document.length,
    };
  });
}

/** What a till with version `since` gets: the delta from it when one was signed, else the whole newest list. */
export async function aplForTill(sql: SqlDriver, since: number): Promise<(SignedApl & { version: number }) | null> {
  const latest = await sql.get<{ version: number | string; document: string; signature: string }>(
    'SELECT version, document, signature FROM apl_versions ORDER BY version DESC LIMIT 1',
  );
  if (!latest) return null;
  const version = Number(latest.version);
  if (since > 0 && since < version) {
    const d = await sql.get<{ document: string; signature: string }>(
      'SELECT document, signature FROM apl_deltas WHERE base = ? AND version = ?',
      [since, version],
    );
    if (d) return { document: d.document, signature: d.signature, version };
  }
  return { document: latest.document, signature: latest.signature, version };
}

export interface AplVersionInfo {
  version: number;
  issuedAt: string;
  entries: number;
  upserts: number;
  removals: number;
  source: string | null;
}

export async function listAplVersions(sql: SqlDriver): Promise<AplVersionInfo[]> {
  const rows = await sql.all<{
    version: number | string;
    issued_at: string;
    entry_count: number | string;
    upserts: number | string;
    removals: number | string;
    source: string | null;
  }>('SELECT version, issued_at, entry_count, upserts, removals, source FROM apl_versions ORDER BY version');
  return rows.map((r) => ({
    version: Number(r.version),
    issuedAt: r.issued_at,
    entries: Number(r.entry_count),
    upserts: Number(r.upserts),
    removals: Number(r.removals),
    source: r.source,
  }));
}

/** A barcode's history on the list: each range of versions and what it was listed as. */
export async function aplHistory(
  sql: SqlDriver,
  barcode: string,
): Promise<Array<AplEntry & { fromVersion: number; toVersion: number | null }>> {
  const rows = await sql.all<EntryRow & { from_version: number | string; to_version: number | string | null }>(
    'SELECT * FROM apl_entries WHERE barcode = ? ORDER BY from_version',
    [barcode],
  );
  return rows.map((r) => ({
    ...toEntry(r),
    fromVersion: Number(r.from_version),
    toVersion: r.to_version === null ? null : Number(r.to_version),
  }));
}
