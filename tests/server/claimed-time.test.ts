import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLAIMED_TIME_SKEW_MS } from '../../src/server/sync/checkpoints';
import { reviewHeld } from '../../src/server/sync/review';
import type { Settlement } from '../../src/shared/api/schemas/sync';
import { hashRecord } from '../../src/trust/chain';
import { addCampaign, enrolledTill, programWorld, sell, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill, type RawTill } from '../helpers/rawTill';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * Issue 10, item 2: the program judged revocation and validity at the record's own `time`. A
 * record for a revoked voucher was rejected when dated now and accepted when dated an hour
 * earlier; a sale dated 300 days ahead, one dated before the till was enrolled, and records out of
 * time order were all accepted. Each attack is a record a till (or whoever holds its key) chained
 * and signed properly: the program bounds every claimed time by what it saw itself.
 */
describe.each(STORES)('the program never takes a till’s clock on faith, on $name', (kind) => {
  let world: ProgramWorld;
  let till: RawTill;
  const clock = { ms: Date.now() };
  const cleanups: Array<() => void> = [];
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
    cleanups.splice(0).forEach((c) => c());
    await world?.close();
  });

  const results = async (records: Parameters<RawTill['upload']>[0], by: RawTill = till) => {
    const reply = await by.upload(records);
    expect(reply.status).toBe(200);
    return reply.body.results!.map((r) => r.reason);
  };
  const iso = (ms: number) => new Date(ms).toISOString();

  it('a record for a revoked voucher dated an hour before the revocation the till had already fetched is rejected', async () => {
    const [v, w] = await world.issue('child', 2);
    clock.ms += 2 * HOUR;
    const revokedAt = clock.ms;
    await world.program.revoke([v!.voucherId], '重复发放', new Date(revokedAt));
    await world.program.publishManifest(new Date(revokedAt));
    clock.ms += MIN;
    expect((await till.get('/v1/manifest')).status).toBe(200); // the till now has the revocation
    clock.ms += MIN;
    const hourEarlier = till.record({ voucherId: v!.voucherId, time: iso(revokedAt - HOUR) });
    // Dated just before the revocation, close enough to pass every clock bound: the till knew, so it binds.
    const justBefore = till.record({ voucherId: v!.voucherId, time: iso(revokedAt - MIN) });
    const honest = till.record({ voucherId: w!.voucherId });
    expect(await results([hourEarlier, justBefore, honest])).toEqual(['revoked', 'revoked', null]);
  });

  it('a sale the till made before it heard of a revocation is still paid', async () => {
    const [v] = await world.issue('child', 1);
    clock.ms += MIN;
    const sale = till.record({ voucherId: v!.voucherId }); // offline, before the revocation
    clock.ms += MIN;
    await world.program.revoke([v!.voucherId], '重复发放', new Date(clock.ms));
    await world.program.publishManifest(new Date(clock.ms));
    clock.ms += MIN;
    expect((await till.get('/v1/manifest')).status).toBe(200);
    const after = till.record({ voucherId: v!.voucherId });
    expect(await results([sale, after])).toEqual([null, 'revoked']);
  });

  it('a voucher of an issuer key the till knew was revoked is refused, whatever time the record claims', async () => {
    const [v] = await world.issue('child', 1);
    await world.program.createIssuerKey(800, new Date(clock.ms - MIN));
    clock.ms += 10 * MIN;
    await world.program.revokeIssuerKey(1, '密钥泄露', new Date(clock.ms));
    await world.program.publishManifest(new Date(clock.ms));
    const revokedAt = clock.ms;
    clock.ms += MIN;
    expect((await till.get('/v1/manifest')).status).toBe(200);
    expect(await results([till.record({ voucherId: v!.voucherId, time: iso(revokedAt - 2 * MIN) })])).toEqual(['key_revoked']);
  });

  it('a sale dated 300 days ahead is rejected', async () => {
    const [v] = await world.issue('child', 1);
    const ahead = till.record({ voucherId: v!.voucherId, time: iso(clock.ms + 300 * DAY) });
    const slightlyFast = till.record({ voucherId: v!.voucherId, time: iso(clock.ms + CLAIMED_TIME_SKEW_MS - MIN) }); // a fast clock is tolerated
    expect(await results([ahead, slightlyFast])).toEqual(['time_after_receipt', null]);
  });

  it('a sale dated before the till was enrolled is rejected', async () => {
    const [v] = await world.issue('child', 1);
    clock.ms += HOUR;
    expect(await results([till.record({ voucherId: v!.voucherId, time: iso(clock.ms - 2 * HOUR) })])).toEqual(['time_before_enrollment']);
  });

  it('an impossible time is the reason given, before whatever else is wrong with the record', async () => {
    const [v] = await world.issue('child', 1);
    clock.ms += HOUR;
    const wrongSums = { categories: { books: { amountFen: 1, quantity: 1 } } }; // also a categories mismatch
    const beforeEnrollment = till.record({ voucherId: v!.voucherId, time: iso(clock.ms - 2 * HOUR), ...wrongSums });
    const ahead = till.record({ voucherId: v!.voucherId, time: iso(clock.ms + DAY), amountFen: 99_999_00, ...wrongSums });
    expect(await results([beforeEnrollment, ahead])).toEqual(['time_before_enrollment', 'time_after_receipt']);
  });

  it('records out of time order within a batch, or dated before the last upload, are rejected', async () => {
    const [v] = await world.issue('child', 1);
    clock.ms += 2 * HOUR;
    const first = till.record({ voucherId: v!.voucherId, amountFen: 1000 });
    const backdated = till.record({ voucherId: v!.voucherId, amountFen: 1000, time: iso(clock.ms - HOUR) });
    clock.ms += MIN;
    const next = till.record({ voucherId: v!.voucherId, amountFen: 1000 });
    expect(await results([first, backdated, next])).toEqual([null, 'time_out_of_order', null]);
    // After that upload (itself a checkpoint) a record dated earlier contradicts what the till reported.
    expect(await results([till.record({ voucherId: v!.voucherId, amountFen: 1000, time: iso(clock.ms - 30 * MIN) })])).toEqual([
      'time_inconsistent',
    ]);
  });

  it('a record dated outside what the till itself reported (its journal head at a signed request) is rejected', async () => {
    const [v] = await world.issue('child', 1);
    clock.ms += 2 * HOUR;
    expect((await till.get('/v1/status?cursor=')).status).toBe(200); // "my journal is empty", said at this time
    clock.ms += MIN;
    const backdated = till.record({ voucherId: v!.voucherId, time: iso(clock.ms - HOUR) }); // made after that, dated before it
    clock.ms += MIN;
    expect((await till.get('/v1/status?cursor=')).status).toBe(200); // "my journal ends at #1", said now
    const postdated = till.record({ voucherId: v!.voucherId, time: iso(clock.ms + HOUR) }); // …and #2 dated an hour on
    expect((await till.get('/v1/status?cursor=')).status).toBe(200); // "#2 exists"
    clock.ms += 2 * HOUR;
    expect(await results([backdated, postdated])).toEqual(['time_inconsistent', 'time_inconsistent']);
  });

  it('a journal head the till reported cannot be rewritten afterwards: the batch is refused', async () => {
    const [v] = await world.issue('child', 1);
    clock.ms += MIN;
    const record = till.record({ voucherId: v!.voucherId, amountFen: 1000 });
    expect((await till.get('/v1/status?cursor=')).status).toBe(200); // reports #1 with its hash
    const { hash: _h, ...rest } = { ...record, amountFen: 100, categories: { books: { amountFen: 100, quantity: 1 } } };
    const rewritten = { ...rest, hash: hashRecord(rest) };
    expect(await results([rewritten])).toEqual(['bad_chain']);
  });

  it('an offline record exactly its campaign’s offline window old when it arrives is taken; a millisecond older is held', async () => {
    const [v] = await world.issue('child', 1); // offline for at most 72 hours
    clock.ms += 73 * HOUR;
    const older = till.record({ voucherId: v!.voucherId, time: iso(clock.ms - 72 * HOUR - 1) });
    const exactly = till.record({ voucherId: v!.voucherId, time: iso(clock.ms - 72 * HOUR) });
    const reply = await till.upload([older, exactly]);
    expect(reply.body.results!.map((r) => [r.status, r.reason])).toEqual([
      ['held', 'late_upload'],
      ['accepted', null],
    ]);
  });

  it('a sale authorized online is never held as late, even where the offline window is shorter than its hold', async () => {
    const c = await addCampaign(world, {
      kind: 'balance',
      eligibleCategories: ['books'],
      offline: { perVoucherFen: 20000, perDeviceTotalFen: 1_000_000, maxHoursOffline: 0.1 }, // six minutes
    });
    await world.program.publishManifest(new Date(clock.ms));
    const [v] = await world.program.issueVouchers({ campaignId: c.id, count: 1, faceValueFen: 20000 });
    const saleId = crypto.randomUUID();
    const approved = await till.post('/v1/authorize', {
      idempotencyKey: `${saleId}:${v!.voucherId}`,
      voucherId: v!.voucherId,
      campaignId: c.id,
      amountFen: 1000,
      token: v!.token,
    });
    expect(approved.body).toMatchObject({ status: 'approved' });
    const { authorizationId } = approved.body as { authorizationId: string };
    const sale = till.record({ voucherId: v!.voucherId, campaignId: c.id, saleId, authorization: authorizationId });
    clock.ms += 8 * MIN; // past the six-minute window, within the ten-minute hold
    const reply = await till.upload([sale]);
    expect(reply.body.results!.map((r) => [r.status, r.reason])).toEqual([['accepted', null]]);
  });

  it('an offline record older than its campaign’s offline window when it arrives is held for review, and the owner sees it', async () => {
    const shop = await enrolledTill(world, 'M1', world.server.url, { now: () => clock.ms });
    cleanups.push(shop.cleanup);
    const [v] = await world.issue('child', 1); // offline for at most 72 hours
    const port = world.server.port;
    await world.server.close(); // the shop's network is down
    clock.ms += HOUR;
    expect((await sell(shop.services, shop.session, '绘本', 1, [v!.token])).ok).toBe(true);
    expect(shop.services.journal.range(1, 1)[0]!.authorization).toBe('offline');
    await shop.services.sync.syncNow().catch(() => undefined); // the sale's own upload attempt fails meanwhile
    clock.ms += 73 * HOUR;
    await world.restart();
    expect(world.server.port).toBe(port);
    await shop.services.sync.syncNow();
    const view = shop.services.handlers.getSettlement({}, {}) as Settlement;
    expect(view.totals).toMatchObject({ heldFen: 3280, acceptedFen: 0, rejectedFen: 0, pendingFen: 0 });
    expect(view.counts.held).toBe(1);
    expect(view.held).toEqual([expect.objectContaining({ reason: 'late_upload', amountFen: 3280 })]);
    // Held is not paid: no statement takes it; and it still counts against the voucher.
    const paid = await world.store.sql.get<{ n: number }>("SELECT count(*) AS n FROM records WHERE status = 'accepted'");
    expect(Number(paid!.n)).toBe(0);
    // The operator reviews it; the shop sees the decision at its next sync.
    const [held] = await world.store.sql.all<{ record_id: string }>("SELECT record_id FROM records WHERE status = 'held'");
    const id = held!.record_id;
    clock.ms += MIN;
    expect(await reviewHeld(world.store, id, 'accept', new Date(clock.ms))).toBe(1);
    await shop.services.sync.syncNow();
    const after = shop.services.handlers.getSettlement({}, {}) as Settlement;
    expect(after.totals).toMatchObject({ heldFen: 0, acceptedFen: 3280 });
    expect(after.held).toEqual([]);
  });
});
