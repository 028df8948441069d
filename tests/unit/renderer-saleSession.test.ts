/**
 * The renderer's sale in progress (src/renderer/src/checkout/saleSession.ts) as a plain state
 * machine: a fake PosApi whose quotes and commits the test answers by hand, in any order, so the
 * races a busy counter produces (two scans before any answer, a slow answer) are exact. Core's own
 * pricing and recording are tested elsewhere; here a quote is a simple function of the basket.
 */
import { describe, expect, it, vi } from 'vitest';
import type { PosApi } from '../../src/shared/api/client';
import type { ApiError } from '../../src/shared/api/errors';
import type { Result } from '../../src/shared/api/result';
import type { CompletedSale, Quote, QuoteVoucher } from '../../src/shared/api/schemas/checkout';
import type { VoucherStatusCode } from '../../src/shared/voucher/verdict';
import { memoryCartStore, webCartStore, type CartStore } from '../../src/renderer/src/checkout/cartStore';
import { SaleSession } from '../../src/renderer/src/checkout/saleSession';

type QuoteArgs = Parameters<PosApi['quoteSale']>[0];
type CommitArgs = Parameters<PosApi['commitSale']>[0];

const FORMULA = { id: 1 }; // ¥268.00
const NAPPIES = { id: 2 }; // ¥89.00
const PRICE: Record<number, number> = { 1: 26800, 2: 8900 };
const V1 = 'CT1:AAAA BBBB';
const V2 = 'CT1:CCCC:DDDD';
const FACE = 5000;

/** What core would say about this basket: every voucher pays ¥50 unless `refused` names its code. */
function quoteOf(args: QuoteArgs, refused: Record<string, VoucherStatusCode> = {}): Quote {
  const lines = args.lines.map((l) => ({
    itemId: l.itemId,
    name: `item ${l.itemId}`,
    category: 'infant_formula' as const,
    unit: '罐',
    unitPriceFen: PRICE[l.itemId] ?? 100,
    quantity: l.quantity,
    amountFen: (PRICE[l.itemId] ?? 100) * l.quantity,
    eligibleFen: (PRICE[l.itemId] ?? 100) * l.quantity,
    voucherPaidFen: 0,
    status: 'eligible' as const,
    reason: null,
  }));
  const basketFen = lines.reduce((s, l) => s + l.amountFen, 0);
  const vouchers = args.vouchers.map((input): QuoteVoucher => {
    const code = refused[input] ?? 'valid';
    return {
      input,
      code,
      voucherId: code === 'valid' ? `id-${input}` : null,
      masked: null,
      campaignId: null,
      campaignName: null,
      kind: code === 'valid' ? 'fixed' : null,
      faceValueFen: code === 'valid' ? FACE : null,
      validFrom: null,
      validUntil: null,
      balanceBeforeFen: null,
      usedFen: 0,
      forfeitedFen: 0,
      balanceAfterFen: null,
      selected: code === 'valid',
    };
  });
  const voucherPaidFen = Math.min(basketFen, FACE * vouchers.filter((v) => v.code === 'valid').length);
  return {
    lines,
    vouchers,
    totals: { basketFen, voucherPaidFen, otherTenderFen: basketFen - voucherPaidFen, forfeitedFen: 0 },
    plan: args.plan ?? 'max_cover',
    alternative: null,
    committable: voucherPaidFen > 0,
  };
}

const failure = (code: ApiError['code'], field?: string): Result<never> => ({
  ok: false,
  error: field === undefined ? { code, message: code } : { code, message: code, field },
});

/** A PosApi whose quoteSale and commitSale wait until the test answers them. */
function counter(options: { store?: CartStore; recorded?: CompletedSale | null } = {}) {
  const quotes: Array<{ args: QuoteArgs; answer: (r: Result<Quote>) => void }> = [];
  const commits: Array<{ args: CommitArgs; answer: (r: Result<CompletedSale>) => void }> = [];
  const api = {
    quoteSale: (args: QuoteArgs) => new Promise<Result<Quote>>((answer) => quotes.push({ args, answer })),
    commitSale: (args: CommitArgs) => new Promise<Result<CompletedSale>>((answer) => commits.push({ args, answer })),
    getSale: ({ saleId }: { saleId: string }) =>
      Promise.resolve<Result<CompletedSale>>(
        options.recorded?.saleId === saleId ? { ok: true, value: options.recorded } : failure('sale_not_found'),
      ),
  } as Partial<PosApi> as PosApi;
  const sounds = { ok: vi.fn(), error: vi.fn() };
  let n = 0;
  const session = new SaleSession(api, sounds, () => `00000000-0000-4000-8000-00000000000${++n}`, options.store ?? null);
  const quote = (i: number) => {
    const q = quotes[i];
    if (!q) throw new Error(`no quote request #${i}`);
    return q;
  };
  /** Core answers quote request #i with the price of what that request sent. */
  const price = async (i: number, refused: Record<string, VoucherStatusCode> = {}) => {
    quote(i).answer({ ok: true, value: quoteOf(quote(i).args, refused) });
    await settled();
  };
  return { session, sounds, quotes, commits, quote, price, state: () => session.getSnapshot() };
}

