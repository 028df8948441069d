import fc from 'fast-check';
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  authorizeRequestSchema,
  journalRecordSchema,
  journalRecordWireSchema,
  MAX_RECORD_FEN,
  MAX_RECORD_QUANTITY,
  withinRecordBounds,
} from '../../src/shared/sync/protocol';
import { programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill, type RawTill } from '../helpers/rawTill';

const HOUR = 3_600_000;

/**
 * Issue 10, item 5: the program re-checks every rule the till applies. Each attack is a record a
 * till (or whoever holds its key) chained and signed properly; the program must refuse it by itself.
 */
describe.each(STORES)('the program re-checks the till’s rules on $name', (kind) => {
  let world: ProgramWorld;
  let till: RawTill;
  const clock = { ms: Date.now() };
  /** Campaign 3: ¥200 balance vouchers; offline at most ¥50 a voucher and ¥100 a till between contacts, for 24 hours. */
  let tight: string[];
  let tightTokens: string[];
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    clock.ms = Date.now();
    world = await programWorld(kind, { now: () => new Date(clock.ms) });
    await world.program.createCampaign({
      names: { zh: '严格离线限额', en: 'Tight offline limits' },
      funder: { zh: '基金会', en: 'Fund' },
      validFrom: '2026-01-01T00:00:00+08:00',
      validUntil: '2027-12-31T23:59:59+08:00',
      kind: 'balance',
      eligibleCategories: ['books', 'toys'],
      merchants: ['*'],
      offline: { perVoucherFen: 5000, perDeviceTotalFen: 10_000, maxHoursOffline: 24 },
    });
    const issued = await world.program.issueVouchers({ campaignId: 3, count: 6, faceValueFen: 20_000 });
    tight = issued.map((v) => v.voucherId);
    tightTokens = issued.map((v) => v.token);
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
  const onTight = (i: number, amountFen: number, extra: object = {}) =>
    till.record({ voucherId: tight[i]!, campaignId: 3, amountFen, ...extra });

  it('an offline redemption above the campaign’s per-voucher offline limit is rejected; online it is paid', async () => {
    clock.ms += HOUR;
    const offline = onTight(0, 15_000); // ¥150 offline where the limit is ¥50
    const approved = await till.post('/v1/authorize', {
      idempotencyKey: `${crypto.randomUUID()}:${tight[1]}`,
      voucherId: tight[1],
      campaignId: 3,
      amountFen: 15_000,
      token: tightTokens[1],
    });
    expect(approved.body).toMatchObject({ status: 'approved' });
    const online = onTight(1, 15_000, { authorization: approved.body.authorizationId });
    // Two offline sales of one voucher at one till add up: ¥30 + ¥30 is over ¥50.
    const a = onTight(2, 3000);
    const b = onTight(2, 3000);
    // A fixed ¥200 voucher counts at its face value offline (the baby campaign allows ¥50).
    const [bigFixed] = await world.program.issueVouchers({ campaignId: 1, count: 1, faceValueFen: 20_000 });
    const fixed = till.record({
      voucherId: bigFixed!.voucherId,
      campaignId: 1,
      kind: 'fixed',
      amountFen: 2000,
      forfeitedFen: 18_000,
      categories: { diapers: { amountFen: 2000, quantity: 1 } },
    });
    expect(await reasons([offline, online, a, b, fixed])).toEqual([
      'offline_limit_voucher',
      null,
      null,
      'offline_limit_voucher',
      'offline_limit_voucher',
    ]);
  });

  it('offline redemptions past the till’s total between contacts are rejected; a void gives back, a contact starts afresh', async () => {
    clock.ms += HOUR;
    const first = [onTight(0, 4000), onTight(1, 4000), onTight(2, 4000), onTight(3, 1000)];
    clock.ms += HOUR;
    expect(await reasons(first)).toEqual([null, null, 'offline_limit_device', 'offline_limit_device']);
    // The upload was a contact: a new allowance. A voided sale no longer counts, as on the till.
    clock.ms += HOUR;
    const sale = onTight(4, 4000);
    const voided = till.reverse(sale);
    const next = [sale, voided, onTight(5, 4000), onTight(0, 1000), onTight(1, 1000)];
    clock.ms += HOUR;
    expect(await reasons(next)).toEqual([null, null, null, null, null]);
  });

  it('a till offline longer than the campaign allows has its offline records rejected', async () => {
    clock.ms += 30 * HOUR; // the campaign allows 24
    const late = onTight(0, 1000);
    const fine = till.record({ voucherId: (await world.issue('child', 1))[0]!.voucherId, amountFen: 1000 }); // 72 hours allowed
    clock.ms += HOUR; // back online: the upload is the first contact since enrollment
    expect(await reasons([late, fine])).toEqual(['offline_too_long', null]);
  });

  it('a redemption without categories is rejected', async () => {
    const [v] = await world.issue('child', 1);
    expect(await reasons([till.record({ voucherId: v!.voucherId, amountFen: 3280, categories: {} })])).toEqual(['categories_mismatch']);
  });

  it('a redemption whose amount was rewritten to ¥200 while its categories sum to ¥32.80 is rejected', async () => {
    const [v] = await world.issue('child', 1);
    const forged = till.record({ voucherId: v!.voucherId, amountFen: 20_000, categories: { books: { amountFen: 3280, quantity: 2 } } });
    expect(await reasons([forged])).toEqual(['categories_mismatch']);
  });

  it('negative category amounts or quantities are rejected as out of range, and the batch completes', async () => {
    const [v] = await world.issue('child', 1);
    const negative = till.record({
      voucherId: v!.voucherId,
      amountFen: 1000,
      categories: { books: { amountFen: 2000, quantity: 1 }, toys: { amountFen: -1000, quantity: 1 } },
    });
    const negativeQuantity = till.record({
      voucherId: v!.voucherId,
      amountFen: 1000,
      categories: { books: { amountFen: 1000, quantity: -3 } },
    });
    const honest = till.record({ voucherId: v!.voucherId, amountFen: 1000 });
    expect(await reasons([negative, negativeQuantity, honest])).toEqual(['out_of_range', 'out_of_range', null]);
    expect(await reasons([till.record({ voucherId: v!.voucherId, amountFen: 1000 })])).toEqual([null]);
  });

  it('forfeits and other tender of 9e15 fen are rejected as out of range and never reach a statement', async () => {
    const [v] = await world.issue('baby', 1);
    const [w] = await world.issue('child', 1);
    const forfeit = till.record({
      voucherId: v!.voucherId,
      campaignId: 1,
      kind: 'fixed',
      amountFen: 2990,
      forfeitedFen: 9e15,
      categories: { diapers: { amountFen: 2990, quantity: 1 } },
    });
    const tender = till.record({ voucherId: w!.voucherId, amountFen: 1000, otherTenderFen: 9e15 });
    expect(await reasons([forfeit, tender])).toEqual(['out_of_range', 'out_of_range']);
    const accepted = await world.store.sql.get<{ n: number }>("SELECT count(*) AS n FROM records WHERE status = 'accepted'");
    expect(Number(accepted!.n)).toBe(0);
  });

  it('the protocol bounds every amount at ￥1,000,000', () => {
    const record = till.record({
      voucherId: tight[0]!,
      amountFen: MAX_RECORD_FEN,
      categories: { books: { amountFen: MAX_RECORD_FEN, quantity: 1 } },
    });
    expect(journalRecordSchema.safeParse(record).success).toBe(true);
    for (const field of ['amountFen', 'forfeitedFen', 'otherTenderFen'] as const)
      expect(journalRecordSchema.safeParse({ ...record, [field]: MAX_RECORD_FEN + 1 }).success, field).toBe(false);
    expect(journalRecordSchema.safeParse({ ...record, categories: { books: { amountFen: -1, quantity: 1 } } }).success).toBe(false);
    const auth = { idempotencyKey: `${crypto.randomUUID()}:${tight[0]}`, voucherId: tight[0], campaignId: 3 };
    expect(authorizeRequestSchema.safeParse({ ...auth, amountFen: MAX_RECORD_FEN + 1 }).success).toBe(false);
    expect(authorizeRequestSchema.safeParse({ ...auth, campaignId: -1, amountFen: 100 }).success).toBe(false);
  });
});

