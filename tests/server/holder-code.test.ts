import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LOOKUP_WINDOW_MS, MAX_MISSES_PER_WINDOW } from '../../src/server/sync/holderLookup';
import { holderCode } from '../../src/shared/voucher/token';
import { enrolledTill, sell, STORES, useProgramWorld } from '../helpers/program';
import { rawTill } from '../helpers/rawTill';
import { code, value } from '../helpers/results';

type Found = { code: string; vouchers: Array<{ ticket: string; masked: string; holderCode: string; faceValueFen: number }> };
type Quote = { committable: boolean; vouchers: Array<{ code: string; holderCode: string | null; usedFen: number }> };

/**
 * Issue 13, item 4: the verdict for a torn QR says to type the holder code printed under it, and
 * typing it must find the voucher, through the program (which alone knows which voucher a code
 * belongs to), with a plain message when that cannot be done.
 */
describe.each(STORES)('typing the holder code off a card finds the voucher, on $name', (kind) => {
  const ctx = useProgramWorld(kind);
  const family = (tag: string, count: number, campaignId = 1) =>
    ctx.world.program.issueVouchers({ campaignId, count, faceValueFen: 5000, holderTags: Array<string>(count).fill(tag) });

  it('a typed holder code (any case, with or without the hyphen) finds the voucher and pays for the goods online', async () => {
    const [card] = await family('0a1b2c3d4e', 1);
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    const printed = holderCode('0a1b2c3d4e');
    for (const typed of [printed, printed.toLowerCase(), printed.replace('-', '')]) {
      const found = value(
        await till.services.dispatch('findVoucherByHolderCode', { code: typed }, { sessionToken: till.session.token }),
      ) as Found;
      expect(found.code).toBe(printed);
      expect(found.vouchers).toHaveLength(1);
      expect(found.vouchers[0]!.holderCode).toBe(printed);
    }
    const found = value(
      await till.services.dispatch('findVoucherByHolderCode', { code: printed }, { sessionToken: till.session.token }),
    ) as Found;
    const ticket = found.vouchers[0]!.ticket;
    const item = till.services.catalog.search('纸尿裤')[0]!;
    const q = value(
      await till.services.dispatch(
        'quoteSale',
        { lines: [{ itemId: item.id, quantity: 1 }], vouchers: [ticket] },
        { sessionToken: till.session.token },
      ),
    ) as Quote;
    expect(q.vouchers[0]).toMatchObject({ code: 'valid', holderCode: printed });
    expect(q.committable).toBe(true);
    const sale = await sell(till.services, till.session, '纸尿裤', 1, [ticket]);
    expect(sale.ok).toBe(true);
    // The program took it, and the card's own QR is now used up too: one voucher, whichever way it came.
    await till.services.sync.syncNow();
    const row = await ctx.world.store.sql.get<{ status: string }>('SELECT status FROM records WHERE voucher_id = ?', [card!.voucherId]);
    expect(row?.status).toBe('accepted');
    const again = await sell(till.services, till.session, '纸尿裤', 1, [card!.token]);
    expect(again.ok).toBe(false);
  });

  it('a family’s several vouchers under one code are all offered; used ones are not', async () => {
    const cards = await family('1122334455', 3);
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    expect((await sell(till.services, till.session, '纸尿裤', 1, [cards[0]!.token])).ok).toBe(true);
    const found = value(
      await till.services.dispatch('findVoucherByHolderCode', { code: holderCode('1122334455') }, { sessionToken: till.session.token }),
    ) as Found;
    expect(found.vouchers).toHaveLength(2);
  });

  it('an unknown code, a revoked voucher and text that is no holder code each get their own answer', async () => {
    const [card] = await family('99aa88bb77', 1);
    await ctx.world.program.revoke([card!.voucherId], 'card lost');
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    const ask = (c: string) => till.services.dispatch('findVoucherByHolderCode', { code: c }, { sessionToken: till.session.token });
    expect(code(await ask(holderCode('99aa88bb77')))).toBe('holder_code_unknown');
    expect(code(await ask('ZZZZ-ZZZZ'))).toBe('holder_code_unknown');
    expect(code(await ask('券码'))).toBe('holder_code_invalid');
    expect(code(await ask('ABCD-EFGHU'))).toBe('holder_code_invalid');
  });

  it('offline, the cashier is told the lookup needs the program, and a ticket already in the sale is not redeemed offline', async () => {
    await family('5566778899', 1);
    const till = await enrolledTill(ctx.world);
    ctx.cleanups.push(till.cleanup);
    const found = value(
      await till.services.dispatch('findVoucherByHolderCode', { code: holderCode('5566778899') }, { sessionToken: till.session.token }),
    ) as Found;
    await ctx.world.server.close();
    expect(
      code(
        await till.services.dispatch('findVoucherByHolderCode', { code: holderCode('5566778899') }, { sessionToken: till.session.token }),
      ),
    ).toBe('holder_code_offline');
    const item = till.services.catalog.search('纸尿裤')[0]!;
    const offlineQuote = till.services.checkout.quote(
      { lines: [{ itemId: item.id, quantity: 1 }], vouchers: [found.vouchers[0]!.ticket], plan: 'max_cover' },
      false,
    );
    expect(offlineQuote.vouchers[0]!.code).toBe('needs_online');
    const sale = await sell(till.services, till.session, '纸尿裤', 1, [found.vouchers[0]!.ticket]);
    expect(sale.ok).toBe(false);
    expect(till.services.journal.head().seq).toBe(0); // nothing recorded
    await ctx.world.restart();
  });

  it('a ticket is good only at the till it was made for', async () => {
    const [card] = await family('a1b2c3d4e5', 1);
    const mine = await enrolledTill(ctx.world);
    const other = await enrolledTill(ctx.world);
    ctx.cleanups.push(mine.cleanup, other.cleanup);
    const found = value(
      await mine.services.dispatch('findVoucherByHolderCode', { code: holderCode('a1b2c3d4e5') }, { sessionToken: mine.session.token }),
    ) as Found;
    const ticket = found.vouchers[0]!.ticket;
    const item = other.services.catalog.search('纸尿裤')[0]!;
    const q = value(
      await other.services.dispatch(
        'quoteSale',
        { lines: [{ itemId: item.id, quantity: 1 }], vouchers: [ticket] },
        { sessionToken: other.session.token },
      ),
    ) as Quote;
    expect(q.vouchers[0]!.code).toBe('ticket_other_till');
    // And the program, asked directly by another till with that ticket, holds nothing.
    const raw = await rawTill(ctx.world, 'M2');
    const r = await raw.post('/v1/authorize', {
      idempotencyKey: `${crypto.randomUUID()}:${card!.voucherId}`,
      voucherId: card!.voucherId,
      campaignId: 1,
      amountFen: 5000,
      token: ticket,
    });
    expect(r.body).toEqual({ status: 'declined', reason: 'bad_token' });
  });

  it(`guessing codes stops after ${MAX_MISSES_PER_WINDOW} misses in ${LOOKUP_WINDOW_MS / 60_000} minutes`, async () => {
    await family('0102030405', 1);
    const raw = await rawTill(ctx.world);
    for (let i = 0; i < MAX_MISSES_PER_WINDOW; i++) {
      const guess = holderCode(crypto.randomBytes(5).toString('hex'));
      expect((await raw.post('/v1/vouchers/lookup', { holderCode: guess })).body).toEqual({ tickets: [] });
    }
    // Even the right code is refused now (the count lives in the database, which every server process shares).
    const refused = await raw.post('/v1/vouchers/lookup', { holderCode: holderCode('0102030405') });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('too_many_lookups');
    expect(refused.retryAfter).toBe(String(LOOKUP_WINDOW_MS / 1000));
    // Another till is not held up by this one.
    const honest = await rawTill(ctx.world);
    const ok = await honest.post('/v1/vouchers/lookup', { holderCode: holderCode('0102030405') });
    expect((ok.body.tickets as string[]).length).toBe(1);
  });
});
