/**
 * Around the sale: what the customer display is sent (customer/customerView.ts, customerFeed.ts),
 * what is announced and when (checkout/announceSale.ts), and what a void's answer means
 * (checkout/voidOutcome.ts). All pure or over a fake channel.
 */
import { describe, expect, it, vi } from 'vitest';
import type { CompletedSale, Quote, QuoteVoucher } from '../../src/shared/api/schemas/checkout';
import { redeemedText, refusedText, watchAnnouncements } from '../../src/renderer/src/checkout/announceSale';
import type { SaleState } from '../../src/renderer/src/checkout/saleSession';
import { voidOutcome } from '../../src/renderer/src/checkout/voidOutcome';
import { customerDisplayUrl, startCustomerFeed, type CustomerMessage } from '../../src/renderer/src/customer/customerFeed';
import { customerViewOf } from '../../src/renderer/src/customer/customerView';

const empty: SaleState = {
  lines: [],
  vouchers: [],
  plan: 'max_cover',
  quote: null,
  verdict: null,
  error: null,
  completed: null,
  busy: false,
  saved: null,
};

const voucher = (over: Partial<QuoteVoucher> = {}): QuoteVoucher => ({
  input: 'CT1:SECRET',
  code: 'valid',
  voucherId: 'aaaabbbbccccddddeeeeffff00001111',
  masked: 'AAAA…1111',
  holderCode: 'G9AX-ZY17',
  campaignId: 1,
  campaignName: { zh: '新生儿关爱券', en: 'Newborn care voucher' },
  kind: 'balance',
  faceValueFen: 20000,
  validFrom: null,
  validUntil: null,
  balanceBeforeFen: 20000,
  usedFen: 5000,
  forfeitedFen: 0,
  balanceAfterFen: 15000,
  selected: true,
  ...over,
});

const quote: Quote = {
  lines: [
    {
      itemId: 1,
      name: '奶粉',
      category: 'infant_formula',
      unit: '罐',
      unitPriceFen: 5000,
      quantity: 1,
      amountFen: 5000,
      eligibleFen: 5000,
      voucherPaidFen: 5000,
      status: 'eligible',
      reason: null,
    },
    {
      itemId: 2,
      name: '啤酒',
      category: 'alcohol',
      unit: '罐',
      unitPriceFen: 650,
      quantity: 2,
      amountFen: 1300,
      eligibleFen: 0,
      voucherPaidFen: 0,
      status: 'not_eligible',
      reason: 'never_eligible',
    },
  ],
  vouchers: [voucher(), voucher({ input: 'CT1:OTHER', code: 'expired', holderCode: 'XXXX-XXXX' })],
  totals: { basketFen: 6300, voucherPaidFen: 5000, otherTenderFen: 1300, forfeitedFen: 0 },
  plan: 'max_cover',
  alternative: null,
  committable: true,
};

const sale: CompletedSale = {
  saleId: 's1',
  createdAt: '2026-01-01T00:00:00Z',
  cashier: { id: 2, name: '李收银' },
  lines: quote.lines,
  vouchers: [
    {
      voucherId: 'v',
      masked: 'AAAA…1111',
      holderCode: 'G9AX-ZY17',
      campaignId: 1,
      campaignName: { zh: '新生儿关爱券', en: 'Newborn care voucher' },
      kind: 'balance',
      usedFen: 5000,
      forfeitedFen: 0,
      balanceAfterFen: 15000,
    },
  ],
  totals: quote.totals,
  records: [],
  voidedAt: null,
  upload: 'waiting',
};

