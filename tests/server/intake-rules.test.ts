import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sign } from '../../src/trust/ed25519';
import { batchSigningInput } from '../../src/shared/sync/protocol';
import { addCampaign, programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill, type RawTill } from '../helpers/rawTill';

/**
 * Issue 16: the program's batch intake (intake.ts) through its HTTP API on loopback, with a till's
 * key in the test's hands: what breaks the chain rejects the whole batch and stores nothing; a void
 * follows its redemption; a record id counts once; a batch id is one batch.
 */
const sqlite = STORES.find((s) => s.name === 'sqlite')!;

describe('batch intake', () => {
  let world: ProgramWorld;
  let till: RawTill;
  let voucher: string;
  beforeEach(async () => {
    world = await programWorld(sqlite);
    till = await rawTill(world, 'M1');
    voucher = (await world.issue('child', 1))[0]!.voucherId;
  });
  afterEach(async () => {
    await world?.close();
  });

  const reasons = async (records: Parameters<RawTill['upload']>[0], batchId?: string) => {
    const r = await till.upload(records, batchId);
    expect(r.status).toBe(200);
    return r.body.results!.map((x) => x.reason);
  };
  const stored = async () => Number((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM records'))!.n);

  it('a batch signed by one till for another is refused', async () => {
    const other = await rawTill(world, 'M1');
    const b = { batchId: crypto.randomUUID(), deviceId: other.deviceId, records: [other.record({ voucherId: voucher })] };
    const r = await till.post('/v1/batches', { ...b, signature: sign(till.key, Buffer.from(batchSigningInput(b))).toString('base64url') });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'forbidden', message: 'a till may upload only its own journal' });
  });

  it('a record carrying another till’s id breaks the chain: every record is rejected and none stored', async () => {
    const a = till.record({ voucherId: voucher });
    const b = till.record({ voucherId: voucher, deviceId: crypto.randomUUID() });
    expect(await reasons([a, b])).toEqual(['bad_chain', 'bad_chain']);
    expect(await stored()).toBe(0);
  });

  it('a batch whose records all carry another till’s id, chained from this till’s head, is a broken chain', async () => {
    const other = crypto.randomUUID();
    const a = till.record({ voucherId: voucher, deviceId: other });
    const b = till.record({ voucherId: voucher, deviceId: other });
    expect(await reasons([a, b])).toEqual(['bad_chain', 'bad_chain']);
    expect(await stored()).toBe(0);
  });

  it('a void of a redemption the program never had is a bad reversal of the whole batch', async () => {
    const ghost = { ...till.record({ voucherId: voucher }) };
    // The ghost redemption is chained but never sent: the batch starts at the void, so re-chain from here.
    const fresh = await rawTill(world, 'M1');
    const v = fresh.reverse({ ...ghost, deviceId: fresh.deviceId });
    const ok = fresh.record({ voucherId: voucher });
    expect((await fresh.upload([v, ok])).body.results!.map((x) => x.reason)).toEqual(['bad_reversal', 'bad_reversal']);
  });

  it('a record changed after it was chained rejects the batch as a broken chain', async () => {
    const a = till.record({ voucherId: voucher });
    expect(await reasons([{ ...a, amountFen: 1 }])).toEqual(['bad_chain']);
  });

  it('a batch that skips a record is a sequence gap', async () => {
    till.record({ voucherId: voucher });
    const b = till.record({ voucherId: voucher });
    expect(await reasons([b])).toEqual(['sequence_gap']);
  });

  it('voiding one sale twice rejects the batch as a bad reversal; a void of nothing too', async () => {
    const a = till.record({ voucherId: voucher });
    const v1 = till.reverse(a);
    const v2 = till.reverse(a);
    expect(await reasons([a, v1, v2])).toEqual(['bad_reversal', 'bad_reversal', 'bad_reversal']);
  });

  it('a void of an earlier void, in a later batch, is a bad reversal of the batch', async () => {
    const a = till.record({ voucherId: voucher });
    const v = till.reverse(a);
    expect(await reasons([a, v])).toEqual([null, null]);
    expect(await reasons([till.reverse(v)])).toEqual(['bad_reversal']);
  });

  it('a void of a void that was kept apart (its id was another till’s) is a bad reversal too', async () => {
    const other = await rawTill(world, 'M1');
    const theirs = other.record({ voucherId: voucher, amountFen: 100 });
    expect((await other.upload([theirs])).body.results![0]!.status).toBe('accepted');
    const a = till.record({ voucherId: voucher, amountFen: 100 });
    const v = till.reverse(a, { id: theirs.id });
    expect(await reasons([a, v])).toEqual([null, 'duplicate_record']);
    expect(await reasons([till.reverse(v)])).toEqual(['bad_reversal']);
  });

  it('voids of several redemptions of earlier batches, in one batch, each follow their own', async () => {
    const a = till.record({ voucherId: voucher, amountFen: 100 });
    const b = till.record({ voucherId: voucher, amountFen: 200 });
    expect(await reasons([a])).toEqual([null]);
    expect(await reasons([b])).toEqual([null]);
    expect(await reasons([till.reverse(a), till.reverse(b)])).toEqual([null, null]);
    const net = await world.store.sql.get<{ n: number }>(
      "SELECT SUM(CASE type WHEN 'redeem' THEN amount_fen ELSE -amount_fen END) AS n FROM records WHERE status = 'accepted'",
    );
    expect(Number(net!.n)).toBe(0);
  });

  it('a void of another amount than its redemption is a bad reversal; the redemption stands', async () => {
    const a = till.record({ voucherId: voucher, amountFen: 2000, categories: { books: { amountFen: 2000, quantity: 1 } } });
    const v = till.reverse(a, { amountFen: 1000, categories: { books: { amountFen: 1000, quantity: 1 } } });
    expect(await reasons([a, v])).toEqual([null, 'bad_reversal']);
  });

  it('a void follows its redemption: rejected with the redemption’s reason, in this batch or a later one', async () => {
    const big = till.record({ voucherId: voucher, amountFen: 30_000, categories: { books: { amountFen: 30_000, quantity: 1 } } });
    expect(await reasons([big])).toEqual(['over_balance']);
    const v = till.reverse(big);
    expect(await reasons([v])).toEqual(['over_balance']);
    const wrongCategory = till.record({ voucherId: voucher, categories: { books: { amountFen: 999, quantity: 1 } } });
    const v2 = till.reverse(wrongCategory);
    expect(await reasons([wrongCategory, v2])).toEqual(['categories_mismatch', 'categories_mismatch']);
  });

  it('a record id used twice counts once; its void follows the first use', async () => {
    const a = till.record({ voucherId: voucher });
    const again = till.record({ voucherId: voucher, id: a.id });
    expect(await reasons([a, again])).toEqual([null, 'duplicate_record']);
    const kept = await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM duplicate_records');
    expect(Number(kept!.n)).toBe(1);
  });

  it('a redemption reusing another till’s record id is kept apart, rejected; its later void follows it', async () => {
    const other = await rawTill(world, 'M1');
    const theirs = other.record({ voucherId: voucher });
    expect((await other.upload([theirs])).body.results!.map((x) => x.reason)).toEqual([null]);
    const mine = till.record({ voucherId: voucher, id: theirs.id });
    expect(await reasons([mine])).toEqual(['duplicate_record']);
    // The void arrives in a later batch: its redemption is found among the records kept apart.
    expect(await reasons([till.reverse(mine)])).toEqual(['duplicate_record']);
    expect(await stored()).toBe(2); // the other till's redemption and this till's void
  });

  /** A ¥200 balance voucher of a new books campaign (campaign 3) allowing `perVoucherFen` offline, and a way to spend it. */
  const booksVoucher = (perVoucherFen: number) => {
    const made = { voucherId: '' };
    beforeEach(async () => {
      const c = await addCampaign(world, {
        kind: 'balance',
        eligibleCategories: ['books'],
        offline: { perVoucherFen, perDeviceTotalFen: 10_000_000, maxHoursOffline: 72 },
      });
      made.voucherId = (await world.program.issueVouchers({ campaignId: c.id, count: 1, faceValueFen: 20000 }))[0]!.voucherId;
    });
    return (amountFen: number) =>
      till.record({ voucherId: made.voucherId, campaignId: 3, amountFen, categories: { books: { amountFen, quantity: 1 } } });
  };

  describe('voids and the offline allowance of a voucher (¥50 offline of a ¥200 balance)', () => {
    const spend = booksVoucher(5000);

    it('a void in the same batch gives its amount back', async () => {
      const a = spend(5000);
      expect(await reasons([a, till.reverse(a), spend(5000)])).toEqual([null, null, null]);
      expect(await reasons([spend(1)])).toEqual(['offline_limit_voucher']);
    });

    it('a void of a redemption from an earlier batch gives its amount back', async () => {
      const a = spend(5000);
      expect(await reasons([a])).toEqual([null]);
      expect(await reasons([till.reverse(a), spend(5000)])).toEqual([null, null]);
    });

    it('a void that does not match its redemption’s amount gives nothing back', async () => {
      const a = spend(5000);
      const wrong = till.reverse(a, { amountFen: 1000, categories: { books: { amountFen: 1000, quantity: 1 } } });
      expect(await reasons([a, wrong, spend(1000)])).toEqual([null, 'bad_reversal', 'offline_limit_voucher']);
    });
  });

  describe('voids and the balance of a voucher (¥200, all of it spendable offline)', () => {
    const spend = booksVoucher(20000);

    it('spend it all, void that, spend it all again in one batch: every record is taken', async () => {
      const a = spend(20000);
      expect(await reasons([a, till.reverse(a), spend(20000)])).toEqual([null, null, null]);
      expect(await reasons([spend(1)])).toEqual(['over_balance']);
    });

    it('a refused void gives nothing back: the voucher stays spent', async () => {
      const a = spend(20000);
      const wrong = till.reverse(a, { amountFen: 10000, categories: { books: { amountFen: 10000, quantity: 1 } } });
      expect(await reasons([a, wrong, spend(1)])).toEqual([null, 'bad_reversal', 'over_balance']);
    });
  });

  it('a record reusing a used record id neither captures nor releases a hold: the hold waits for its own sale', async () => {
    const first = till.record({ voucherId: voucher });
    expect(await reasons([first])).toEqual([null]);
    const issued = (await world.issue('child', 1))[0]!;
    const approved = await till.post('/v1/authorize', {
      idempotencyKey: `${crypto.randomUUID()}:${issued.voucherId}`,
      voucherId: issued.voucherId,
      campaignId: 2,
      amountFen: 2000,
      token: issued.token,
    });
    expect(approved.body).toMatchObject({ status: 'approved', approvedFen: 2000 });
    const { authorizationId } = approved.body as { authorizationId: string };
    const holds = () => world.store.sql.all<{ status: string }>('SELECT status FROM authorizations');
    const reused = till.record({ voucherId: issued.voucherId, id: first.id, amountFen: 2000, authorization: authorizationId });
    expect(await reasons([reused])).toEqual(['duplicate_record']);
    expect(await holds()).toEqual([{ status: 'reserved' }]);
    const own = till.record({ voucherId: issued.voucherId, amountFen: 2000, authorization: authorizationId });
    expect(await reasons([own])).toEqual([null]);
    expect(await holds()).toEqual([{ status: 'captured' }]);
  });

  it('a record id used again keeps the item lines of its first use only', async () => {
    const line = (amountFen: number) => ({
      code: '9787020002207',
      name: '红楼梦',
      quantity: 1,
      unitPriceFen: amountFen,
      amountFen,
      category: 'books',
    });
    const a = till.record({ voucherId: voucher, lines: [line(1000)], listVersions: { apl: 0, shop: 0 } });
    const again = till.record({ voucherId: voucher, id: a.id, lines: [line(1000)], listVersions: { apl: 0, shop: 0 } });
    expect(await reasons([a])).toEqual([null]);
    expect(await reasons([again])).toEqual(['duplicate_record']);
    const lines = await world.store.sql.all<{ record_id: string }>('SELECT record_id FROM record_lines');
    expect(lines).toEqual([{ record_id: a.id }]);
  });

  describe('a fixed voucher offline counts at its face value (¥50 a voucher offline)', () => {
    let campaignId: number;
    let vouchers: string[];
    beforeEach(async () => {
      const c = await addCampaign(world, {
        kind: 'fixed',
        eligibleCategories: ['diapers'],
        offline: { perVoucherFen: 5000, perDeviceTotalFen: 10_000_000, maxHoursOffline: 72 },
      });
      campaignId = c.id;
      vouchers = [
        ...(await world.program.issueVouchers({ campaignId, count: 1, faceValueFen: 5000 })),
        ...(await world.program.issueVouchers({ campaignId, count: 1, faceValueFen: 10000 })),
      ].map((v) => v.voucherId);
    });
    const use = (voucherId: string, amountFen: number) =>
      till.record({ voucherId, campaignId, kind: 'fixed', amountFen, categories: { diapers: { amountFen, quantity: 1 } } });

    it('a ¥100 voucher is refused offline even for ¥50 of goods: it is spent whole; a ¥50 one is taken', async () => {
      expect(await reasons([use(vouchers[0]!, 5000), use(vouchers[1]!, 5000)])).toEqual([null, 'offline_limit_voucher']);
    });

    it('a voucher the program never issued is refused as unknown', async () => {
      expect(await reasons([use(crypto.randomBytes(16).toString('hex'), 5000)])).toEqual(['unknown_voucher']);
    });
  });

  it('the same batch id again gets the stored answer; with another body it is a conflict', async () => {
    const batchId = crypto.randomUUID();
    const a = till.record({ voucherId: voucher });
    const first = await till.upload([a], batchId);
    expect(await till.upload([a], batchId)).toEqual(first);
    const r = await till.upload([a, till.record({ voucherId: voucher })], batchId);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'batch_conflict', message: 'this batch id was used for a different batch' });
    expect(await stored()).toBe(1);
  });

  it('a retired till may not upload', async () => {
    await world.store.sql.run('UPDATE devices SET active = 0 WHERE device_id = ?', [till.deviceId]);
    const r = await till.upload([till.record({ voucherId: voucher })]);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(await stored()).toBe(0);
  });
});
