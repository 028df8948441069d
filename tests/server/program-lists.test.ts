import { describe, expect, it } from 'vitest';
import type { AplEntry } from '../../src/shared/apl/apl';
import type { Quote } from '../../src/shared/api/schemas/checkout';
import type { Proposal } from '../../src/shared/api/schemas/proposals';
import { campaignReport } from '../../src/server/program/report';
import { aplForTill } from '../../src/server/program/aplPublish';
import { decideProposal } from '../../src/server/program/proposals';
import { enrolledTill, sell, STORES, useProgramWorld, type ProgramWorld } from '../helpers/program';
import { code, value } from '../helpers/results';

const DIAPERS = '6902754002016'; // 帮宝适 M 58片, ¥89.90 in the demo catalogue
const WALKERS = '6902754003020'; // 婴儿学步鞋, ¥79.00: the shop calls it baby clothing; the program does not list it
const FORMULA = '6902754001019'; // 飞鹤 1段, ¥268.00
const entry = (barcode: string, category: AplEntry['category'], maxUnitPriceFen: number | null = null): AplEntry => ({
  barcode,
  category,
  maxUnitPriceFen,
  validFrom: null,
  validUntil: null,
});

/** A fixed ¥50 campaign that pays by the program's list (campaign 3), with its vouchers. */
async function listCampaign(world: ProgramWorld, count: number) {
  await world.program.createCampaign({
    names: { zh: '按目录付款的关爱券', en: 'Pays by the list' },
    funder: { zh: '基金会', en: 'Fund' },
    validFrom: '2026-01-01T00:00:00+08:00',
    validUntil: '2027-12-31T23:59:59+08:00',
    kind: 'fixed',
    eligibleCategories: ['infant_formula', 'diapers', 'baby_clothing', 'haircut'],
    merchants: ['*'],
    offline: { perVoucherFen: 5000, perDeviceTotalFen: 1_000_000, maxHoursOffline: 72 },
    eligibility: 'apl',
  });
  await world.program.publishManifest();
  return world.program.issueVouchers({ campaignId: 3, count, faceValueFen: 5000 });
}

/**
 * Issue 11: what a voucher pays for is the program's decision, not the shop's label. The program
 * publishes a signed approved product list; the till installs it (whole, then as deltas, never an
 * older one) and judges lines by it; the owner proposes what has no barcode, the operator decides,
 * and the till hears back; every record says, item by item, what the money bought.
 */
