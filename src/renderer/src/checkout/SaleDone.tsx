import { useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import { useI18n } from '../i18n/I18nProvider';
import { ReceiptPreview } from '../printing/ReceiptPreview';
import { ReceiptSummary } from './ReceiptSummary';
import type { VoidFlow } from './useVoidFlow';
import { VoidDialogs, VoidLastButton } from './VoidFlow';
import { VoucherCode } from './VoucherCode';

/** Seconds the success state stays before the till is back at an empty counter, unless the cashier holds it. */
export const AUTO_NEXT_SECONDS = 10;

/**
 * The checkout once a sale is recorded: a full-width success state the cashier and the family
 * across the counter can both read (核销成功, what the vouchers paid, what is left on each card),
 * "next customer" and "void this sale" right under it, then the receipt. The counter comes back by
 * itself after AUTO_NEXT_SECONDS; a touch anywhere, or a dialog, holds it (the cashier wants to
 * read or reprint), and Enter or the next scan does not wait.
 */
export function SaleDone({
  completed,
  voids,
  notice,
  shopName,
  onNewSale,
}: {
  completed: CompletedSale;
  voids: VoidFlow;
  notice: ApiError | null;
  shopName: string | null;
  onNewSale: () => void;
}) {
  const { t, err } = useI18n();
  const remaining = useAutoNext(completed.voidedAt === null && voids.request === null, onNewSale);
  return (
    <div className="checkout done">
      <SuccessBanner sale={completed} />
      <div className="actions done-actions">
        <button type="button" className="primary big" onClick={onNewSale} data-testid="new-sale" data-auto-next="" autoFocus>
          {t('checkout.newSale')}
        </button>
        <VoidLastButton flow={voids} onReceipt />
        {remaining !== null && (
          <span className="muted" data-testid="auto-next">
            {t('done.autoNext', { seconds: remaining })}
          </span>
        )}
      </div>
      {notice && (
        <p className="error-box" role="alert">
          {err(notice)}
        </p>
      )}
      <div className="done-grid">
        <ReceiptSummary sale={completed} shopName={shopName} />
        <ReceiptPreview key={`${completed.saleId}-${completed.voidedAt ?? ''}`} saleId={completed.saleId} />
      </div>
      <VoidDialogs flow={voids} />
    </div>
  );
}

/** Counts down while `running`; a pointer press anywhere but on "next customer" holds it for good. Null once held. */
function useAutoNext(running: boolean, onDone: () => void): number | null {
  const [remaining, setRemaining] = useState<number | null>(AUTO_NEXT_SECONDS);
  useEffect(() => {
    const hold = (e: PointerEvent) => {
      if (e.target instanceof Element && e.target.closest('[data-auto-next]')) return;
      setRemaining(null);
    };
    document.addEventListener('pointerdown', hold, { capture: true });
    return () => document.removeEventListener('pointerdown', hold, { capture: true });
  }, []);
  useEffect(() => {
    if (!running || remaining === null) return undefined;
    if (remaining <= 0) {
      onDone();
      return undefined;
    }
    const timer = setTimeout(() => setRemaining((r) => (r === null ? null : r - 1)), 1000);
    return () => clearTimeout(timer);
  }, [running, remaining, onDone]);
  return running ? remaining : null;
}

/** 核销成功 in letters readable from across the counter; once voided, says so instead. */
function SuccessBanner({ sale }: { sale: CompletedSale }) {
  const { t, money, locale } = useI18n();
  const voided = sale.voidedAt !== null;
  return (
    <section className={voided ? 'success-banner voided' : 'success-banner'} role="status" data-testid="success">
      <div className="success-main">
        <span className="success-icon" aria-hidden="true">
          {voided ? '↺' : '✓'}
        </span>
        <span className="success-title">{voided ? t('done.voided') : t('done.title')}</span>
        <span className="success-amount" data-testid="success-amount">
          {t('done.voucherPaid', { amount: money(sale.totals.voucherPaidFen) })}
        </span>
      </div>
      <div className="success-detail">
        <span className="success-other" data-testid="success-other">
          {t('done.otherPays', { amount: money(sale.totals.otherTenderFen) })}
        </span>
        {sale.vouchers.map((v) => (
          <span key={v.voucherId} className="success-voucher">
            {locale === 'en' ? v.campaignName.en : v.campaignName.zh} <VoucherCode voucher={v} /> ·{' '}
            {v.balanceAfterFen !== null
              ? t('voucher.left', { amount: money(v.balanceAfterFen) })
              : v.forfeitedFen > 0
                ? t('receipt.forfeited', { amount: money(v.forfeitedFen) })
                : t('done.usedUp')}
          </span>
        ))}
      </div>
    </section>
  );
}
