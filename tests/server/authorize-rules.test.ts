import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeToken } from '../../src/shared/voucher/token';
import { signHolderTicket } from '../../src/trust/holderTicket';
import { testIssuer } from '../helpers/issuer';
import { STORES, useProgramWorld } from '../helpers/program';
import { rawTill, type RawTill } from '../helpers/rawTill';

/**
 * Online authorization, rule by rule (issue 16): each test is a rule a program operator would
 * state, and each kills mutants of src/server/sync/authorize.ts that the broader suites let live.
 */
describe.each(STORES)('online authorization rules on $name', (kind) => {
  const ctx = useProgramWorld(kind);
  const ask = (till: RawTill, v: { voucherId: string; token: string }, campaignId: number, amountFen: number, key?: string) =>
    till.post('/v1/authorize', {
      idempotencyKey: key ?? `${crypto.randomUUID()}:${v.voucherId}`,
      voucherId: v.voucherId,
      campaignId,
      amountFen,
      token: v.token,
    });
  const authorizations = () =>
    ctx.world.store.sql.all<{ status: string; reason: string | null }>('SELECT status, reason FROM authorizations ORDER BY created_at');

  it('a declined authorization asked again is declined again, for the same reason, and holds nothing', async () => {
    const till = await rawTill(ctx.world, 'M1');
    const [v] = await ctx.world.issue('child', 1); // ￥200 balance
    const key = `${crypto.randomUUID()}:${v!.voucherId}`;
    const first = await ask(till, v!, 2, 30_000, key);
    expect(first.body).toEqual({ status: 'declined', reason: 'over_balance' });
    expect((await ask(till, v!, 2, 30_000, key)).body).toEqual(first.body);
    expect(await authorizations()).toEqual([{ status: 'declined', reason: 'over_balance' }]);
  });

  it('a voucher the program never issued is declined as unknown, not as a bad token, and nothing is held', async () => {
    const till = await rawTill(ctx.world, 'M1');
    const made = testIssuer(1).token({
      voucherId: crypto.randomBytes(16).toString('hex'),
      campaignId: 1,
      kind: 'fixed',
      faceValueFen: 5000,
    });
    const r = await ask(till, { voucherId: made.fields.voucherId, token: made.token }, 1, 5000);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'declined', reason: 'unknown_voucher' });
    expect(await authorizations()).toEqual([{ status: 'declined', reason: 'unknown_voucher' }]);
  });

  it('a sale recorded offline and uploaded before its authorization arrives: the late authorization holds nothing, and the voucher stays spent', async () => {
    const till = await rawTill(ctx.world, 'M1');
    const [v] = await ctx.world.issue('baby', 1); // ￥50 fixed
    const saleId = crypto.randomUUID();
    const sale = till.record({
      voucherId: v!.voucherId,
      campaignId: 1,
      kind: 'fixed',
      amountFen: 5000,
      categories: { diapers: { amountFen: 5000, quantity: 1 } },
      saleId,
    });
    expect((await till.upload([sale])).body.results).toEqual([{ id: sale.id, status: 'accepted', reason: null }]);
    // The request the till sent before it gave up waiting and sold offline arrives now.
    const late = await ask(till, v!, 1, 5000, `${saleId}:${v!.voucherId}`);
    expect(late.body).toMatchObject({ status: 'approved', approvedFen: 5000 });
    expect(await authorizations()).toEqual([{ status: 'captured', reason: null }]);
    // The voucher was used once: another shop is refused.
    const other = await rawTill(ctx.world, 'M2');
    expect((await ask(other, v!, 1, 5000)).body).toEqual({ status: 'declined', reason: 'double_spend' });
  });

  it('a holder ticket proves possession only of the voucher it names, in its own campaign', async () => {
    const till = await rawTill(ctx.world, 'M1');
    const [a, b] = await ctx.world.issue('baby', 2);
    const replyKey = await ctx.world.program.replyKey();
    const fields = (v: { token: string }) => {
      const d = decodeToken(v.token);
      if (!d.ok) throw new Error('demo token does not decode');
      return d.token.fields;
    };
    const ticketFor = (f: ReturnType<typeof fields>) => signHolderTicket(replyKey, f, till.deviceId, Date.now());
    // A's ticket, sent for B.
    expect((await ask(till, { voucherId: b!.voucherId, token: ticketFor(fields(a!)) }, 1, 5000)).body).toEqual({
      status: 'declined',
      reason: 'bad_token',
    });
    // A ticket naming B but another campaign than B's.
    expect((await ask(till, { voucherId: b!.voucherId, token: ticketFor({ ...fields(b!), campaignId: 2 }) }, 1, 5000)).body).toEqual({
      status: 'declined',
      reason: 'bad_token',
    });
    expect(await authorizations()).toEqual([]);
    // B's own ticket is good.
    expect((await ask(till, { voucherId: b!.voucherId, token: ticketFor(fields(b!)) }, 1, 5000)).body).toMatchObject({
      status: 'approved',
    });
  });

  it('a key one till used cannot be taken over by another: the other is told so by name', async () => {
    const a = await rawTill(ctx.world, 'M1');
    const b = await rawTill(ctx.world, 'M2');
    const [v] = await ctx.world.issue('child', 1);
    const key = `${crypto.randomUUID()}:${v!.voucherId}`;
    expect((await ask(a, v!, 2, 1000, key)).body).toMatchObject({ status: 'approved' });
    const r = await ask(b, v!, 2, 1000, key);
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ error: { code: 'idempotency_conflict', message: 'this idempotency key belongs to another till' } });
  });

  it('a hold captured by its sale in a batch is spent once: a second sale of the voucher in the same batch is not refused for it', async () => {
    const till = await rawTill(ctx.world, 'M1');
    const [v] = await ctx.world.issue('child', 1); // ￥200 balance
    const saleId = crypto.randomUUID();
    const approved = await ask(till, v!, 2, 15_000, `${saleId}:${v!.voucherId}`);
    expect(approved.body).toMatchObject({ status: 'approved', approvedFen: 15_000 });
    const { authorizationId } = approved.body as { authorizationId: string };
    const paid = till.record({ voucherId: v!.voucherId, amountFen: 15_000, saleId, authorization: authorizationId });
    // The rest of the voucher, ￥50, in a later sale recorded offline: ￥150 + ￥50 is the voucher's ￥200.
    const rest = till.record({ voucherId: v!.voucherId, amountFen: 5000 });
    const over = till.record({ voucherId: v!.voucherId, amountFen: 1 });
    expect((await till.upload([paid, rest, over])).body.results!.map((r) => [r.status, r.reason])).toEqual([
      ['accepted', null],
      ['accepted', null],
      ['rejected', 'over_balance'],
    ]);
    expect(await authorizations()).toEqual([{ status: 'captured', reason: null }]);
  });
});

