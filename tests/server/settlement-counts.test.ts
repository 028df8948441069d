import { describe, expect, it } from 'vitest';
import type { Settlement } from '../../src/shared/api/schemas/sync';
import { enrolledTill, useProgramWorld, sell, STORES } from '../helpers/program';

describe.each(STORES)('the owner’s settlement counts, on $name', (kind) => {
  const t = useProgramWorld(kind);
  const { cleanups } = t;

  it('count redemptions that stand; a voided sale and its void are shown apart', async () => {
    const till = await enrolledTill(t.world);
    cleanups.push(till.cleanup);
    const [a, b] = await t.world.issue('baby', 2);
    const kept = await sell(till.services, till.session, '飞鹤', 1, [a!.token]);
    const voided = await sell(till.services, till.session, '飞鹤', 1, [b!.token]);
    expect(kept.ok && voided.ok).toBe(true);
    const saleId = (voided as { value: { saleId: string } }).value.saleId;
    expect((await till.services.dispatch('voidSale', { saleId }, { sessionToken: till.session.token })).ok).toBe(true);
    await till.services.sync.syncNow();
    const owner = till.services.users.login(till.services.users.list().find((u) => u.role === 'owner')!.id, '1234');
    const r = await till.services.dispatch('getSettlement', {}, { sessionToken: owner.token });
    const view = (r as { value: Settlement }).value;
    expect(view.totals.acceptedFen).toBe(5000);
    expect(view.counts).toEqual({ pending: 0, accepted: 1, held: 0, rejected: 0, paid: 0 });
    expect(view.voids).toBe(1);
  });
});
