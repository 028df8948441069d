import type { Quote } from '../../../shared/api/schemas/checkout';
import { useI18n } from '../i18n/I18nProvider';
import { VoucherCode } from './VoucherCode';

/** Voucher pays, customer pays, forfeited, balance left; the alternative plan when there is one. */
export function TotalsPanel({
  quote,
  onPlan,
  onRemoveVoucher,
}: {
  quote: Quote | null;
  onPlan: (p: Quote['plan']) => void;
  onRemoveVoucher: (token: string) => void;
}) {
  const { t, money, locale } = useI18n();
  const totals = quote?.totals ?? { basketFen: 0, voucherPaidFen: 0, otherTenderFen: 0, forfeitedFen: 0 };
  return (
    <div className="totals" data-testid="totals">
      {quote && quote.vouchers.length > 0 && (
        <ul className="voucher-list" data-testid="voucher-list">
          {quote.vouchers.map((v) => (
            <li key={v.input} className={v.selected ? 'used' : 'unused'}>
              <span>
                {v.campaignName ? (locale === 'en' ? v.campaignName.en : v.campaignName.zh) : ''} <VoucherCode voucher={v} />
              </span>
              <span className="num">
                {v.selected ? t('voucher.uses', { amount: money(v.usedFen) }) : t('voucher.notUsed')}
                {v.kind === 'balance' && v.balanceAfterFen !== null && ` · ${t('voucher.left', { amount: money(v.balanceAfterFen) })}`}
              </span>
              <button
                type="button"
                className="small-btn icon-btn"
                onClick={() => onRemoveVoucher(v.input)}
                aria-label={t('voucher.remove')}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <dl className="sums">
        <dt>{t('totals.basket')}</dt>
        <dd data-testid="total-basket">{money(totals.basketFen)}</dd>
        <dt>{t('totals.voucher')}</dt>
        <dd className="big good" data-testid="total-voucher">
          {money(totals.voucherPaidFen)}
        </dd>
        <dt>{t('totals.other')}</dt>
        <dd className="big" data-testid="total-other">
          {money(totals.otherTenderFen)}
        </dd>
        {totals.forfeitedFen > 0 && (
          <>
            <dt>{t('totals.forfeited')}</dt>
            <dd className="warn-text" data-testid="total-forfeited">
              {money(totals.forfeitedFen)}
            </dd>
          </>
        )}
      </dl>
      {quote?.alternative && (
        <div className="alternative" data-testid="alternative">
          <p>
            {quote.alternative.plan === 'least_forfeit'
              ? t('plan.offerLeast', { other: money(quote.alternative.otherTenderFen), forfeited: money(quote.alternative.forfeitedFen) })
              : t('plan.offerMax', { other: money(quote.alternative.otherTenderFen), forfeited: money(quote.alternative.forfeitedFen) })}
          </p>
          <button type="button" onClick={() => onPlan(quote.alternative!.plan)} data-testid="switch-plan">
            {t('plan.switch')}
          </button>
        </div>
      )}
    </div>
  );
}