describe.each(STORES)('the program’s lists reach the till and decide eligibility, on $name', (kind) => {
  const ctx = useProgramWorld(kind);

  it('a listed item is paid by the list’s category; an unlisted one is not, whatever the shop calls it', async () => {
    const vouchers = await listCampaign(ctx.world, 2);
    await ctx.world.program.publishApl([entry(DIAPERS, 'diapers'), entry(FORMULA, 'infant_formula', 25_000)]);
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    await till.services.sync.syncNow();
    expect(value(await till.services.dispatch('getProgramLists', {}, { sessionToken: ownerSession(till) }))).toMatchObject({
      aplVersion: 1,
      aplEntries: 2,
    });
    const item = (barcode: string) => till.services.catalog.lookup(barcode);
    const quote = async (barcode: string) =>
      value(
        await till.services.dispatch(
          'quoteSale',
          { lines: [{ itemId: item(barcode).id, quantity: 1 }], vouchers: [vouchers[0]!.token], plan: 'max_cover' },
          { sessionToken: till.session.token },
        ),
      ) as Quote;
    expect((await quote(DIAPERS)).lines[0]).toMatchObject({ status: 'eligible', category: 'diapers' });
    expect((await quote(WALKERS)).lines[0]).toMatchObject({ status: 'not_eligible', reason: 'not_listed' });
    // ¥268 formula, listed at most ¥250 a can: the program will not pay for it at that price.
    expect((await quote(FORMULA)).lines[0]).toMatchObject({ status: 'not_eligible', reason: 'over_max_price' });

    // Sold: the record says what was bought, and the program keeps it and counts it in its report.
    const sale = await sell(till.services, till.session, '帮宝适', 1, [vouchers[0]!.token]);
    expect(sale.ok).toBe(true);
    const [record] = till.services.journal.bySale((sale as { value: { saleId: string } }).value.saleId);
    expect(record!.lines).toEqual([
      { code: DIAPERS, name: item(DIAPERS).name, quantity: 1, unitPriceFen: 8990, amountFen: 5000, category: 'diapers' },
    ]);
    expect(record!.listVersions).toEqual({ apl: 1, shop: 0 });
    await till.services.sync.syncNow();
    expect(
      (await ctx.world.store.sql.get<{ status: string }>('SELECT status FROM records WHERE record_id = ?', [record!.id]))?.status,
    ).toBe('accepted');
    const report = await campaignReport(ctx.world.store, 3);
    expect(report.topItems[0]).toMatchObject({ code: DIAPERS, quantity: 1, amountFen: 5000 });
    expect(report.byCategory.find((c) => c.category === 'diapers')?.amountFen).toBe(5000);
  });

  it('the list changes as deltas; an older or unsigned list is never installed', async () => {
    await listCampaign(ctx.world, 1);
    await ctx.world.program.publishApl([entry(DIAPERS, 'diapers')]);
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    await till.services.sync.syncNow();
    const v1 = (await aplForTill(ctx.world.store.sql, 0))!;
    await ctx.world.program.publishApl([entry(DIAPERS, 'diapers'), entry(WALKERS, 'baby_clothing')]);
    expect((await aplForTill(ctx.world.store.sql, 1))!.document).toContain('"base":1');
    await till.services.sync.syncNow();
    expect(
      till.services.checkout.quote(
        { lines: [{ itemId: till.services.catalog.lookup(WALKERS).id, quantity: 1 }], vouchers: [], plan: 'max_cover' },
        true,
      ).lines[0]!.category,
    ).toBe('baby_clothing');
    expect(value(await till.services.dispatch('getProgramLists', {}, { sessionToken: ownerSession(till) }))).toMatchObject({
      aplVersion: 2,
      aplEntries: 2,
    });
    // Version 1 again (a replay by whoever sits between the till and the program): refused, nothing changes.
    expect(() => till.services.lists.installApl(v1)).toThrow(/not newer/);
    const forged = { ...v1, document: v1.document.replace('"version":1', '"version":9') };
    expect(() => till.services.lists.installApl(forged)).toThrow(/signature/);
    expect(till.services.lists.versions().apl).toBe(2);
  });

  it('the owner proposes a haircut; the operator approves it; the till sells it with a voucher, item by item', async () => {
    const vouchers = await listCampaign(ctx.world, 1);
    await ctx.world.program.publishApl([entry(DIAPERS, 'diapers')]);
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    const owner = ownerSession(till);
    const haircut = till.services.catalog.search('儿童理发')[0]!;
    const proposed = value(
      await till.services.dispatch(
        'proposeItem',
        { itemId: haircut.id, category: 'haircut', note: '儿童理发，每次 20 元' },
        { sessionToken: owner },
      ),
    ) as Proposal;
    expect(proposed).toMatchObject({ status: 'pending', sent: false, name: '儿童理发', priceFen: 2000 });
    // Only the owner proposes.
    expect(
      code(
        await till.services.dispatch(
          'proposeItem',
          { itemId: haircut.id, category: 'haircut', note: null },
          { sessionToken: till.session.token },
        ),
      ),
    ).toBe('forbidden');
    const quoteHaircut = () =>
      till.services.checkout.quote(
        { lines: [{ itemId: haircut.id, quantity: 1 }], vouchers: [vouchers[0]!.token], plan: 'max_cover' },
        true,
      ).lines[0]!;
    expect(quoteHaircut()).toMatchObject({ status: 'not_eligible', reason: 'not_listed' });

    await till.services.sync.syncNow();
    expect((value(await till.services.dispatch('listProposals', {}, { sessionToken: owner })) as Proposal[])[0]).toMatchObject({
      sent: true,
      status: 'pending',
    });
    await decideProposal(ctx.world.store, await ctx.world.program.replyKey(), proposed.proposalId, { approve: {} }, new Date());
    await till.services.sync.syncNow();
    expect((value(await till.services.dispatch('listProposals', {}, { sessionToken: owner })) as Proposal[])[0]).toMatchObject({
      status: 'approved',
      decidedCategory: 'haircut',
    });
    expect(quoteHaircut()).toMatchObject({ status: 'eligible', category: 'haircut' });
    const sale = await sell(till.services, till.session, '儿童理发', 1, [vouchers[0]!.token]);
    expect(sale.ok).toBe(true);
    await till.services.sync.syncNow();
    const report = await campaignReport(ctx.world.store, 3);
    expect(report.topItems[0]).toMatchObject({ code: `shop:${proposed.proposalId}`, name: '儿童理发', amountFen: 2000 });
  });

  it('a list the till refuses is logged and not installed, and the sales still upload', async () => {
    const vouchers = await ctx.world.issue('baby', 1);
    await ctx.world.program.publishApl([entry(DIAPERS, 'diapers')]);
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    // As if a later list had been installed: the program's version 1 is older, so it is refused.
    till.services.settings.set('lists.aplVersion', 5);
    const sale = await sell(till.services, till.session, '帮宝适', 1, [vouchers[0]!.token]);
    expect(sale.ok).toBe(true);
    await till.services.sync.syncNow();
    expect(till.services.sync.pending()).toBe(0);
    expect(till.services.lists.versions().apl).toBe(5);
  });

  it('a refused proposal says why, and the item stays unpaid by list campaigns', async () => {
    await listCampaign(ctx.world, 1);
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    const owner = ownerSession(till);
    const bag = till.services.catalog.lookup('BAG-01');
    const p = value(
      await till.services.dispatch('proposeItem', { itemId: bag.id, category: 'daily_necessities', note: null }, { sessionToken: owner }),
    ) as Proposal;
    await till.services.sync.syncNow();
    await decideProposal(
      ctx.world.store,
      await ctx.world.program.replyKey(),
      p.proposalId,
      { refuse: { reason: '购物袋不在资助范围' } },
      new Date(),
    );
    await till.services.sync.syncNow();
    const products = value(
      await till.services.dispatch(
        'listProducts',
        { query: '购物袋', filter: 'active', category: null, offset: 0, limit: 10 },
        { sessionToken: owner },
      ),
    ) as { rows: Array<{ eligibility: { state: string; reason: string | null } }> };
    expect(products.rows[0]!.eligibility).toMatchObject({ state: 'refused', reason: '购物袋不在资助范围' });
  });
});

function ownerSession(till: Awaited<ReturnType<typeof enrolledTill>>): string {
  return till.services.users.login(till.services.users.list().find((u) => u.role === 'owner')!.id, '1234').token;
}
