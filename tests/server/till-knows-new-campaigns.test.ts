import { describe, expect, it, vi } from 'vitest';
import { enrolledTill, useProgramWorld, STORES } from '../helpers/program';

type QuoteValue = { vouchers: Array<{ code: string }> };

describe.each(STORES)('a campaign published while the till is online, on $name', (kind) => {
  const t = useProgramWorld(kind);
  const { cleanups } = t;

  it('is known at the first scan of its voucher: the till fetches the manifest at once and judges again', async () => {
    const till = await enrolledTill(t.world);
    cleanups.push(till.cleanup);
    const campaign = await t.world.program.createCampaign({
      names: { zh: '助老餐券', en: 'Meal voucher' },
      funder: { zh: '基金会', en: 'Fund' },
      kind: 'fixed',
      validFrom: '2026-01-01T00:00:00+08:00',
      validUntil: '2027-12-31T23:59:59+08:00',
      merchants: ['*'],
      eligibleCategories: ['infant_formula'],
      offline: { perVoucherFen: 5000, perDeviceTotalFen: 100_000, maxHoursOffline: 72 },
    });
    await t.world.program.publishManifest();
    const [voucher] = await t.world.program.issueVouchers({ campaignId: campaign.id, count: 1, faceValueFen: 3000 });
    const item = till.services.catalog.search('飞鹤')[0]!;
    const q = await till.services.dispatch(
      'quoteSale',
      { lines: [{ itemId: item.id, quantity: 1 }], vouchers: [voucher!.token] },
      { sessionToken: till.session.token },
    );
    expect(q.ok && (q.value as QuoteValue).vouchers[0]!.code).toBe('valid');
  });

  it('a voucher the program has not published stays refused, and repeated scans do not hammer the program', async () => {
    const till = await enrolledTill(t.world);
    cleanups.push(till.cleanup);
    const item = till.services.catalog.search('飞鹤')[0]!;
    const stranger = await t.world.program.createCampaign({
      names: { zh: '未发布活动', en: 'Unpublished' },
      funder: { zh: '基金会', en: 'Fund' },
      kind: 'fixed',
      validFrom: '2026-01-01T00:00:00+08:00',
      validUntil: '2027-12-31T23:59:59+08:00',
      merchants: ['*'],
      eligibleCategories: ['infant_formula'],
      offline: { perVoucherFen: 5000, perDeviceTotalFen: 100_000, maxHoursOffline: 72 },
    });
    // Issued but not published: the program's manifest does not list its campaign either.
    const [unpublished] = await t.world.program.issueVouchers({ campaignId: stranger.id, count: 1, faceValueFen: 3000 });
    const refreshes = vi.spyOn(till.services.sync, 'refreshManifest');
    const quote = async () => {
      const r = await till.services.dispatch(
        'quoteSale',
        { lines: [{ itemId: item.id, quantity: 1 }], vouchers: [unpublished!.token] },
        { sessionToken: till.session.token },
      );
      return r.ok ? (r.value as QuoteValue).vouchers[0]!.code : r.error.code;
    };
    for (let i = 0; i < 6; i++) expect(await quote()).toBe('unknown_campaign');
    expect(refreshes).toHaveBeenCalledTimes(1);
  });
});