/** Lets the session's awaits after an answer run to the end. */
const settled = () => new Promise((r) => setTimeout(r, 0));

function completedSale(args: QuoteArgs): CompletedSale {
  const q = quoteOf(args);
  return {
    saleId: 'sale-1',
    createdAt: '2025-01-01T00:00:00Z',
    cashier: { id: 1, name: '李收银' },
    lines: q.lines,
    vouchers: [],
    totals: q.totals,
    records: [],
    voidedAt: null,
    upload: 'waiting',
  };
}

describe('the sale at the counter', () => {
  it('a scanned item goes on the basket at once and is priced by core', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    expect(c.state()).toMatchObject({ lines: [{ itemId: 1, quantity: 1 }], busy: true, quote: null });
    expect(c.quotes).toHaveLength(1);
    expect(c.quote(0).args).toEqual({ lines: [{ itemId: 1, quantity: 1 }], vouchers: [], plan: 'max_cover' });
    expect(c.sounds.ok).toHaveBeenCalledTimes(1);
    await c.price(0);
    expect(c.state().busy).toBe(false);
    expect(c.state().quote?.totals.basketFen).toBe(26800);
  });

  it('scanning the same item again makes it two, not a second line', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addItem(FORMULA);
    expect(c.state().lines).toEqual([{ itemId: 1, quantity: 2 }]);
    await c.price(0);
    await c.price(1);
    expect(c.state().quote?.totals.basketFen).toBe(2 * 26800);
  });

  it('changing a quantity re-prices the basket, never beyond 999, and zero takes the line off', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addItem(NAPPIES);
    c.session.setQuantity(NAPPIES.id, 3);
    expect(c.quote(2).args.lines).toEqual([
      { itemId: 1, quantity: 1 },
      { itemId: 2, quantity: 3 },
    ]);
    c.session.setQuantity(NAPPIES.id, 5000);
    expect(c.state().lines[1]).toEqual({ itemId: 2, quantity: 999 });
    c.session.setQuantity(FORMULA.id, 0);
    expect(c.state().lines).toEqual([{ itemId: 2, quantity: 999 }]);
    await c.price(4);
    expect(c.state().quote?.lines.map((l) => [l.itemId, l.quantity])).toEqual([[2, 999]]);
  });

  it('a good voucher stays in the sale and its verdict is shown', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.sounds.ok.mockClear();
    c.session.addVoucher(V1);
    expect(c.state().vouchers).toEqual([V1]);
    await c.price(1);
    expect(c.state().verdict).toMatchObject({ input: V1, code: 'valid' });
    expect(c.state().vouchers).toEqual([V1]);
    expect(c.state().quote?.vouchers.map((v) => v.input)).toEqual([V1]);
    expect(c.state().quote?.committable).toBe(true);
    expect(c.sounds.ok).toHaveBeenCalledTimes(1);
    expect(c.sounds.error).not.toHaveBeenCalled();
  });

  it('a refused voucher is shown to the cashier, then left out of the sale', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    await c.price(1, { [V1]: 'expired' });
    expect(c.state().verdict).toMatchObject({ input: V1, code: 'expired' });
    expect(c.state().vouchers).toEqual([]);
    expect(c.state().quote?.vouchers).toEqual([]);
    expect(c.sounds.error).toHaveBeenCalledTimes(1);
    // The next change does not send it again.
    c.session.addItem(NAPPIES);
    expect(c.quote(2).args.vouchers).toEqual([]);
  });

  it('the same voucher read twice (the camera sees it every frame) is one voucher', () => {
    const c = counter();
    c.session.addVoucher(V1);
    c.session.addVoucher(V1);
    c.session.addVoucher(`${V1.toLowerCase()}\r\n`);
    expect(c.state().vouchers).toEqual([V1]);
    expect(c.quotes).toHaveLength(1);
  });

  it('a camera hit and a scanner burst that arrive before any price both land', async () => {
    const c = counter();
    c.session.addItem(FORMULA); // the scanner
    c.session.addVoucher(V1); // the camera, before core has answered the scanner
    expect(c.quote(1).args).toMatchObject({ lines: [{ itemId: 1, quantity: 1 }], vouchers: [V1] });
    await c.price(0);
    await c.price(1);
    expect(c.state()).toMatchObject({ lines: [{ itemId: 1, quantity: 1 }], vouchers: [V1], busy: false });
    expect(c.state().verdict?.code).toBe('valid');
    expect(c.state().quote?.totals.voucherPaidFen).toBe(FACE);
  });

  it('a slow price answer never replaces a newer one', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addItem(NAPPIES);
    await c.price(1); // the newer answer comes first
    expect(c.state().quote?.totals.basketFen).toBe(26800 + 8900);
    await c.price(0); // the slow one, for the basket before nappies
    expect(c.state().quote?.totals.basketFen).toBe(26800 + 8900);
    expect(c.state().quote?.lines).toHaveLength(2);
  });

  it('a refused voucher answered late is still left out of the sale', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    c.session.addVoucher(V2);
    await c.price(1, { [V1]: 'already_used' }); // V1's own answer, already stale
    expect(c.sounds.error).toHaveBeenCalledTimes(1);
    c.session.addItem(NAPPIES);
    expect(c.quote(3).args.vouchers).toEqual([V2]);
    await c.price(2, { [V1]: 'already_used' });
    await c.price(3);
    expect(c.state().vouchers).toEqual([V2]);
    expect(c.state().quote?.vouchers.map((v) => v.input)).toEqual([V2]);
  });

  it('when core cannot price the basket, the error is shown and the basket kept', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.quote(0).answer(failure('db_locked'));
    await settled();
    expect(c.state()).toMatchObject({ busy: false, error: { code: 'db_locked' }, lines: [{ itemId: 1, quantity: 1 }] });
    expect(c.sounds.error).toHaveBeenCalledTimes(1);
    c.session.clearError();
    expect(c.state().error).toBeNull();
    c.session.addItem(NAPPIES);
    await c.price(1);
    expect(c.state().error).toBeNull();
  });

  it('nothing is recorded until a voucher pays something', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    await c.price(0);
    expect(await c.session.commit()).toBeNull();
    expect(c.commits).toHaveLength(0);
  });

  it('a confirmed sale is recorded once, with the totals the cashier saw, and takes no more scans', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    await c.price(0);
    await c.price(1);
    const first = c.session.commit();
    const second = c.session.commit(); // a double Enter
    expect(c.state().busy).toBe(true);
    expect(c.commits).toHaveLength(1);
    const sent = c.commits[0]!.args;
    expect(sent).toMatchObject({
      lines: [{ itemId: 1, quantity: 1 }],
      vouchers: [V1],
      plan: 'max_cover',
      clientSaleId: '00000000-0000-4000-8000-000000000001',
      expect: { voucherPaidFen: FACE, otherTenderFen: 26800 - FACE, forfeitedFen: 0 },
    });
    c.commits[0]!.answer({ ok: true, value: completedSale(sent) });
    expect(await first).toMatchObject({ saleId: 'sale-1' });
    expect(await second).toBeNull();
    expect(c.state()).toMatchObject({ busy: false, completed: { saleId: 'sale-1' } });
    c.session.addItem(NAPPIES);
    c.session.addVoucher(V2);
    expect(c.quotes).toHaveLength(2);
    expect(c.state().lines).toHaveLength(1);
  });

  it('if the prices changed before confirming, nothing is recorded and the basket is priced again', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    await c.price(0);
    await c.price(1);
    const done = c.session.commit();
    c.commits[0]!.answer(failure('quote_changed'));
    expect(await done).toBeNull();
    expect(c.state()).toMatchObject({ busy: true, completed: null, error: { code: 'quote_changed' } });
    expect(c.sounds.error).toHaveBeenCalledTimes(1);
    expect(c.quotes).toHaveLength(3);
    expect(c.quote(2).args).toMatchObject({ lines: [{ itemId: 1, quantity: 1 }], vouchers: [V1] });
    await c.price(2);
    expect(c.state()).toMatchObject({ busy: false, error: null, completed: null });
  });

  it('any other refusal to record is shown, and the basket is left as it was', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    await c.price(0);
    await c.price(1);
    const done = c.session.commit();
    c.commits[0]!.answer(failure('sale_blocked'));
    expect(await done).toBeNull();
    expect(c.state()).toMatchObject({ busy: false, error: { code: 'sale_blocked' }, vouchers: [V1] });
    expect(c.quotes).toHaveLength(2);
  });

  it('the next customer starts with an empty basket and a sale number of their own', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    await c.price(0);
    await c.price(1);
    const done = c.session.commit();
    c.commits[0]!.answer({ ok: true, value: completedSale(c.commits[0]!.args) });
    await done;
    const seen = vi.fn();
    c.session.subscribe(seen);
    c.session.reset();
    expect(seen).toHaveBeenCalled();
    expect(c.state()).toEqual({
      lines: [],
      vouchers: [],
      plan: 'max_cover',
      quote: null,
      verdict: null,
      error: null,
      completed: null,
      busy: false,
      saved: null,
    });
    c.session.addItem(NAPPIES);
    c.session.addVoucher(V2);
    await c.price(2);
    await c.price(3);
    void c.session.commit();
    expect(c.commits[1]!.args.clientSaleId).toBe('00000000-0000-4000-8000-000000000002');
  });

  it('an answer for the sale before "next customer" is ignored', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.reset();
    await c.price(0);
    expect(c.state().quote).toBeNull();
    expect(c.state().lines).toEqual([]);
  });

  it('the plan the cashier picks is sent to core', () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.setPlan('least_forfeit');
    expect(c.quote(1).args.plan).toBe('least_forfeit');
    expect(c.state().plan).toBe('least_forfeit');
  });

  it('a voucher the cashier removes is no longer sent', () => {
    const c = counter();
    c.session.addVoucher(V1);
    c.session.addVoucher(V2);
    c.session.removeVoucher(V1);
    expect(c.quote(2).args.vouchers).toEqual([V2]);
  });

  it('the screen hears of every change, and stops hearing once it lets go', async () => {
    const c = counter();
    const seen = vi.fn();
    const stop = c.session.subscribe(seen);
    const before = c.session.getSnapshot();
    expect(c.session.getSnapshot()).toBe(before); // the same object until something changes
    c.session.addItem(FORMULA);
    expect(seen).toHaveBeenCalledTimes(1);
    expect(c.session.getSnapshot()).not.toBe(before);
    stop();
    await c.price(0);
    expect(seen).toHaveBeenCalledTimes(1);
  });
});

