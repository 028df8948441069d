import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOperatorToken } from '../../src/server/http/operators';
import { programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill, type RawTill } from '../helpers/rawTill';

const MIN = 60_000;

/**
 * Issue 16: the program's rules that a deliberate bug slipped past (forfeits ignored, the category
 * check removed, the operator token or the request time window not checked). Each record here is
 * chained and signed properly by an enrolled till's key: only the program's own rules can refuse it.
 */
describe.each(STORES)('the program’s trust rules on $name', (kind) => {
  let world: ProgramWorld;
  let till: RawTill;
  const clock = { ms: Date.now() };
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    clock.ms = Date.now();
    world = await programWorld(kind, { now: () => new Date(clock.ms) });
    till = await rawTill(world, 'M1', () => clock.ms);
  });
  afterEach(async () => {
    await world?.close();
  });

  const reasons = async (records: Parameters<RawTill['upload']>[0]) => {
    const reply = await till.upload(records);
    expect(reply.status).toBe(200);
    return reply.body.results!.map((r) => r.reason);
  };

  it('a ¥50 voucher cannot pay ¥30 and forfeit ¥30: what it paid and what it forfeited together are its face value at most', async () => {
    const [over, fits] = await world.issue('baby', 2);
    const diapers = (voucherId: string, forfeitedFen: number) =>
      till.record({
        voucherId,
        campaignId: 1,
        kind: 'fixed',
        amountFen: 3000,
        forfeitedFen,
        categories: { diapers: { amountFen: 3000, quantity: 1 } },
      });
    expect(await reasons([diapers(over!.voucherId, 3000), diapers(fits!.voucherId, 2000)])).toEqual(['over_balance', null]);
  });

  it('a child-care card cannot pay for infant formula, even in a properly signed record', async () => {
    const [card] = await world.issue('child', 1);
    const formula = till.record({ voucherId: card!.voucherId, categories: { infant_formula: { amountFen: 1000, quantity: 1 } } });
    const books = till.record({ voucherId: card!.voucherId });
    expect(await reasons([formula, books])).toEqual(['category_not_eligible', null]);
  });

  describe('operator calls', () => {
    const call = (authorization?: string) =>
      fetch(`${world.server.url}/v1/operator/merchants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ merchantId: 'M7', name: '冒名店' }),
      });
    const merchants = async () => Number((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM merchants'))!.n);

    it('an operator call without a token, or with a wrong one, gets 401 and changes nothing', async () => {
      const token = await createOperatorToken(world.store, 'ops');
      for (const auth of [undefined, 'Bearer ', `Bearer ${token}x`, token]) {
        const res = await call(auth);
        expect(res.status, String(auth)).toBe(401);
        expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
      }
      expect(await merchants()).toBe(2);
      expect((await call(`Bearer ${token}`)).status).toBe(200);
      expect(await merchants()).toBe(3);
    });
  });

  describe('signed requests', () => {
    it('a request signed more than five minutes from the program’s clock is refused, even with a good signature', async () => {
      const at = async (offsetMs: number) => {
        const late = await rawTill(world, 'M1', () => clock.ms + offsetMs);
        return late.get('/v1/status');
      };
      for (const offset of [6 * MIN, -6 * MIN]) {
        const r = await at(offset);
        expect(r.status, String(offset)).toBe(401);
        expect(r.body.error).toMatchObject({ code: 'stale_request' });
      }
      for (const offset of [4 * MIN, -4 * MIN]) expect((await at(offset)).status, String(offset)).toBe(200);
    });
  });
});