describe('the bounds intake checks', () => {
  it('are exactly the protocol schema’s: a record within them is valid, any other is not', () => {
    const n = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.constantFrom(MAX_RECORD_FEN, MAX_RECORD_FEN + 1, MAX_RECORD_QUANTITY, MAX_RECORD_QUANTITY + 1, 9e15, -9e15),
      fc.integer(),
    );
    const base = {
      seq: 1,
      id: crypto.randomUUID(),
      deviceId: crypto.randomUUID(),
      type: 'redeem',
      time: '2026-11-22T04:00:00.000Z',
      cashierId: 1,
      saleId: 's',
      voucherId: 'a'.repeat(32),
      campaignId: 1,
      kind: 'balance',
      authorization: 'offline',
      reverses: null,
      prevHash: '0'.repeat(64),
      hash: '0'.repeat(64),
    };
    fc.assert(
      fc.property(
        fc.record({
          amountFen: n,
          forfeitedFen: n,
          otherTenderFen: n,
          categories: fc.dictionary(fc.constantFrom('books', 'toys', 'diapers'), fc.record({ amountFen: n, quantity: n })),
        }),
        (numbers) => {
          const wire = journalRecordWireSchema.parse({ ...base, ...numbers });
          expect(withinRecordBounds(wire)).toBe(journalRecordSchema.safeParse(wire).success);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
