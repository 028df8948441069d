import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignInput } from '../../src/shared/voucher/manifest';
import { holderCode, maskVoucherId } from '../../src/shared/voucher/token';
import { direct, type Harness } from '../helpers/clients';
import { value } from '../helpers/results';
import { seedTill } from '../helpers/seed';

/**
 * Issue 16: the till's offline limits (checkout.ts) at their exact edges, through the till's API: a
 * limit reached to the fen still pays, a fen past it does not; the hours count to the minute; voids
 * give back; each campaign has its own allowance; a sync starts a new one.
 */

const HOUR = 3_600_000;

/** Campaign 3: ¥200 balance vouchers; offline at most ¥30 a voucher and ¥50 a till between contacts, for 24 hours. */
const tight: Partial<CampaignInput> = {
  id: 3,
  names: { zh: '严格离线限额', en: 'Tight offline limits' },
  kind: 'balance',
  eligibleCategories: ['books', 'toys', 'school_supplies'],
  offline: { perVoucherFen: 3000, perDeviceTotalFen: 5000, maxHoursOffline: 24 },
};
/** Campaign 5: the same, another campaign: its own allowance. */
const other: Partial<CampaignInput> = { ...tight, id: 5, names: { zh: '另一个', en: 'Another' } };
/** Campaign 6: ¥30 fixed vouchers, ¥30 allowed offline a voucher. */
const fixedTight: Partial<CampaignInput> = {
  id: 6,
  names: { zh: '定额', en: 'Fixed' },
  kind: 'fixed',
  eligibleCategories: ['books'],
  offline: { perVoucherFen: 3000, perDeviceTotalFen: 100_000, maxHoursOffline: 24 },
};

