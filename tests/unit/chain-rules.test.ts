import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/core/db/open';
import { Journal, verifyStoredChain, type NewRecord } from '../../src/core/journal/journal';
import { journalRecordSchema } from '../../src/shared/sync/protocol';
import { canonicalRecord, GENESIS_HASH, hashRecord, verifyChain, type JournalRecord } from '../../src/trust/chain';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: the journal's hash chain, rule by rule, on records built here (the chain module) and on a
 * real SQLite journal (the till's Journal). Each rule names the problem the chain must report and the
 * record it reports it at.
 */

const DEVICE = 'till-1';
const V1 = 'a'.repeat(32);
const V2 = 'b'.repeat(32);
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

type Draft = Partial<Omit<JournalRecord, 'seq' | 'prevHash' | 'hash'>>;

/** A valid chain of the given drafts, continuing from `from`. */
function chain(drafts: Draft[], from = { seq: 0, hash: GENESIS_HASH }): JournalRecord[] {
  const out: JournalRecord[] = [];
  let prev = from;
  for (const [i, d] of drafts.entries()) {
    const base = {
      seq: prev.seq + 1,
      id: uuid(prev.seq + 1),
      deviceId: DEVICE,
      type: 'redeem' as const,
      time: `2026-03-01T10:00:${String(i).padStart(2, '0')}.000Z`,
      cashierId: 1,
      saleId: `sale-${prev.seq + 1}`,
      voucherId: V1,
      campaignId: 1,
      kind: 'balance' as const,
      amountFen: 1000,
      forfeitedFen: 0,
      categories: { books: { amountFen: 1000, quantity: 1 } },
      otherTenderFen: 0,
      authorization: 'offline',
      reverses: null,
      ...d,
      prevHash: prev.hash,
    };
    const r = { ...base, hash: hashRecord(base) };
    out.push(r);
    prev = { seq: r.seq, hash: r.hash };
  }
  return out;
}

/** The record with `patch` applied and its own hash recomputed (a forger who knows the format). */
const rehash = (r: JournalRecord, patch: Partial<JournalRecord>): JournalRecord => {
  const { hash: _old, ...rest } = { ...r, ...patch };
  return { ...rest, hash: hashRecord(rest) };
};

describe('the journal record’s hash', () => {
  const [r] = chain([{}]);
  const base = (({ hash: _h, ...rest }) => rest)(r!);

  it('is the SHA-256 of a fixed, versioned encoding: a record written by an earlier till keeps its hash', () => {
    expect(canonicalRecord(base)).toBe(
      JSON.stringify([
        'caretill-journal/1',
        1,
        uuid(1),
        DEVICE,
        'redeem',
        '2026-03-01T10:00:00.000Z',
        1,
        'sale-1',
        V1,
        1,
        'balance',
        1000,
        0,
        [['books', 1000, 1]],
        0,
        'offline',
        null,
        GENESIS_HASH,
      ]),
    );
    expect(hashRecord(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists the categories in code order, whatever order the record was built in', () => {
    const a = { ...base, categories: { toys: { amountFen: 400, quantity: 2 }, books: { amountFen: 600, quantity: 1 } } };
    const b = { ...base, categories: { books: { amountFen: 600, quantity: 1 }, toys: { amountFen: 400, quantity: 2 } } };
    expect(canonicalRecord(a)).toBe(canonicalRecord(b));
    expect(canonicalRecord(a)).toContain('[["books",600,1],["toys",400,2]]');
  });

  it('covers every field: changing any one of them changes the hash', () => {
    const patches: Array<Partial<JournalRecord>> = [
      { seq: 2 },
      { id: uuid(9) },
      { deviceId: 'till-2' },
      { type: 'reverse' },
      { time: '2026-03-01T10:00:01.000Z' },
      { cashierId: 2 },
      { saleId: 'sale-x' },
      { voucherId: V2 },
      { campaignId: 2 },
      { kind: 'fixed' },
      { amountFen: 999 },
      { forfeitedFen: 1 },
      { categories: { books: { amountFen: 1000, quantity: 2 } } },
      { categories: { books: { amountFen: 999, quantity: 1 } } },
      { categories: { toys: { amountFen: 1000, quantity: 1 } } },
      { otherTenderFen: 1 },
      { authorization: 'auth-1' },
      { reverses: uuid(7) },
      { prevHash: 'f'.repeat(64) },
    ];
    const hashes = new Set([hashRecord(base), ...patches.map((p) => hashRecord({ ...base, ...p }))]);
    expect(hashes.size).toBe(patches.length + 1);
  });

  it('covers the item lines and list versions when a record carries them, each on its own', () => {
    const line = { code: '6901234567892', name: '奶粉', quantity: 1, unitPriceFen: 1000, amountFen: 1000, category: 'books' };
    const withLines = { ...base, lines: [line] };
    const withVersions = { ...base, listVersions: { apl: 3, shop: 4 } };
    const withBoth = { ...base, lines: [line], listVersions: { apl: 3, shop: 4 } };
    expect(canonicalRecord(withLines)).toBe(canonicalRecord(base).slice(0, -1) + `,null,[["6901234567892","奶粉",1,1000,1000,"books"]]]`);
    expect(canonicalRecord(withVersions)).toBe(canonicalRecord(base).slice(0, -1) + ',[3,4],[]]');
    expect(canonicalRecord(withBoth)).toBe(canonicalRecord(base).slice(0, -1) + `,[3,4],[["6901234567892","奶粉",1,1000,1000,"books"]]]`);
    const all = [
      base,
      withLines,
      withVersions,
      withBoth,
      { ...base, lines: [{ ...line, quantity: 2 }] },
      { ...base, listVersions: { apl: 3, shop: 5 } },
    ];
    expect(new Set(all.map(hashRecord)).size).toBe(all.length);
  });
});

describe('verifying a chain of records', () => {
  it('an intact chain is accepted with its count, its last seq and its last hash', () => {
    const rs = chain([{}, { voucherId: V2 }, {}]);
    expect(verifyChain(rs)).toEqual({ ok: true, count: 3, headSeq: 3, headHash: rs[2]!.hash });
  });

  it('an empty run from genesis is accepted, its head the genesis', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, headSeq: 0, headHash: GENESIS_HASH });
  });

  it('continues from the head of an earlier batch, and refuses to start anywhere else', () => {
    const [a, b, c] = chain([{}, {}, {}]);
    expect(verifyChain([b!, c!], { seq: 1, hash: a!.hash })).toEqual({ ok: true, count: 2, headSeq: 3, headHash: c!.hash });
    expect(verifyChain([b!, c!])).toEqual({ ok: false, seq: 2, problem: 'sequence_gap' });
    expect(verifyChain([b!, c!], { seq: 1, hash: GENESIS_HASH })).toEqual({ ok: false, seq: 2, problem: 'bad_prev_hash' });
  });

  it('a missing record is a sequence gap at the record after it', () => {
    const [a, , c] = chain([{}, {}, {}]);
    expect(verifyChain([a!, c!])).toEqual({ ok: false, seq: 3, problem: 'sequence_gap' });
  });

  it('a repeated seq is a sequence gap too', () => {
    const [a] = chain([{}]);
    expect(verifyChain([a!, a!])).toEqual({ ok: false, seq: 1, problem: 'sequence_gap' });
  });

  it('records of two tills in one run are refused at the first of the other till', () => {
    const rs = chain([{}, { deviceId: 'till-2' }]);
    expect(verifyChain(rs)).toEqual({ ok: false, seq: 2, problem: 'mixed_devices' });
  });

  it('a record rewritten with a fresh hash of its own breaks the link to the next record', () => {
    const [a, b, c] = chain([{}, {}, {}]);
    const forged = rehash(b!, { amountFen: 1 });
    expect(verifyChain([a!, forged, c!])).toEqual({ ok: false, seq: 3, problem: 'bad_prev_hash' });
  });

  it('a record changed without a new hash is refused at that record', () => {
    const [a, b] = chain([{}, {}]);
    expect(verifyChain([a!, { ...b!, otherTenderFen: 500 }])).toEqual({ ok: false, seq: 2, problem: 'bad_hash' });
  });

  it('a record id used twice is refused at its second use, unless the caller takes that on itself', () => {
    const rs = chain([{ id: uuid(50) }, { id: uuid(50) }]);
    expect(verifyChain(rs)).toEqual({ ok: false, seq: 2, problem: 'duplicate_id' });
    expect(verifyChain(rs, { seq: 0, hash: GENESIS_HASH, repeatedIds: 'refuse' })).toEqual({ ok: false, seq: 2, problem: 'duplicate_id' });
    expect(verifyChain(rs, { seq: 0, hash: GENESIS_HASH, repeatedIds: 'allow' })).toMatchObject({ ok: true, count: 2 });
  });

  it('a redemption id the program already holds is a duplicate too', () => {
    const rs = chain([{ id: uuid(60) }]);
    expect(verifyChain(rs, { seq: 0, hash: GENESIS_HASH, knownRedeems: new Set([uuid(60)]) })).toEqual({
      ok: false,
      seq: 1,
      problem: 'duplicate_id',
    });
  });

  it('a void points at an earlier redemption of the run, and reverses it only once', () => {
    const ok = chain([{ id: uuid(70) }, { type: 'reverse', reverses: uuid(70) }]);
    expect(verifyChain(ok)).toMatchObject({ ok: true, count: 2 });
    const twice = chain([{ id: uuid(70) }, { type: 'reverse', reverses: uuid(70) }, { type: 'reverse', reverses: uuid(70) }]);
    expect(verifyChain(twice)).toEqual({ ok: false, seq: 3, problem: 'double_reversal' });
  });

  it('a void of nothing, or of a redemption that comes after it, is a bad reversal', () => {
    expect(verifyChain(chain([{ type: 'reverse', reverses: null }]))).toEqual({ ok: false, seq: 1, problem: 'bad_reversal' });
    expect(verifyChain(chain([{ type: 'reverse', reverses: uuid(80) }, { id: uuid(80) }]))).toEqual({
      ok: false,
      seq: 1,
      problem: 'bad_reversal',
    });
  });

  it('a redemption that claims to reverse something is a bad reversal', () => {
    const rs = chain([{ id: uuid(90) }, { reverses: uuid(90) }]);
    expect(verifyChain(rs)).toEqual({ ok: false, seq: 2, problem: 'bad_reversal' });
  });

  it('a void may point at a redemption of an earlier batch, but not at one already voided there', () => {
    const rs = chain([{ type: 'reverse', reverses: uuid(100) }]);
    expect(verifyChain(rs, { seq: 0, hash: GENESIS_HASH, knownRedeems: new Set([uuid(100)]) })).toMatchObject({ ok: true });
    expect(verifyChain(rs, { seq: 0, hash: GENESIS_HASH, knownRedeems: new Set([uuid(100)]), reversed: new Set([uuid(100)]) })).toEqual({
      ok: false,
      seq: 1,
      problem: 'double_reversal',
    });
  });
});