describe('the customer display', () => {
  it('waits for a customer while the basket is empty', () => {
    expect(customerViewOf(empty, 'zh-CN', '爱心母婴店')).toMatchObject({ phase: 'idle', lines: [], shopName: '爱心母婴店' });
  });

  it('shows each line, what the good vouchers pay, what the family pays and what is left, never a voucher string', () => {
    const view = customerViewOf({ ...empty, lines: [{ itemId: 1, quantity: 1 }], vouchers: ['CT1:SECRET'], quote }, 'zh-CN', null);
    expect(view.phase).toBe('sale');
    expect(view.lines.map((l) => [l.name, l.voucherPaidFen])).toEqual([
      ['奶粉', 5000],
      ['啤酒', 0],
    ]);
    expect(view.vouchers).toEqual([
      {
        campaignName: { zh: '新生儿关爱券', en: 'Newborn care voucher' },
        holderCode: 'G9AX-ZY17',
        usedFen: 5000,
        forfeitedFen: 0,
        balanceAfterFen: 15000,
        selected: true,
      },
    ]);
    expect(view.totals.otherTenderFen).toBe(1300);
    expect(JSON.stringify(view)).not.toContain('CT1:');
  });

  it('a fixed voucher shows no "left ¥0.00"', () => {
    const fixed = { ...quote, vouchers: [voucher({ kind: 'fixed', balanceAfterFen: 0 })] };
    expect(
      customerViewOf({ ...empty, lines: [{ itemId: 1, quantity: 1 }], quote: fixed }, 'zh-CN', null).vouchers[0]!.balanceAfterFen,
    ).toBeNull();
  });

  it('says when a voucher was refused, and shows the recorded sale, then its void', () => {
    const refused = customerViewOf({ ...empty, lines: [{ itemId: 1, quantity: 1 }], verdict: voucher({ code: 'expired' }) }, 'en', null);
    expect(refused.refused).toBe('expired');
    expect(customerViewOf({ ...empty, completed: sale }, 'zh-CN', null)).toMatchObject({ phase: 'done', totals: { voucherPaidFen: 5000 } });
    expect(customerViewOf({ ...empty, completed: { ...sale, voidedAt: 'now' } }, 'zh-CN', null).phase).toBe('voided');
  });

  it('is fed every change, and answers a display that has just opened', () => {
    const sent: CustomerMessage[] = [];
    let onMessage: (e: { data: unknown }) => void = () => undefined;
    let listener: () => void = () => undefined;
    let state = empty;
    const channel = {
      postMessage: (m: CustomerMessage) => sent.push(m),
      addEventListener: (_: 'message', l: (e: { data: unknown }) => void) => {
        onMessage = l;
      },
      close: vi.fn(),
    };
    const session = {
      subscribe: (l: () => void) => {
        listener = l;
        return () => {
          listener = () => undefined;
        };
      },
      getSnapshot: () => state,
    };
    const feed = startCustomerFeed(session, () => ({ locale: 'zh-CN', shopName: '店' }), channel);
    onMessage({ data: { type: 'hello' } });
    expect(sent).toHaveLength(1);
    state = { ...empty, lines: [{ itemId: 1, quantity: 1 }], quote };
    listener();
    expect(sent.at(-1)).toMatchObject({ type: 'view', view: { phase: 'sale', shopName: '店' } });
    onMessage({ data: { type: 'nonsense' } });
    expect(sent).toHaveLength(2);
    feed.stop();
    expect(channel.close).toHaveBeenCalled();
  });

  it('lives at #customer on the same page', () => {
    expect(customerDisplayUrl('http://127.0.0.1:4000/#token=abc')).toBe('http://127.0.0.1:4000/#customer');
    expect(customerDisplayUrl('file:///opt/caretill/out/renderer/index.html')).toBe(
      'file:///opt/caretill/out/renderer/index.html#customer',
    );
  });
});

describe('what is said aloud, and when', () => {
  it('a recorded sale: 核销成功 and what the vouchers paid, in words', () => {
    expect(redeemedText(sale, 'zh-CN')).toBe('核销成功，券支付五十元');
    expect(redeemedText(sale, 'en')).toBe('Voucher accepted. Vouchers pay 50 yuan.');
  });

  it('a refusal: its reason, short', () => {
    expect(refusedText(voucher({ code: 'expired' }), 'zh-CN')).toBe('券不能使用，这张券已过期');
    expect(refusedText({ local: true, code: 'not_a_voucher', shown: 'CT1:…' }, 'zh-CN')).toBe('券不能使用，这不是有效的券码');
  });

  it('each sale and each refused scan is announced once, however often the state changes', () => {
    let state = empty;
    let listener: () => void = () => undefined;
    const session = {
      subscribe: (l: () => void) => {
        listener = l;
        return () => undefined;
      },
      getSnapshot: () => state,
    };
    const said = { redeemed: vi.fn(), refused: vi.fn() };
    watchAnnouncements(session, said);
    const expired = voucher({ code: 'expired' });
    const step = (next: SaleState) => {
      state = next;
      listener();
    };
    step({ ...state, verdict: expired });
    step({ ...state, busy: true }); // a re-quote keeps the same verdict
    step({ ...state, verdict: voucher() }); // a good voucher is not announced as refused
    step({ ...state, completed: sale });
    step({ ...state, completed: { ...sale, voidedAt: 'now' } }); // a void is not a second success
    expect(said.refused).toHaveBeenCalledTimes(1);
    expect(said.redeemed).toHaveBeenCalledTimes(1);
  });
});

describe('a void', () => {
  const done = { ok: true as const, value: sale };
  const refused = (code: 'void_needs_owner' | 'pin_wrong' | 'locked_out' | 'already_voided') => ({
    ok: false as const,
    error: { code, message: code },
  });

  it('goes through, or asks for the owner’s PIN, or is refused with the reason', () => {
    expect(voidOutcome(done, false)).toBe('voided');
    expect(voidOutcome(refused('void_needs_owner'), false)).toBe('ask_owner');
    expect(voidOutcome(refused('already_voided'), false)).toBe('refused');
  });

  it('a wrong owner PIN asks again; without a PIN typed, "wrong PIN" is no reason to ask', () => {
    expect(voidOutcome(refused('pin_wrong'), true)).toBe('ask_owner');
    expect(voidOutcome(refused('locked_out'), true)).toBe('ask_owner');
    expect(voidOutcome(refused('pin_wrong'), false)).toBe('refused');
  });
});