describe('a scan no request can carry', () => {
  it('a string too long to be a voucher gets a verdict of its own and is never sent', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    await c.price(0);
    c.session.addVoucher(`CT1:${'A'.repeat(5000)}`);
    expect(c.quotes).toHaveLength(1);
    expect(c.state().vouchers).toEqual([]);
    expect(c.state().verdict).toMatchObject({ local: true, code: 'not_a_voucher' });
    expect(c.sounds.error).toHaveBeenCalledTimes(1);
    // A good voucher afterwards pays as usual.
    c.session.addVoucher(V1);
    expect(c.quote(1).args.vouchers).toEqual([V1]);
    await c.price(1);
    expect(c.state().quote?.totals.voucherPaidFen).toBe(FACE);
    expect(c.state().verdict).toMatchObject({ input: V1, code: 'valid' });
  });

  it('if core refuses a request over one voucher string, that string is dropped and the rest priced again', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    c.session.addVoucher(V2);
    await c.price(0);
    c.quote(1).answer(failure('validation', 'args.vouchers.0'));
    c.quote(2).answer(failure('validation', 'args.vouchers.0'));
    await settled();
    expect(c.state().vouchers).toEqual([V2]);
    expect(c.state().verdict).toMatchObject({ code: 'not_a_voucher' });
    expect(c.sounds.error).toHaveBeenCalledTimes(1);
    const retry = c.quotes.at(-1)!;
    expect(retry.args.vouchers).toEqual([V2]);
    await c.price(c.quotes.length - 1);
    expect(c.state()).toMatchObject({ error: null, busy: false, vouchers: [V2] });
    expect(c.state().quote?.committable).toBe(true);
  });
});