describe('the till’s offline limits at their edges', () => {
  let h: Harness;
  let seed: ReturnType<typeof seedTill>;
  beforeEach(async () => {
    h = await direct.make();
    seed = seedTill(h.services, [tight, other, fixedTight]);
    h.useSession(seed.cashierSession());
  });
  afterEach(async () => h.close());

  const card = (campaignId = 3, faceValueFen = 20_000) => seed.issuer.token({ campaignId, kind: 'balance', faceValueFen });
  const fixed = (faceValueFen: number) => seed.issuer.token({ campaignId: 6, kind: 'fixed', faceValueFen }).token;
  /** ¥10.00 of books a unit: a 10-yuan item made for these tests. */
  let tenYuan = 0;
  const books = (quantity: number) => [{ itemId: tenYuan, quantity }];
  beforeEach(async () => {
    h.useSession(seed.ownerSession);
    tenYuan = value(
      await h.api.saveItem({ name: '十元练习册', category: 'books', priceFen: 1000, unit: '本', quickKey: false, barcodes: [] }),
    ).id;
    h.useSession(seed.cashierSession());
  });
  const quote = async (vouchers: string[], lines = books(1)) => value(await h.api.quoteSale({ lines, vouchers, plan: 'max_cover' }));
  const commit = async (vouchers: string[], lines = books(1)) => {
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

  it('a fixed voucher worth exactly the offline amount is taken; one fen more is not', async () => {
    expect((await quote([fixed(3000)], books(3))).vouchers[0]).toMatchObject({ code: 'valid', usedFen: 3000 });
    expect((await quote([fixed(3001)], books(4))).vouchers[0]).toMatchObject({ code: 'offline_limit_voucher', usedFen: 0 });
  });

  it('a balance voucher pays no more than what is left of its offline amount; with none left it is refused', async () => {
    const v = card();
    await commit([v.token], [{ itemId: seed.item('猜猜我有多爱你').id, quantity: 1 }]); // ¥30 of ¥32.80 paid
    expect((await quote([v.token])).vouchers[0]).toMatchObject({ code: 'offline_limit_voucher', usedFen: 0 });
    const w = card(5); // another campaign: its own ¥50 for this till
    await commit([w.token], books(2)); // ¥20 of its ¥30
    const q = await quote([w.token], books(2));
    expect(q.vouchers[0]).toMatchObject({ code: 'valid', usedFen: 1000, balanceBeforeFen: 18_000, balanceAfterFen: 17_000 });
    expect(q.totals).toMatchObject({ voucherPaidFen: 1000, otherTenderFen: 1000 });
  });

  it('the till’s allowance to the fen: ¥50 spent offline leaves nothing; a void gives it back', async () => {
    await commit([card().token], books(3)); // ¥30
    const last = await commit([card().token], books(2)); // ¥20: the ¥50 is used up
    expect((await quote([card().token])).vouchers[0]).toMatchObject({ code: 'offline_limit_device', usedFen: 0 });
    h.useSession(seed.ownerSession);
    value(await h.api.voidSale({ saleId: last.saleId }));
    h.useSession(seed.cashierSession());
    expect((await quote([card().token], books(3))).vouchers[0]).toMatchObject({ code: 'valid', usedFen: 2000 });
  });

  it('each campaign has its own allowance at this till', async () => {
    await commit([card().token], books(3));
    await commit([card().token], books(2));
    expect((await quote([card(5).token], books(3))).vouchers[0]).toMatchObject({ code: 'valid', usedFen: 3000 });
  });

  it('a contact with the program starts a new allowance', async () => {
    await commit([card().token], books(3));
    await commit([card().token], books(2));
    h.clock.ms += 1000;
    h.services.manifests.markSynced();
    expect((await quote([card().token], books(3))).vouchers[0]).toMatchObject({ code: 'valid', usedFen: 3000 });
  });

  it('exactly the campaign’s hours after the last contact is still fine; a millisecond later is too long', async () => {
    h.clock.ms += 24 * HOUR;
    h.useSession(seed.cashierSession());
    expect((await quote([card().token])).vouchers[0]).toMatchObject({ code: 'valid' });
    h.clock.ms += 1;
    expect((await quote([card().token])).vouchers[0]).toMatchObject({ code: 'offline_too_long', usedFen: 0 });
  });

  it('a till that never heard from its program takes no offline vouchers', async () => {
    h.services.settings.set('sync.lastSuccessAt', null);
    expect(h.services.manifests.lastSyncAt()).toBeNull();
    expect((await quote([card().token])).vouchers[0]).toMatchObject({ code: 'offline_too_long' });
  });

  it('the same voucher twice in one sale counts once', async () => {
    const v = card().token;
    const q = await quote([v, v], books(1));
    expect(q.vouchers.map((x) => x.code)).toEqual(['valid', 'duplicate_in_sale']);
  });

  it('a fixed voucher used once is refused the second time, its balance shown as nothing', async () => {
    const f = fixed(2000);
    await commit([f], books(2));
    expect((await quote([f], books(2))).vouchers[0]).toMatchObject({ code: 'already_used', balanceBeforeFen: 0, usedFen: 0 });
  });

  it('shows what the cashier needs of each voucher: masked id, holder code, campaign, dates and balance', async () => {
    const v = card(3, 20_000);
    const q = await quote([v.token], books(1));
    expect(q.vouchers[0]).toMatchObject({
      code: 'valid',
      voucherId: v.fields.voucherId,
      masked: maskVoucherId(v.fields.voucherId),
      holderCode: holderCode(v.fields.holderTag),
      campaignId: 3,
      campaignName: { zh: '严格离线限额', en: 'Tight offline limits' },
      kind: 'balance',
      faceValueFen: 20_000,
      validFrom: new Date(v.fields.validFrom * 1000).toISOString(),
      validUntil: new Date(v.fields.validUntil * 1000).toISOString(),
      balanceBeforeFen: 20_000,
      usedFen: 1000,
      balanceAfterFen: 19_000,
      selected: true,
    });
  });

  it('an unreadable scan is shown as such, with nothing filled in', async () => {
    const q = await quote(['NOT-A-VOUCHER'], books(1));
    expect(q.vouchers[0]).toMatchObject({ voucherId: null, masked: null, holderCode: null, campaignId: null, balanceBeforeFen: null });
    expect(q.vouchers[0]!.code).not.toBe('valid');
  });
});
