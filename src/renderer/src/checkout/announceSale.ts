import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import type { Locale } from '../../../shared/i18n/locales';
import { translate } from '../../../shared/i18n/translate';
import { spokenReason, spokenYuan } from '../sound/speech';
import { isLocalVerdict, type SaleState, type Verdict } from './saleSession';

/**
 * What the till says aloud, and when: once when a sale is recorded ("核销成功，券支付五十元") and
 * once for each refused scan ("券不能使用，这张券已过期"). Watches the sale session's snapshots, so it
 * needs no hook in the sale itself; each verdict and each sale is announced once, however often
 * the screen re-renders or the session re-quotes.
 */
export function redeemedText(sale: CompletedSale, locale: Locale): string {
  return translate(locale, 'voice.redeemed', { amount: spokenYuan(sale.totals.voucherPaidFen, locale) });
}

export function refusedText(verdict: Verdict, locale: Locale): string {
  const reason = isLocalVerdict(verdict)
    ? translate(locale, 'verdict.not_a_voucher')
    : translate(locale, `verdict.${verdict.code}`, { from: '', until: '' });
  return translate(locale, 'voice.refused', { reason: spokenReason(reason) });
}

const refused = (v: Verdict | null): v is Verdict => v !== null && (isLocalVerdict(v) || v.code !== 'valid');

export function watchAnnouncements(
  session: { subscribe: (listener: () => void) => () => void; getSnapshot: () => SaleState },
  say: { redeemed: (sale: CompletedSale) => void; refused: (verdict: Verdict) => void },
): () => void {
  let prev = session.getSnapshot();
  return session.subscribe(() => {
    const next = session.getSnapshot();
    if (next.completed && !prev.completed && !next.completed.voidedAt) say.redeemed(next.completed);
    if (next.verdict !== prev.verdict && refused(next.verdict)) say.refused(next.verdict);
    prev = next;
  });
}
