import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignInput } from '../../src/shared/voucher/manifest';
import { hashRecord } from '../../src/trust/chain';
import { direct, type Harness } from '../helpers/clients';
import { code, value } from '../helpers/results';
import { seedTill } from '../helpers/seed';

/**
 * Issue 16: the till's rules a charity's money depends on, each stated as a rule and each killing a
 * deliberate bug that the rest of the suite let through (offline limits switched off, the chain's
 * prev_hash check removed, a field left out of the hash, the append-only triggers dropped, a per-visit
 * cap counted per line, the PIN count never reset, the lockout a minute short).
 */

const HOUR = 3_600_000;
const MIN = 60_000;

/** Campaign 3: ¥200 balance vouchers; offline at most ¥30 a voucher and ¥50 a till between contacts, for 24 hours. */
const tight: Partial<CampaignInput> = {
  id: 3,
  names: { zh: '严格离线限额', en: 'Tight offline limits' },
  kind: 'balance',
  eligibleCategories: ['books', 'toys', 'school_supplies'],
  offline: { perVoucherFen: 3000, perDeviceTotalFen: 5000, maxHoursOffline: 24 },
};
/** Campaign 4: a formula fund, ≤ 2 cans a visit, with offline limits too wide to matter here. */
const formula: Partial<CampaignInput> = {
  id: 4,
  names: { zh: '奶粉补助', en: 'Formula fund' },
  kind: 'balance',
  eligibleCategories: ['infant_formula'],
  perVisitCaps: { infant_formula: { maxQuantity: 2 } },
  offline: { perVoucherFen: 500_000, perDeviceTotalFen: 5_000_000, maxHoursOffline: 72 },
};

