import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, GENESIS_HASH, hashRecord, verifyChain, type JournalRecord } from '../../src/trust/chain';

const base = (): Omit<JournalRecord, 'hash'> => ({
  seq: 1,
  id: crypto.randomUUID(),
  deviceId: 'till',
  type: 'redeem',
  time: '2026-11-23T02:00:00.000Z',
  cashierId: 2,
  saleId: 's1',
  voucherId: '0123456789abcdef0123456789abcdef',
  campaignId: 1,
  kind: 'fixed',
  amountFen: 5000,
  forfeitedFen: 0,
  categories: { diapers: { amountFen: 5000, quantity: 1 } },
  otherTenderFen: 3990,
  authorization: 'offline',
  reverses: null,
  prevHash: GENESIS_HASH,
});
const sealed = (r: Omit<JournalRecord, 'hash'>): JournalRecord => ({ ...r, hash: hashRecord(r) });

/** Issue 11: a record's item lines are part of what its hash covers, so no one changes what the money bought. */
describe('item lines on a record', () => {
  it('a record without lines encodes exactly as before lines existed (old hashes stay valid)', () => {
    const r = base();
    expect(JSON.parse(canonicalRecord(r))).toHaveLength(18);
  });

  it('changing a line, its code, or the list version the till had breaks the hash', () => {
    const r = sealed({
      ...base(),
      lines: [{ code: '6902754002016', name: '帮宝适纸尿裤', quantity: 1, unitPriceFen: 8990, amountFen: 5000, category: 'diapers' }],
      listVersions: { apl: 3, shop: 1 },
    });
    expect(verifyChain([r])).toMatchObject({ ok: true });
    const tampered: JournalRecord[] = [
      { ...r, lines: [{ ...r.lines![0]!, code: '6902754099016' }] },
      { ...r, lines: [{ ...r.lines![0]!, unitPriceFen: 2000 }] },
      { ...r, lines: [{ ...r.lines![0]!, name: '香烟' }] },
      { ...r, lines: [] },
      { ...r, listVersions: { apl: 4, shop: 1 } },
      { ...r, lines: undefined, listVersions: undefined },
    ];
    for (const t of tampered) expect(verifyChain([t])).toMatchObject({ ok: false, problem: 'bad_hash' });
  });
});
