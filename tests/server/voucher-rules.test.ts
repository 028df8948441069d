import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProgramStore, type ProgramStore } from '../../src/server/store/programStore';
import { chunks, judgeVoucherUse, loadVoucherContext, type VoucherUse } from '../../src/server/sync/voucherRules';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: the program's double-spend and voucher rules (voucherRules.ts), on a real SQLite program
 * store whose rows are written here directly, so each rule can be put at its edge: a fixed voucher is
 * used once, a balance voucher never pays more than its value across shops and re-issues, another
 * till's live hold counts, an expired or released one does not, a revocation binds from its moment.
 */

const SKEW = 5 * 60_000;
const T0 = Date.parse('2026-06-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const vid = (n: number) => n.toString(16).padStart(32, '0');

interface VoucherRow {
  id: string;
  campaignId?: number;
  kind?: 'fixed' | 'balance';
  faceValueFen?: number;
  validFrom?: number;
  validUntil?: number;
  keyId?: number;
  revokedAt?: string | null;
  lineage?: string | null;
}

describe('the program’s voucher rules', () => {
  let store: ProgramStore;
  let cleanup: () => void;
  let seq = 0;

  beforeEach(async () => {
    const t = tempDir('caretill-rules-');
    cleanup = t.cleanup;
    store = await openProgramStore(path.join(t.dir, 'home'), undefined);
    seq = 0;
    const window = {
      validFrom: '2026-01-01T00:00:00+08:00',
      validUntil: '2027-12-31T23:59:59+08:00',
      funder: { zh: '基金会', en: 'Fund' },
    };
    const offline = { perVoucherFen: 5000, perDeviceTotalFen: 100_000, maxHoursOffline: 72 };
    for (const [id, kind, merchants] of [
      [1, 'fixed', ['*']],
      [2, 'balance', ['*']],
      [3, 'balance', ['M1', 'M2']],
    ] as const) {
      const body = {
        ...window,
        id,
        names: { zh: `活动${id}`, en: `Campaign ${id}` },
        kind,
        eligibleCategories: ['books', 'toys'],
        perVisitCaps: {},
        merchants,
        offline,
        eligibility: 'shop',
      };
      await store.sql.run('INSERT INTO campaigns (id, body) VALUES (?, ?)', [id, JSON.stringify(body)]);
    }
    for (const keyId of [1, 2])
      await store.sql.run('INSERT INTO issuer_keys (key_id, public_key, valid_from, valid_until) VALUES (?, ?, ?, ?)', [
        keyId,
        'A'.repeat(43),
        '2026-01-01T00:00:00Z',
        '2028-01-01T00:00:00Z',
      ]);
  });
  afterEach(async () => {
    await store.sql.close();
    cleanup();
  });

  const voucher = async (v: VoucherRow) => {
    const kind = v.kind ?? ((v.campaignId ?? 2) === 1 ? 'fixed' : 'balance');
    await store.sql.run(
      `INSERT INTO vouchers (voucher_id, campaign_id, kind, face_value_fen, valid_from, valid_until, holder_tag, key_id, issued_at, revoked_at, lineage)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        v.id,
        v.campaignId ?? 2,
        kind,
        v.faceValueFen ?? 10_000,
        v.validFrom ?? Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000),
        v.validUntil ?? Math.floor(Date.parse('2027-01-01T00:00:00Z') / 1000),
        'tag',
        v.keyId ?? 1,
        '2026-01-01T00:00:00Z',
        v.revokedAt ?? null,
        v.lineage ?? null,
      ],
    );
  };
  /** A record the program holds: accepted, held or rejected; a void points at its redemption. */
  const record = async (r: {
    voucherId: string;
    amountFen: number;
    status?: 'accepted' | 'held' | 'rejected';
    type?: 'redeem' | 'reverse';
    reverses?: string;
    id?: string;
    device?: string;
  }) => {
    seq++;
    const id = r.id ?? `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
    await store.sql.run(
      `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen,
                            forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at)
       VALUES (?, ?, 'M1', ?, 'b', 's', ?, ?, ?, 2, 'balance', ?, 0, 0, '{}', 'offline', ?, 'h', ?, NULL, ?, ?)`,
      [
        id,
        r.device ?? 'D1',
        seq,
        r.type ?? 'redeem',
        iso(T0 - 3_600_000),
        r.voucherId,
        r.amountFen,
        r.reverses ?? null,
        r.status ?? 'accepted',
        iso(T0),
        iso(T0),
      ],
    );
    return id;
  };
  const hold = async (h: {
    id: string;
    voucherId: string;
    amountFen: number;
    device?: string;
    idemKey?: string;
    expiresAt?: number;
    status?: string;
  }) =>
    store.sql.run(
      `INSERT INTO authorizations (authorization_id, idem_key, device_id, voucher_id, amount_fen, status, reason, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
      [
        h.id,
        h.idemKey ?? `sale-${h.id}:${h.voucherId}`,
        h.device ?? 'D2',
        h.voucherId,
        h.amountFen,
        h.status ?? 'reserved',
        iso(T0),
        iso(h.expiresAt ?? T0 + 600_000),
      ],
    );

  const use = (u: Partial<VoucherUse> & { voucherId: string }): VoucherUse => ({
    campaignId: 2,
    kind: 'balance',
    amountFen: 1000,
    forfeitedFen: 0,
    time: iso(T0),
    categories: { books: {} },
    saleId: 'sale-1',
    authorization: 'offline',
    ...u,
  });
  /** The rules' verdict on one use, at till D1 of shop M1 unless told otherwise. */
  const judge = async (u: VoucherUse, opts: { device?: string; merchant?: string } = {}) => {
    const ctx = await loadVoucherContext(store.sql, [u.voucherId], opts.device ?? 'D1');
    return judgeVoucherUse(ctx, u, opts.merchant ?? 'M1');
  };

  describe('which voucher', () => {
    it('a voucher the program never issued, or named with another campaign or kind, is unknown', async () => {
      await voucher({ id: vid(1) });
      expect(await judge(use({ voucherId: vid(2) }))).toBe('unknown_voucher');
      expect(await judge(use({ voucherId: vid(1), campaignId: 3 }))).toBe('unknown_voucher');
      expect(await judge(use({ voucherId: vid(1), kind: 'fixed' }))).toBe('unknown_voucher');
      expect(await judge(use({ voucherId: vid(1) }))).toBeNull();
    });

    it('a voucher of a campaign the program no longer has is unknown', async () => {
      await voucher({ id: vid(1) });
      await store.sql.run('PRAGMA foreign_keys = OFF');
      await store.sql.run('DELETE FROM campaigns WHERE id = 2');
      expect(await judge(use({ voucherId: vid(1) }))).toBe('unknown_voucher');
    });
  });

  describe('revocation and validity', () => {
    it('a voucher revoked at the moment of the sale is refused; one revoked a millisecond after it is not', async () => {
      await voucher({ id: vid(1), revokedAt: iso(T0) });
      await voucher({ id: vid(2), revokedAt: iso(T0 + 1) });
      expect(await judge(use({ voucherId: vid(1) }))).toBe('revoked');
      expect(await judge(use({ voucherId: vid(2) }))).toBeNull();
    });

    it('a revocation the till had been told of binds a sale it dates earlier', async () => {
      await voucher({ id: vid(1), revokedAt: iso(T0 + 60_000) });
      expect(await judge(use({ voucherId: vid(1), knownAt: T0 + 60_000 }))).toBe('revoked');
      expect(await judge(use({ voucherId: vid(1), knownAt: T0 + 59_999 }))).toBeNull();
    });

    it('a revoked issuer key refuses its vouchers from the moment of revocation, and binds earlier-dated sales once known', async () => {
      await voucher({ id: vid(1), keyId: 2 });
      await voucher({ id: vid(2), keyId: 1 });
      await store.sql.run('UPDATE issuer_keys SET revoked_at = ? WHERE key_id = 2', [iso(T0)]);
      expect(await judge(use({ voucherId: vid(1) }))).toBe('key_revoked');
      expect(await judge(use({ voucherId: vid(1), time: iso(T0 - 1) }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), time: iso(T0 - 1), knownAt: T0 }))).toBe('key_revoked');
      expect(await judge(use({ voucherId: vid(2) }))).toBeNull();
    });

    it('a voucher is good up to five minutes of clock error past either end of its validity, not a millisecond more', async () => {
      const from = Math.floor(T0 / 1000);
      const until = from + 3600;
      await voucher({ id: vid(1), validFrom: from, validUntil: until });
      expect(await judge(use({ voucherId: vid(1), time: iso(from * 1000 - SKEW) }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), time: iso(from * 1000 - SKEW - 1) }))).toBe('expired');
      expect(await judge(use({ voucherId: vid(1), time: iso(until * 1000 + SKEW) }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), time: iso(until * 1000 + SKEW + 1) }))).toBe('expired');
    });
  });

  describe('where and what', () => {
    it('a campaign for some shops is refused at any other; one for every shop is good anywhere', async () => {
      await voucher({ id: vid(1), campaignId: 3 });
      await voucher({ id: vid(2), campaignId: 2 });
      expect(await judge(use({ voucherId: vid(1), campaignId: 3 }), { merchant: 'M2' })).toBeNull();
      expect(await judge(use({ voucherId: vid(1), campaignId: 3 }), { merchant: 'M9' })).toBe('not_at_this_shop');
      expect(await judge(use({ voucherId: vid(2) }), { merchant: 'M9' })).toBeNull();
    });

    it('one category outside the campaign refuses the record; none at all is fine', async () => {
      await voucher({ id: vid(1) });
      expect(await judge(use({ voucherId: vid(1), categories: { books: {}, alcohol: {} } }))).toBe('category_not_eligible');
      expect(await judge(use({ voucherId: vid(1), categories: { toys: {}, books: {} } }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), categories: {} }))).toBeNull();
    });
  });

  describe('fixed vouchers: used once', () => {
    const fixed = (u: Partial<VoucherUse> = {}) =>
      use({ voucherId: vid(1), campaignId: 1, kind: 'fixed', amountFen: 4000, forfeitedFen: 1000, ...u });
    beforeEach(async () => voucher({ id: vid(1), campaignId: 1, faceValueFen: 5000 }));

    it('pays its face value, paid and forfeited together, and not a fen more', async () => {
      expect(await judge(fixed())).toBeNull();
      expect(await judge(fixed({ forfeitedFen: 1001 }))).toBe('over_balance');
      expect(await judge(fixed({ amountFen: 5001, forfeitedFen: 0 }))).toBe('over_balance');
    });

    it('a fixed voucher accepted once is a double spend the second time; voided, it can be used again', async () => {
      const first = await record({ voucherId: vid(1), amountFen: 4000 });
      expect(await judge(fixed())).toBe('double_spend');
      await record({ voucherId: vid(1), amountFen: 4000, type: 'reverse', reverses: first });
      expect(await judge(fixed())).toBeNull();
    });

    it('a use held for review counts as a use; a rejected one does not', async () => {
      await record({ voucherId: vid(1), amountFen: 4000, status: 'rejected' });
      expect(await judge(fixed())).toBeNull();
      await record({ voucherId: vid(1), amountFen: 4000, status: 'held' });
      expect(await judge(fixed())).toBe('double_spend');
    });

    it('a void that was itself rejected gives nothing back', async () => {
      const first = await record({ voucherId: vid(1), amountFen: 4000 });
      await record({ voucherId: vid(1), amountFen: 4000, type: 'reverse', reverses: first, status: 'rejected' });
      expect(await judge(fixed())).toBe('double_spend');
    });

    it('a fixed voucher reserved at one shop is refused at another while the hold lives, and not after it ends', async () => {
      await hold({ id: 'h-other', voucherId: vid(1), amountFen: 5000, device: 'D2', expiresAt: T0 + 1 });
      expect(await judge(fixed())).toBe('double_spend');
      expect(await judge(fixed({ time: iso(T0 + 1) }))).toBeNull();
    });

    it('a released or captured hold holds nothing', async () => {
      await hold({ id: 'h-rel', voucherId: vid(1), amountFen: 5000, status: 'released' });
      await hold({ id: 'h-cap', voucherId: vid(1), amountFen: 5000, status: 'captured' });
      expect(await judge(fixed())).toBeNull();
    });

    it('the sale’s own hold, named on the record or found by its sale, is not another’s', async () => {
      await hold({ id: 'h-own', voucherId: vid(1), amountFen: 5000, device: 'D1', idemKey: `sale-1:${vid(1)}` });
      expect(await judge(fixed({ authorization: 'h-own' }))).toBeNull();
      expect(await judge(fixed({ authorization: 'offline' }))).toBeNull();
      // Another sale of the same till, or the same sale's key at another till, is someone else's hold.
      expect(await judge(fixed({ authorization: 'offline', saleId: 'sale-2' }))).toBe('double_spend');
      expect(await judge(fixed({ authorization: 'h-other' }))).toBe('double_spend');
      expect(await judge(fixed({ authorization: 'h-own' }), { device: 'D2' })).toBe('double_spend');
    });
  });

  describe('balance vouchers: never more than their value', () => {
    beforeEach(async () => voucher({ id: vid(1), faceValueFen: 10_000 }));

    it('pays up to what is left to the fen, net of voids', async () => {
      const a = await record({ voucherId: vid(1), amountFen: 6000 });
      await record({ voucherId: vid(1), amountFen: 1000 });
      expect(await judge(use({ voucherId: vid(1), amountFen: 3000 }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), amountFen: 3001 }))).toBe('over_balance');
      await record({ voucherId: vid(1), amountFen: 6000, type: 'reverse', reverses: a });
      expect(await judge(use({ voucherId: vid(1), amountFen: 9000 }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), amountFen: 9001 }))).toBe('over_balance');
    });

    it('rejected records do not count; held ones do', async () => {
      await record({ voucherId: vid(1), amountFen: 6000, status: 'rejected' });
      await record({ voucherId: vid(1), amountFen: 2000, status: 'held' });
      expect(await judge(use({ voucherId: vid(1), amountFen: 8000 }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), amountFen: 8001 }))).toBe('over_balance');
    });

    it('another till’s live holds count against the balance; the sale’s own hold does not', async () => {
      await hold({ id: 'h-a', voucherId: vid(1), amountFen: 3000, device: 'D2' });
      await hold({ id: 'h-b', voucherId: vid(1), amountFen: 2000, device: 'D3' });
      await hold({ id: 'h-own', voucherId: vid(1), amountFen: 4000, device: 'D1' });
      expect(await judge(use({ voucherId: vid(1), amountFen: 5000, authorization: 'h-own' }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), amountFen: 5001, authorization: 'h-own' }))).toBe('over_balance');
      // Without its own hold named, the sale's hold is someone else's too.
      expect(await judge(use({ voucherId: vid(1), amountFen: 1001, saleId: 'sale-9' }))).toBe('over_balance');
      expect(await judge(use({ voucherId: vid(1), amountFen: 1000, saleId: 'sale-9' }))).toBeNull();
    });

    it('a hold that ended before the sale counts for nothing', async () => {
      await hold({ id: 'h-a', voucherId: vid(1), amountFen: 9000, expiresAt: T0 });
      expect(await judge(use({ voucherId: vid(1), amountFen: 10_000 }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), amountFen: 10_000, time: iso(T0 - 1) }))).toBe('over_balance');
    });
  });

  describe('re-issued vouchers share one budget', () => {
    it('the old card and the new one together never pay more than the first card’s value', async () => {
      // vid(1) ¥100 was replaced by vid(2) for the ¥40 that was left.
      await voucher({ id: vid(1), faceValueFen: 10_000, lineage: vid(1), revokedAt: iso(T0 + 86_400_000) });
      await voucher({ id: vid(2), faceValueFen: 4000, lineage: vid(1) });
      await record({ voucherId: vid(1), amountFen: 6000 });
      expect(await judge(use({ voucherId: vid(2), amountFen: 4000 }))).toBeNull();
      await record({ voucherId: vid(2), amountFen: 3000 });
      // The new card has ¥10 left of its own, the chain ¥10 too.
      expect(await judge(use({ voucherId: vid(2), amountFen: 1000 }))).toBeNull();
      expect(await judge(use({ voucherId: vid(2), amountFen: 1001 }))).toBe('over_balance');
      // A late offline record on the old card: only what the chain has left.
      expect(await judge(use({ voucherId: vid(1), amountFen: 1000 }))).toBeNull();
      expect(await judge(use({ voucherId: vid(1), amountFen: 1001 }))).toBe('over_balance');
    });

    it('another till’s hold on the old card counts against the new one', async () => {
      await voucher({ id: vid(1), faceValueFen: 10_000, lineage: vid(1) });
      await voucher({ id: vid(2), faceValueFen: 10_000, lineage: vid(1) });
      await hold({ id: 'h-old', voucherId: vid(1), amountFen: 7000, device: 'D2' });
      expect(await judge(use({ voucherId: vid(2), amountFen: 3000 }))).toBeNull();
      expect(await judge(use({ voucherId: vid(2), amountFen: 3001 }))).toBe('over_balance');
    });

    it('a fixed voucher re-issued is used once over the chain', async () => {
      await voucher({ id: vid(1), campaignId: 1, faceValueFen: 5000, lineage: vid(1) });
      await voucher({ id: vid(2), campaignId: 1, faceValueFen: 5000, lineage: vid(1) });
      const u = use({ voucherId: vid(2), campaignId: 1, kind: 'fixed', amountFen: 5000 });
      expect(await judge(u)).toBeNull();
      await record({ voucherId: vid(1), amountFen: 5000 });
      expect(await judge(u)).toBe('double_spend');
    });

    it('a chain’s hold on the old card refuses a fixed voucher on the new one', async () => {
      await voucher({ id: vid(1), campaignId: 1, faceValueFen: 5000, lineage: vid(1) });
      await voucher({ id: vid(2), campaignId: 1, faceValueFen: 5000, lineage: vid(1) });
      await hold({ id: 'h-old', voucherId: vid(1), amountFen: 5000, device: 'D2' });
      expect(await judge(use({ voucherId: vid(2), campaignId: 1, kind: 'fixed', amountFen: 5000 }))).toBe('double_spend');
    });
  });

  describe('the context for a batch', () => {
    it('counts what the batch applies: a redemption uses the balance and a fixed voucher, a void gives both back', async () => {
      await voucher({ id: vid(1), faceValueFen: 10_000, lineage: vid(1) });
      await voucher({ id: vid(2), campaignId: 1, faceValueFen: 5000 });
      const ctx = await loadVoucherContext(store.sql, [vid(1), vid(2), vid(1)], 'D1');
      expect(judgeVoucherUse(ctx, use({ voucherId: vid(1), amountFen: 10_000 }), 'M1')).toBeNull();
      ctx.apply(vid(1), 4000, 1);
      expect(ctx.state.get(vid(1))).toMatchObject({ net: 4000, live: 1, budget: { net: 4000, live: 1, faceValueFen: 10_000 } });
      expect(judgeVoucherUse(ctx, use({ voucherId: vid(1), amountFen: 6001 }), 'M1')).toBe('over_balance');
      const fixed = use({ voucherId: vid(2), campaignId: 1, kind: 'fixed', amountFen: 5000 });
      ctx.apply(vid(2), 5000, 1);
      expect(judgeVoucherUse(ctx, fixed, 'M1')).toBe('double_spend');
      ctx.apply(vid(2), 5000, -1);
      expect(judgeVoucherUse(ctx, fixed, 'M1')).toBeNull();
      ctx.apply(vid(9), 5000, 1); // a voucher the program does not know changes nothing
      expect(ctx.state.has(vid(9))).toBe(false);
    });

    it('loads the rest of a re-issue chain, the campaigns and the revoked keys', async () => {
      await voucher({ id: vid(1), faceValueFen: 10_000, lineage: vid(1) });
      await voucher({ id: vid(2), faceValueFen: 4000, lineage: vid(1) });
      await voucher({ id: vid(3) });
      await store.sql.run('UPDATE issuer_keys SET revoked_at = ? WHERE key_id = 2', [iso(T0)]);
      const ctx = await loadVoucherContext(store.sql, [vid(2)], 'D1');
      expect([...ctx.state.keys()].sort()).toEqual([vid(1), vid(2)]);
      expect(ctx.state.get(vid(2))!.budget).toMatchObject({ faceValueFen: 10_000, members: [vid(1), vid(2)] });
      expect([...ctx.campaigns.keys()].sort()).toEqual([1, 2, 3]);
      expect(ctx.revokedKeys).toEqual(new Map([[2, T0]]));
    });

    it('locks and loads more than 500 vouchers in chunks, chains included', async () => {
      for (let i = 1; i <= 520; i++) await voucher({ id: vid(i), faceValueFen: 1000 + i, lineage: i === 1 || i === 600 ? vid(1) : null });
      await voucher({ id: vid(600), faceValueFen: 500, lineage: vid(1) });
      await record({ voucherId: vid(510), amountFen: 700 });
      const asked = Array.from({ length: 520 }, (_, i) => vid(i + 1)).filter((id) => id !== vid(600));
      const ctx = await loadVoucherContext(store.sql, asked, 'D1');
      expect(ctx.state.size).toBe(521);
      expect(ctx.state.get(vid(600))!.budget.members).toEqual(expect.arrayContaining([vid(1), vid(600)]));
      expect(ctx.state.get(vid(510))).toMatchObject({ net: 700, live: 1 });
      expect(judgeVoucherUse(ctx, use({ voucherId: vid(510), amountFen: 1510 - 700 }), 'M1')).toBeNull();
      expect(judgeVoucherUse(ctx, use({ voucherId: vid(510), amountFen: 1511 - 700 }), 'M1')).toBe('over_balance');
    });
  });

  it('splits a list into chunks of the given size, the last one shorter', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });
});
