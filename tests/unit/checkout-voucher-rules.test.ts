import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_VOUCHERS_PER_SALE } from '../../src/shared/api/schemas/checkout';
import type { CampaignInput } from '../../src/shared/voucher/manifest';
import { direct, type Harness } from '../helpers/clients';
import { value } from '../helpers/results';
import { seedTill } from '../helpers/seed';

/**
 * The till's voucher rules in checkout.ts, rule by rule (issue 16): each test kills mutants that the
 * broader suites, which all sell offline, let live.
 */
const tight: Partial<CampaignInput> = {
  id: 3,
  names: { zh: '严格离线限额', en: 'Tight offline limits' },
  kind: 'balance',
  eligibleCategories: ['books'],
  offline: { perVoucherFen: 3000, perDeviceTotalFen: 5000, maxHoursOffline: 24 },
};
const fixedCampaign: Partial<CampaignInput> = {
  id: 6,
  names: { zh: '定额', en: 'Fixed' },
  kind: 'fixed',
  eligibleCategories: ['books'],
  offline: { perVoucherFen: 1000, perDeviceTotalFen: 100_000, maxHoursOffline: 24 },
};

describe('the till’s voucher rules', () => {
  let h: Harness;
  let seed: ReturnType<typeof seedTill>;
  let tenYuan = 0;
  let fiveYuan = 0;
  beforeEach(async () => {
    h = await direct.make();
    seed = seedTill(h.services, [tight, fixedCampaign]);
    h.useSession(seed.ownerSession);
    tenYuan = value(
      await h.api.saveItem({ name: '十元练习册', category: 'books', priceFen: 1000, unit: '本', quickKey: false, barcodes: [] }),
    ).id;
    fiveYuan = value(
      await h.api.saveItem({ name: '五元铅笔', category: 'books', priceFen: 500, unit: '支', quickKey: false, barcodes: [] }),
    ).id;
    h.useSession(seed.cashierSession());
  });
  afterEach(async () => h.close());

  const books = (quantity: number) => [{ itemId: tenYuan, quantity }];
  const balance = (faceValueFen = 20_000) => seed.issuer.token({ campaignId: 3, kind: 'balance', faceValueFen }).token;
  const fixed = (faceValueFen: number) => seed.issuer.token({ campaignId: 6, kind: 'fixed', faceValueFen }).token;
  const sale = (vouchers: string[], quantity = 1, plan: 'max_cover' | 'least_forfeit' = 'max_cover') => ({
    lines: books(quantity),
    vouchers,
    plan,
  });
  const commit = async (vouchers: string[], quantity: number) => {
    const q = value(await h.api.quoteSale(sale(vouchers, quantity)));
    return value(
      await h.api.commitSale({
        ...sale(vouchers, quantity),
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
      }),
    );
  };

  it('when the program can authorize the sale, the till’s offline limits do not apply', () => {
    const offline = h.services.checkout.quote(sale([balance()], 5));
    expect(offline.vouchers[0]).toMatchObject({ code: 'valid', usedFen: 3000 }); // capped at ¥30 offline
    const online = h.services.checkout.quote(sale([balance()], 5), true);
    expect(online.vouchers[0]).toMatchObject({ code: 'valid', usedFen: 5000 });
    // A fixed voucher above the offline amount: refused offline, paid online.
    expect(h.services.checkout.quote(sale([fixed(2000)], 2)).vouchers[0]).toMatchObject({ code: 'offline_limit_voucher' });
    expect(h.services.checkout.quote(sale([fixed(2000)], 2), true).vouchers[0]).toMatchObject({ code: 'valid', usedFen: 2000 });
    // Past the hours offline too.
    h.clock.ms += 25 * 3_600_000;
    expect(h.services.checkout.quote(sale([balance()], 1)).vouchers[0]).toMatchObject({ code: 'offline_too_long' });
    expect(h.services.checkout.quote(sale([balance()], 1), true).vouchers[0]).toMatchObject({ code: 'valid', usedFen: 1000 });
  });

  it('a balance voucher spent to the fen is refused as exhausted, and shows nothing left', async () => {
    const v = balance(2000);
    await commit([v], 2);
    const q = h.services.checkout.quote(sale([v], 1), true);
    expect(q.vouchers[0]).toMatchObject({ code: 'balance_exhausted', balanceBeforeFen: 0, usedFen: 0, selected: false });
  });

  it('a voided fixed voucher is whole again', async () => {
    const f = fixed(1000);
    const done = await commit([f], 1);
    h.useSession(seed.ownerSession);
    value(await h.api.voidSale({ saleId: done.saleId }));
    h.useSession(seed.cashierSession());
    expect(h.services.checkout.quote(sale([f], 1)).vouchers[0]).toMatchObject({ code: 'valid', balanceBeforeFen: 1000, usedFen: 1000 });
  });

  it(`at most ${MAX_VOUCHERS_PER_SALE} vouchers in one sale`, () => {
    const many = Array.from({ length: MAX_VOUCHERS_PER_SALE }, () => balance(100));
    expect(h.services.checkout.quote(sale(many, 20), true).vouchers).toHaveLength(MAX_VOUCHERS_PER_SALE);
    expect(() => h.services.checkout.quote(sale([...many, balance(100)], 20), true)).toThrow(
      expect.objectContaining({ code: 'too_many_vouchers', message: 'too many vouchers' }),
    );
  });

  it('a refused voucher is shown unselected and pays nothing, whatever its campaign', () => {
    const expired = seed.issuer.token({
      campaignId: 3,
      kind: 'balance',
      faceValueFen: 20_000,
      validUntil: Math.floor(h.clock.ms / 1000) - 86_400,
    }).token;
    const q = h.services.checkout.quote(sale([expired], 1), true);
    expect(q.vouchers[0]).toMatchObject({ code: 'expired', usedFen: 0, selected: false });
    expect(q.totals.voucherPaidFen).toBe(0);
  });

  it('“forfeit less” asks for the plan that forfeits least, and the main plan stays the one that covers most', () => {
    // ¥20 and ¥10 fixed vouchers (online) on a ¥10 basket: covering most forfeits ¥10 with the ¥20 one
    // (earliest expiry first is not the point here); forfeiting least uses the ¥10 one alone.
    const twenty = fixed(2000);
    const ten = fixed(1000);
    const q = h.services.checkout.quote(sale([twenty, ten], 1), true);
    const forfeit = q.totals.forfeitedFen;
    const least = h.services.checkout.quote(sale([twenty, ten], 1, 'least_forfeit'), true);
    expect(least.totals.forfeitedFen).toBeLessThanOrEqual(forfeit);
    expect(least.totals.forfeitedFen).toBe(0);
    expect(least.totals.voucherPaidFen).toBe(1000);
  });

  it('a fixed voucher spent on less than its face value has nothing left: the rest was forfeited, not kept', async () => {
    const f = fixed(1000);
    const q = value(await h.api.quoteSale({ lines: [{ itemId: fiveYuan, quantity: 1 }], vouchers: [f], plan: 'max_cover' }));
    expect(q.totals).toMatchObject({ voucherPaidFen: 500, forfeitedFen: 500 });
    value(
      await h.api.commitSale({
        lines: [{ itemId: fiveYuan, quantity: 1 }],
        vouchers: [f],
        plan: 'max_cover',
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: 500, otherTenderFen: 0, forfeitedFen: 500 },
      }),
    );
    const again = h.services.checkout.quote(sale([f], 1), true);
    expect(again.vouchers[0]).toMatchObject({ code: 'already_used', balanceBeforeFen: 0, balanceAfterFen: 0, usedFen: 0, selected: false });
  });

  it('a till that has never heard from the program takes no voucher offline, and takes it when the program authorizes', () => {
    h.services.settings.set('sync.lastSuccessAt', null);
    expect(h.services.checkout.quote(sale([balance()], 1)).vouchers[0]).toMatchObject({ code: 'offline_too_long', usedFen: 0 });
    expect(h.services.checkout.quote(sale([fixed(1000)], 1)).vouchers[0]).toMatchObject({ code: 'offline_too_long' });
    expect(h.services.checkout.quote(sale([balance()], 1), true).vouchers[0]).toMatchObject({ code: 'valid', usedFen: 1000 });
  });

  it('hours offline count to the minute: 24 h after the last contact still sells, a minute more does not', () => {
    h.clock.ms += 24 * 3_600_000;
    expect(h.services.checkout.quote(sale([balance()], 1)).vouchers[0]).toMatchObject({ code: 'valid' });
    h.clock.ms += 60_000;
    expect(h.services.checkout.quote(sale([balance()], 1)).vouchers[0]).toMatchObject({ code: 'offline_too_long' });
  });

  it('the other plan is offered only when it forfeits less and still pays something', () => {
    // Nothing forfeited: no other plan, whichever is asked for.
    for (const plan of ['max_cover', 'least_forfeit'] as const) {
      const q = h.services.checkout.quote(sale([fixed(1000)], 1, plan), true);
      expect(q).toMatchObject({ plan: 'max_cover', alternative: null, totals: { forfeitedFen: 0, voucherPaidFen: 1000 } });
    }
    // One ¥20 voucher on a ¥10 basket: every plan that pays forfeits ¥10; paying nothing is no plan.
    for (const plan of ['max_cover', 'least_forfeit'] as const) {
      const q = h.services.checkout.quote(sale([fixed(2000)], 1, plan), true);
      expect(q).toMatchObject({ plan: 'max_cover', alternative: null, totals: { forfeitedFen: 1000, voucherPaidFen: 1000 } });
    }
    // ¥20 and ¥10 on a ¥15 basket: covering most uses the ¥20 (¥15 paid, ¥5 forfeited); forfeiting
    // least uses the ¥10 alone (¥10 paid, nothing forfeited). Each plan offers the other.
    const basket = [
      { itemId: tenYuan, quantity: 1 },
      { itemId: fiveYuan, quantity: 1 },
    ];
    const vouchers = [fixed(2000), fixed(1000)];
    const most = h.services.checkout.quote({ lines: basket, vouchers, plan: 'max_cover' }, true);
    expect(most).toMatchObject({ plan: 'max_cover', totals: { voucherPaidFen: 1500, forfeitedFen: 500, otherTenderFen: 0 } });
    expect(most.alternative).toEqual({
      plan: 'least_forfeit',
      basketFen: 1500,
      voucherPaidFen: 1000,
      otherTenderFen: 500,
      forfeitedFen: 0,
    });
    const least = h.services.checkout.quote({ lines: basket, vouchers, plan: 'least_forfeit' }, true);
    expect(least).toMatchObject({ plan: 'least_forfeit', totals: { voucherPaidFen: 1000, forfeitedFen: 0, otherTenderFen: 500 } });
    expect(least.alternative).toEqual({ plan: 'max_cover', basketFen: 1500, voucherPaidFen: 1500, otherTenderFen: 0, forfeitedFen: 500 });
    expect(least.vouchers.map((v) => v.selected)).toEqual([false, true]);
  });
});