describe('money rules at the till', () => {
  let h: Harness;
  let seed: ReturnType<typeof seedTill>;
  beforeEach(async () => {
    h = await direct.make();
    seed = seedTill(h.services, [tight, formula]);
    h.useSession(seed.cashierSession());
  });
  afterEach(async () => h.close());

  const tightVoucher = () => seed.issuer.token({ campaignId: 3, kind: 'balance', faceValueFen: 20_000 }).token;
  const books = (quantity: number) => [{ itemId: seed.item('猜猜我有多爱你').id, quantity }]; // ¥32.80 each
  const quote = async (vouchers: string[], lines: Array<{ itemId: number; quantity: number }>) =>
    value(await h.api.quoteSale({ lines, vouchers, plan: 'max_cover' }));
  const commit = async (vouchers: string[], lines: Array<{ itemId: number; quantity: number }>) => {
    const q = await quote(vouchers, lines);
    return value(
      await h.api.commitSale({
        lines,
        vouchers,
        plan: 'max_cover',
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
      }),
    );
  };

  describe('offline limits (the till has not heard from the program)', () => {
    it('a balance voucher pays at most the campaign’s offline amount per voucher, over all its offline sales', async () => {
      const v = tightVoucher();
      const first = await quote([v], books(3)); // ¥98.40 of books, ¥200 on the card, ¥30 allowed offline
      expect(first.totals).toMatchObject({ voucherPaidFen: 3000, otherTenderFen: 9840 - 3000 });
      await commit([v], books(1));
      expect((await quote([v], books(1))).vouchers[0]).toMatchObject({ code: 'offline_limit_voucher', usedFen: 0 });
    });

    it('a fixed voucher worth more than the offline amount per voucher is refused offline', async () => {
      const big = seed.babyVoucher({ faceValueFen: 8000 }).token; // the baby campaign allows ¥50 offline
      const q = await quote([big], [{ itemId: seed.item('好奇心钻装纸尿裤').id, quantity: 1 }]);
      expect(q.vouchers[0]).toMatchObject({ code: 'offline_limit_voucher', usedFen: 0 });
      expect(q.totals.voucherPaidFen).toBe(0);
    });

    it('all offline sales of a campaign at one till stop at its total per till between contacts', async () => {
      await commit([tightVoucher()], books(1)); // ¥30
      const second = await quote([tightVoucher()], books(1)); // ¥20 of the ¥50 left
      expect(second.totals.voucherPaidFen).toBe(2000);
      await commit([tightVoucher()], books(1));
      expect((await quote([tightVoucher()], books(1))).vouchers[0]).toMatchObject({ code: 'offline_limit_device', usedFen: 0 });
    });

    it('a till that has not reached the program for longer than the campaign allows takes no offline vouchers', async () => {
      h.clock.ms += 23 * HOUR;
      h.useSession(seed.cashierSession()); // the cashier's session ran out overnight
      expect((await quote([tightVoucher()], books(1))).vouchers[0]).toMatchObject({ code: 'valid' });
      h.clock.ms += 2 * HOUR;
      h.useSession(seed.cashierSession());
      expect((await quote([tightVoucher()], books(1))).vouchers[0]).toMatchObject({ code: 'offline_too_long', usedFen: 0 });
    });
  });

  it('two formula lines of 2 and 1 cans: only 2 are voucher-paid (the cap is per visit, not per line)', async () => {
    const card = seed.issuer.token({ campaignId: 4, kind: 'balance', faceValueFen: 200_000 }).token;
    const q = await quote(
      [card],
      [
        { itemId: seed.item('飞鹤').id, quantity: 2 }, // ¥268 a can
        { itemId: seed.item('君乐宝').id, quantity: 1 }, // ¥198
      ],
    );
    expect(q.totals).toMatchObject({ voucherPaidFen: 2 * 26_800, otherTenderFen: 19_800 });
  });

  describe('the journal', () => {
    const threeSales = async () => {
      for (let i = 0; i < 3; i++) await commit([seed.childVoucher().token], books(1));
      return h.services.journal.range(1, 10);
    };
    /** What someone with the database file could do: lift the trigger and rewrite a row. */
    const rewrite = (sql: string, ...params: unknown[]) => {
      h.services.db.exec('DROP TRIGGER IF EXISTS journal_no_update');
      h.services.db.prepare(sql).run(...params);
    };

    it('cannot be changed or shortened in the database: both are refused', async () => {
      await threeSales();
      expect(() => h.services.db.prepare('UPDATE journal SET amount_fen = 1 WHERE seq = 2').run()).toThrow(/append-only/);
      expect(() => h.services.db.prepare('DELETE FROM journal WHERE seq = 3').run()).toThrow(/append-only/);
      expect(h.services.journal.head().seq).toBe(3);
    });

    it('a record rewritten with a fresh hash of its own still breaks the link to the next record', async () => {
      const [, second] = await threeSales();
      const forged = { ...second!, amountFen: 1 };
      rewrite('UPDATE journal SET amount_fen = 1, hash = ? WHERE seq = 2', hashRecord(forged));
      expect(h.services.journal.verify()).toEqual({ ok: false, seq: 3, problem: 'bad_prev_hash' });
    });

    it('what the customer paid besides vouchers is part of the record: changing it breaks the chain', async () => {
      await threeSales();
      rewrite('UPDATE journal SET other_tender_fen = other_tender_fen + 100 WHERE seq = 2');
      expect(h.services.journal.verify()).toEqual({ ok: false, seq: 2, problem: 'bad_hash' });
    });
  });

  describe('PINs', () => {
    it('three wrong PINs, then the right one, then two wrong: not locked', async () => {
      const id = seed.cashier.id;
      for (let i = 0; i < 3; i++) expect(code(await h.api.login({ userId: id, pin: '0000' }))).toBe('pin_wrong');
      value(await h.api.login({ userId: id, pin: '5678' }));
      expect(await h.api.login({ userId: id, pin: '0000' })).toMatchObject({
        ok: false,
        error: { code: 'pin_wrong', params: { left: 4 } },
      });
      expect(await h.api.login({ userId: id, pin: '0000' })).toMatchObject({
        ok: false,
        error: { code: 'pin_wrong', params: { left: 3 } },
      });
      expect(value(await h.api.login({ userId: id, pin: '5678' })).user).toMatchObject({ id });
    });

    it('a lockout lasts the full five minutes: a second before, even the right PIN is refused', async () => {
      const id = seed.cashier.id;
      for (let i = 0; i < 5; i++) await h.api.login({ userId: id, pin: '0000' });
      h.clock.ms += 5 * MIN - 1000;
      expect(await h.api.login({ userId: id, pin: '5678' })).toMatchObject({
        ok: false,
        error: { code: 'locked_out', params: { minutes: 1 } },
      });
      h.clock.ms += 1000;
      expect(value(await h.api.login({ userId: id, pin: '5678' })).user).toMatchObject({ id });
    });
  });
});