describe('a sale that survives a restart', () => {
  it('every change of the basket is saved, with its sale id, and a recorded sale leaves nothing behind', async () => {
    const store = memoryCartStore();
    const c = counter({ store });
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    expect(store.saved).toMatchObject({
      saleId: '00000000-0000-4000-8000-000000000001',
      lines: [{ itemId: 1, quantity: 1 }],
      vouchers: [V1],
      plan: 'max_cover',
    });
    await c.price(0);
    await c.price(1);
    const done = c.session.commit();
    c.commits[0]!.answer({ ok: true, value: completedSale(c.commits[0]!.args) });
    await done;
    expect(store.saved).toBeNull();
  });

  it('a refused voucher is not saved, and Esc (a new sale) forgets the basket', async () => {
    const store = memoryCartStore();
    const c = counter({ store });
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    await c.price(1, { [V1]: 'expired' });
    expect(store.saved?.vouchers).toEqual([]);
    c.session.reset();
    expect(store.saved).toBeNull();
  });

  it('after a restart the sale is offered first; scans wait; resuming prices it again under the same sale id', async () => {
    const store = memoryCartStore();
    const before = counter({ store });
    before.session.addItem(FORMULA);
    before.session.addItem(FORMULA);
    before.session.addVoucher(V1);
    const c = counter({ store }); // the power came back
    expect(c.state().saved).toMatchObject({ lines: 1, vouchers: 1 });
    c.session.addItem(NAPPIES);
    expect(c.quotes).toHaveLength(0);
    expect(c.sounds.error).toHaveBeenCalled();
    expect(await c.session.resume()).toBeNull();
    expect(c.state().saved).toBeNull();
    expect(c.quote(0).args).toEqual({ lines: [{ itemId: 1, quantity: 2 }], vouchers: [V1], plan: 'max_cover' });
    await c.price(0);
    void c.session.commit();
    expect(c.commits[0]!.args.clientSaleId).toBe('00000000-0000-4000-8000-000000000001');
  });

  it('resuming a sale that core had recorded just before the power went shows that sale, never sells it twice', async () => {
    const store = memoryCartStore();
    const before = counter({ store });
    before.session.addItem(FORMULA);
    before.session.addVoucher(V1);
    const recorded = { ...completedSale(before.quote(1).args), saleId: '00000000-0000-4000-8000-000000000001' };
    const c = counter({ store, recorded });
    expect(await c.session.resume()).toMatchObject({ saleId: recorded.saleId });
    expect(c.state().completed?.saleId).toBe(recorded.saleId);
    expect(c.quotes).toHaveLength(0);
    expect(store.saved).toBeNull();
  });

  it('dropping the saved sale forgets it for good', () => {
    const store = memoryCartStore();
    counter({ store }).session.addItem(FORMULA);
    const c = counter({ store });
    c.session.reset(); // Esc behind the question does not answer it
    expect(c.state().saved).not.toBeNull();
    c.session.discardSaved();
    expect(c.state().saved).toBeNull();
    expect(store.saved).toBeNull();
    c.session.addItem(NAPPIES);
    expect(c.quotes).toHaveLength(1);
  });

  it('a cart in storage that cannot be read counts as none', () => {
    const map = new Map<string, string>([['caretill.cart', '{"saleId":"x","lines":"oops"}']]);
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
    expect(webCartStore(storage).load()).toBeNull();
    expect(map.size).toBe(0);
    const store = webCartStore(storage);
    store.save({
      saleId: '00000000-0000-4000-8000-000000000009',
      lines: [{ itemId: 3, quantity: 2 }],
      vouchers: [],
      plan: 'max_cover',
      savedAt: 'now',
    });
    expect(webCartStore(storage).load()?.lines).toEqual([{ itemId: 3, quantity: 2 }]);
  });

  it('a voided sale on screen is shown as voided', async () => {
    const c = counter();
    c.session.addItem(FORMULA);
    c.session.addVoucher(V1);
    await c.price(0);
    await c.price(1);
    const done = c.session.commit();
    const sale = completedSale(c.commits[0]!.args);
    c.commits[0]!.answer({ ok: true, value: sale });
    await done;
    c.session.markVoided({ ...sale, voidedAt: '2025-01-01T00:05:00Z' });
    expect(c.state().completed?.voidedAt).toBe('2025-01-01T00:05:00Z');
    c.session.markVoided({ ...sale, saleId: 'another', voidedAt: 'x' });
    expect(c.state().completed?.saleId).toBe('sale-1');
  });
});