describe('the till’s journal in SQLite', () => {
  let db: Db;
  let journal: Journal;
  let cleanup: () => void;
  beforeEach(() => {
    const t = tempDir('caretill-chain-');
    cleanup = t.cleanup;
    db = openDatabase(path.join(t.dir, 'till.db'));
    journal = new Journal(db, () => DEVICE);
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  const draft = (over: Partial<NewRecord> = {}): NewRecord => ({
    type: 'redeem',
    time: '2026-03-01T10:00:00.000Z',
    cashierId: 1,
    saleId: 's1',
    voucherId: V1,
    campaignId: 1,
    kind: 'balance',
    amountFen: 1000,
    forfeitedFen: 0,
    categories: { books: { amountFen: 1000, quantity: 1 } },
    otherTenderFen: 0,
    authorization: 'offline',
    reverses: null,
    ...over,
  });
  const append = (over: Partial<NewRecord> = {}) => db.transaction(() => journal.append(draft(over))).immediate();

  it('appends only inside the sale’s transaction', () => {
    expect(() => journal.append(draft())).toThrow(/inside a transaction/);
    expect(journal.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
  });

  it('the genesis hash is 64 zeros, so the first record is a valid record on the wire', () => {
    const a = append();
    expect(a.prevHash).toBe('0'.repeat(64));
    expect(journalRecordSchema.safeParse(a).success).toBe(true);
  });

  it('starts at seq 1 from the genesis hash and links each record to the one before', () => {
    const a = append();
    const b = append({ saleId: 's2', voucherId: V2 });
    expect(a).toMatchObject({ seq: 1, deviceId: DEVICE, prevHash: GENESIS_HASH });
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash });
    expect(a.id).not.toBe(b.id);
    expect(a.hash).toBe(hashRecord((({ hash: _h, ...rest }) => rest)(a)));
    expect(journal.head()).toEqual({ seq: 2, hash: b.hash });
    expect(journal.verify()).toEqual({ ok: true, count: 2, headSeq: 2, headHash: b.hash });
  });

  it('reads back exactly what it wrote, by sale and by range', () => {
    const a = append({ saleId: 's1', otherTenderFen: 250, forfeitedFen: 30 });
    const b = append({
      saleId: 's2',
      categories: { toys: { amountFen: 600, quantity: 2 }, books: { amountFen: 400, quantity: 1 } },
      amountFen: 1000,
    });
    const c = append({
      saleId: 's1',
      type: 'reverse',
      reverses: a.id,
      authorization: 'auth-9',
      kind: 'fixed',
      campaignId: 7,
      cashierId: 4,
    });
    expect(journal.bySale('s1')).toEqual([a, c]);
    expect(journal.bySale('s2')).toEqual([b]);
    expect(journal.range(2, 1)).toEqual([b]);
    expect(journal.range(2, 10)).toEqual([b, c]);
    expect(journal.range(4, 10)).toEqual([]);
  });

  it('keeps a record’s item lines and list versions, and a record without them reads back without them', () => {
    const line = { code: '6901234567892', name: '奶粉', quantity: 2, unitPriceFen: 500, amountFen: 1000, category: 'books' };
    const a = append({ lines: [line], listVersions: { apl: 3, shop: 1 } });
    const b = append({ saleId: 's2', lines: [line] });
    const c = append({ saleId: 's3' });
    // List versions without lines (a sale made with the lists, none of whose lines is listed) are kept too.
    const d = append({ saleId: 's4', listVersions: { apl: 4, shop: 0 } });
    expect(journal.range(1, 10)).toEqual([a, b, c, d]);
    expect(journal.range(3, 1)[0]).not.toHaveProperty('lines');
    // Stored as NULL, not as an empty detail, for a record that carries none.
    expect(db.prepare('SELECT detail FROM journal WHERE seq = 3').get()).toEqual({ detail: null });
    expect(db.prepare('SELECT detail FROM journal WHERE seq = 2').get()).not.toEqual({ detail: null });
    expect(journal.verify()).toMatchObject({ ok: true, count: 4 });
  });

  it('a stored chain verifies from the last retention checkpoint, voids of purged redemptions included', () => {
    const a = append();
    const b = append({ saleId: 's2' });
    append({ saleId: 's2', type: 'reverse', reverses: b.id });
    db.prepare('INSERT INTO purges (purged_at, up_to_seq, sales, records) VALUES (?, ?, 0, 0)').run('2026-04-01T00:00:00Z', 1);
    db.prepare('INSERT INTO purges (purged_at, up_to_seq, sales, records) VALUES (?, ?, 0, 0)').run('2026-05-01T00:00:00Z', 2);
    const d = append({ saleId: 's1', type: 'reverse', reverses: a.id });
    expect(verifyStoredChain(db)).toEqual({ ok: true, count: 2, headSeq: 4, headHash: d.hash });
    // A second void of a redemption voided before the checkpoint is still caught.
    db.prepare('INSERT INTO purges (purged_at, up_to_seq, sales, records) VALUES (?, ?, 0, 0)').run('2026-06-01T00:00:00Z', 4);
    append({ saleId: 's1', type: 'reverse', reverses: a.id });
    expect(verifyStoredChain(db)).toEqual({ ok: false, seq: 5, problem: 'double_reversal' });
  });

  it('a checkpoint with nothing after it is the head of the chain', () => {
    append();
    const b = append({ saleId: 's2' });
    db.prepare('INSERT INTO purges (purged_at, up_to_seq, sales, records) VALUES (?, ?, 0, 0)').run('2026-04-01T00:00:00Z', 2);
    expect(verifyStoredChain(db)).toEqual({ ok: true, count: 0, headSeq: 2, headHash: b.hash });
  });

  it('a checkpoint past the end of the journal is a gap, not an empty chain', () => {
    append();
    db.prepare('INSERT INTO purges (purged_at, up_to_seq, sales, records) VALUES (?, ?, 0, 0)').run('2026-04-01T00:00:00Z', 9);
    expect(verifyStoredChain(db)).toEqual({ ok: false, seq: 9, problem: 'sequence_gap' });
  });

  it('an empty journal verifies, its head the genesis', () => {
    expect(verifyStoredChain(db)).toEqual({ ok: true, count: 0, headSeq: 0, headHash: GENESIS_HASH });
  });

  it('a database without a purges table (a backup from before retention) verifies from genesis', () => {
    const a = append();
    db.exec('DROP TABLE purges');
    expect(verifyStoredChain(db)).toEqual({ ok: true, count: 1, headSeq: 1, headHash: a.hash });
  });
});
