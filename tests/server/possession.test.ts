import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESERVATION_MS } from '../../src/server/sync/authorize';
import { testIssuer } from '../helpers/issuer';
import { enrolledTill, programWorld, sell, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill, type RawTill } from '../helpers/rawTill';

const MIN = 60_000;

/**
 * Issue 10, item 6: any enrolled till could hold a voucher it knew only the id of, and so block it
 * for 48 hours at the shop the family was standing in. Authorization now needs the voucher's own
 * token, and a hold lasts minutes.
 */
describe.each(STORES)('holding a voucher needs the voucher, and only for minutes, on $name', (kind) => {
  let world: ProgramWorld;
  const clock = { ms: Date.now() };
  const cleanups: Array<() => void> = [];
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    clock.ms = Date.now();
    world = await programWorld(kind, { now: () => new Date(clock.ms) });
  });
  afterEach(async () => {
    cleanups.splice(0).forEach((c) => c());
    await world?.close();
  });

  const ask = (till: RawTill, v: { voucherId: string }, campaignId: number, amountFen: number, token?: string) =>
    till.post('/v1/authorize', {
      idempotencyKey: `${crypto.randomUUID()}:${v.voucherId}`,
      voucherId: v.voucherId,
      campaignId,
      amountFen,
      ...(token === undefined ? {} : { token }),
    });
  const holds = async () =>
    Number((await world.store.sql.get<{ n: number }>("SELECT count(*) AS n FROM authorizations WHERE status = 'reserved'"))!.n);

  it('a till that knows only a voucher’s id cannot reserve it', async () => {
    const till = await rawTill(world, 'M2', () => clock.ms);
    const [v, other] = await world.issue('baby', 2);
    expect((await ask(till, v!, 1, 5000)).status).toBe(400); // no token at all
    expect((await ask(till, v!, 1, 5000, other!.token)).body).toEqual({ status: 'declined', reason: 'bad_token' }); // another voucher's
    const forged = `${v!.token.slice(0, -3)}${v!.token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await ask(till, v!, 1, 5000, forged)).body).toEqual({ status: 'declined', reason: 'bad_token' }); // its signature altered
    // A token naming the voucher, made with a key that is not the program's.
    const impostor = testIssuer(1).token({ voucherId: v!.voucherId, campaignId: 1, kind: 'fixed', faceValueFen: 5000 }).token;
    expect((await ask(till, v!, 1, 5000, impostor)).body).toEqual({ status: 'declined', reason: 'bad_token' });
    expect((await ask(till, v!, 1, 5000, 'not a voucher')).body).toEqual({ status: 'declined', reason: 'bad_token' });
    expect(await holds()).toBe(0);
    // The family is at the other shop: that till has the card and reserves it.
    const shop = await rawTill(world, 'M1', () => clock.ms);
    expect((await ask(shop, v!, 1, 5000, v!.token)).body).toMatchObject({ status: 'approved' });
    expect(await holds()).toBe(1);
  });

  it('a hold ends after its minutes: another shop can use the voucher then', async () => {
    expect(RESERVATION_MS).toBeLessThanOrEqual(15 * MIN);
    const a = await rawTill(world, 'M1', () => clock.ms);
    const b = await rawTill(world, 'M2', () => clock.ms);
    const [v] = await world.issue('baby', 1);
    expect((await ask(a, v!, 1, 5000, v!.token)).body).toMatchObject({ status: 'approved' }); // …and the till never follows up
    clock.ms += RESERVATION_MS - MIN;
    expect((await ask(b, v!, 1, 5000, v!.token)).body).toEqual({ status: 'declined', reason: 'double_spend' });
    clock.ms += 2 * MIN;
    expect((await ask(b, v!, 1, 5000, v!.token)).body).toMatchObject({ status: 'approved' });
  });

  it('a record whose hold expired before its upload is still paid, judged like an offline one within the limits', async () => {
    await world.program.createCampaign({
      names: { zh: '严格离线限额', en: 'Tight offline limits' },
      funder: { zh: '基金会', en: 'Fund' },
      validFrom: '2026-01-01T00:00:00+08:00',
      validUntil: '2027-12-31T23:59:59+08:00',
      kind: 'balance',
      eligibleCategories: ['books'],
      merchants: ['*'],
      offline: { perVoucherFen: 1000, perDeviceTotalFen: 100_000, maxHoursOffline: 24 },
    });
    const [a, b, c, d] = await world.program.issueVouchers({ campaignId: 3, count: 4, faceValueFen: 20_000 });
    const till = await rawTill(world, 'M1', () => clock.ms);
    clock.ms += MIN;
    const online = async (v: { voucherId: string; token: string }, amountFen: number, fields: object = {}) => {
      const r = await ask(till, v, 3, amountFen, v.token);
      expect(r.body).toMatchObject({ status: 'approved' });
      return till.record({ voucherId: v.voucherId, campaignId: 3, amountFen, authorization: r.body.authorizationId as string, ...fields });
    };
    // ¥80 online where ¥10 is the offline limit: paid, the hold is there.
    const inTime = await online(a!, 8000);
    expect((await till.upload([inTime])).body.results!.map((r) => r.reason)).toEqual([null]);
    // The same sale reaching the program after its hold ended is judged like an offline one.
    const expired = await online(b!, 8000);
    const small = await online(c!, 500);
    // A record naming a hold that is not its own is no online sale either.
    const bogus = till.record({ voucherId: d!.voucherId, campaignId: 3, amountFen: 8000, authorization: crypto.randomUUID() });
    clock.ms += RESERVATION_MS + MIN;
    expect((await till.upload([expired, small, bogus])).body.results!.map((r) => [r.status, r.reason])).toEqual([
      ['rejected', 'offline_limit_voucher'],
      ['accepted', null],
      ['rejected', 'offline_limit_voucher'],
    ]);
  });

  it('a real till sends the token it scanned: the sale is authorized online and its hold is captured by the upload', async () => {
    const till = await enrolledTill(world, 'M1', world.server.url, { now: () => clock.ms });
    cleanups.push(till.cleanup);
    const [v] = await world.issue('baby', 1);
    const r = await sell(till.services, till.session, '湿巾', 1, [v!.token.toLowerCase()]); // a scanner in lower case
    expect(r.ok).toBe(true);
    const [rec] = till.services.journal.range(1, 1);
    expect(rec!.authorization).not.toBe('offline');
    await till.services.sync.syncNow();
    const hold = await world.store.sql.get<{ status: string }>('SELECT status FROM authorizations WHERE authorization_id = ?', [
      rec!.authorization,
    ]);
    expect(hold?.status).toBe('captured');
  });
});
