import type { LocalizedName } from './localized';
import type { Locale } from '../../../shared/i18n/locales';
import type { VoucherStatusCode } from '../../../shared/voucher/verdict';
import { isLocalVerdict, type SaleState } from '../checkout/saleSession';

/**
 * What the customer-facing display (客显) shows, made from the sale session's state: the basket,
 * what the vouchers pay, what the family pays and what is left on each voucher. Plain data, so it
 * crosses a BroadcastChannel to the second window as it is, and holds nothing the family should
 * not see (no voucher strings, no ids, no cashier-facing advice).
 */
export interface CustomerLine {
  name: string;
  quantity: number;
  amountFen: number;
  voucherPaidFen: number;
  status: 'eligible' | 'partial' | 'not_eligible' | 'no_voucher';
}

export interface CustomerVoucher {
  campaignName: LocalizedName | null;
  holderCode: string | null;
  usedFen: number;
  forfeitedFen: number;
  balanceAfterFen: number | null;
  selected: boolean;
}

export interface CustomerView {
  locale: Locale;
  shopName: string | null;
  /** idle: waiting for a customer; sale: a basket being rung up; done: recorded; voided: recorded, then voided. */
  phase: 'idle' | 'sale' | 'done' | 'voided';
  lines: CustomerLine[];
  vouchers: CustomerVoucher[];
  totals: { basketFen: number; voucherPaidFen: number; otherTenderFen: number; forfeitedFen: number };
  /** The last scan was refused: its verdict code, for a short reason on the display. */
  refused: VoucherStatusCode | 'not_a_voucher' | null;
}

const zero = { basketFen: 0, voucherPaidFen: 0, otherTenderFen: 0, forfeitedFen: 0 };

export function customerViewOf(state: SaleState, locale: Locale, shopName: string | null): CustomerView {
  const base = { locale, shopName };
  const done = state.completed;
  if (done) {
    return {
      ...base,
      phase: done.voidedAt ? 'voided' : 'done',
      lines: done.lines.map(lineOf),
      vouchers: done.vouchers.map((v) => ({
        campaignName: v.campaignName,
        holderCode: v.holderCode ?? null,
        usedFen: v.usedFen,
        forfeitedFen: v.forfeitedFen,
        balanceAfterFen: v.balanceAfterFen,
        selected: true,
      })),
      totals: done.totals,
      refused: null,
    };
  }
  const quote = state.quote;
  const verdict = state.verdict;
  const refused = verdict && (isLocalVerdict(verdict) || verdict.code !== 'valid') ? verdict.code : null;
  const empty = state.lines.length === 0 && state.vouchers.length === 0;
  return {
    ...base,
    phase: empty && !refused ? 'idle' : 'sale',
    lines: (quote?.lines ?? []).map(lineOf),
    vouchers: (quote?.vouchers ?? [])
      .filter((v) => v.code === 'valid')
      .map((v) => ({
        campaignName: v.campaignName,
        holderCode: v.holderCode ?? null,
        usedFen: v.usedFen,
        forfeitedFen: v.forfeitedFen,
        // A fixed voucher has no balance to speak of: "余 ¥0.00" would only alarm the family.
        balanceAfterFen: v.kind === 'balance' ? v.balanceAfterFen : null,
        selected: v.selected,
      })),
    totals: quote?.totals ?? zero,
    refused,
  };
}

function lineOf(l: {
  name: string;
  quantity: number;
  amountFen: number;
  voucherPaidFen: number;
  status: CustomerLine['status'];
}): CustomerLine {
  return { name: l.name, quantity: l.quantity, amountFen: l.amountFen, voucherPaidFen: l.voucherPaidFen, status: l.status };
}