describe.each(STORES)('contacts a till makes on $name', (kind) => {
  const clock = { ms: Date.now() };
  const ctx = useProgramWorld(kind, { now: () => new Date(clock.ms) });
  const contacts = async (deviceId: string) =>
    (await ctx.world.store.sql.all<{ at: string }>('SELECT at FROM device_contacts WHERE device_id = ? ORDER BY at', [deviceId])).map(
      (r) => r.at,
    );

  it('are stored once a minute however often the till asks, and every request in between still counts as one', async () => {
    const till = await rawTill(ctx.world, 'M1', () => clock.ms);
    const enrolled = await contacts(till.deviceId);
    expect(enrolled).toHaveLength(1); // the enrollment
    clock.ms += 61_000;
    const t1 = clock.ms;
    for (let i = 0; i < 3; i++) {
      expect((await till.get('/v1/status?cursor=')).status).toBe(200);
      clock.ms += 10_000;
    }
    // Three requests within the minute: one contact, at the first.
    expect(await contacts(till.deviceId)).toEqual([...enrolled, new Date(t1).toISOString()]);
    clock.ms = t1 + 61_000;
    const [v] = await ctx.world.issue('child', 1);
    expect((await till.upload([till.record({ voucherId: v!.voucherId })])).status).toBe(200);
    expect(await contacts(till.deviceId)).toEqual([...enrolled, new Date(t1).toISOString(), new Date(t1 + 61_000).toISOString()]);
  });
});
