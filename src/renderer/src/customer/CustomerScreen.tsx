import { useEffect, useState } from 'react';
import { DEFAULT_LOCALE } from '../../../shared/i18n/locales';
import { translate } from '../../../shared/i18n/translate';
import { I18nProvider, useI18n } from '../i18n/I18nProvider';
import { spokenReason } from '../sound/speech';
import { CUSTOMER_CHANNEL, isCustomerMessage } from './customerFeed';
import type { CustomerView } from './customerView';

/**
 * The customer display (客显), the app opened at `#customer`: what the family sees while the
 * cashier rings up the sale, before anything is confirmed: each item and whether a voucher pays
 * for it, what the vouchers pay, what they pay themselves, what is left on the card.
 */
export function CustomerApp() {
  const [view, setView] = useState<CustomerView | null>(null);
  useEffect(() => {
    const channel = new BroadcastChannel(CUSTOMER_CHANNEL);
    channel.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (isCustomerMessage(e.data) && e.data.type === 'view') setView(e.data.view);
    });
    channel.postMessage({ type: 'hello' });
    return () => channel.close();
  }, []);
  const locale = view?.locale ?? DEFAULT_LOCALE;
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = translate(locale, 'customer.title');
  }, [locale]);
  return (
    <I18nProvider locale={locale}>
      <CustomerBoard view={view} />
    </I18nProvider>
  );
}

function CustomerBoard({ view }: { view: CustomerView | null }) {
  const { t, money, locale } = useI18n();
  if (!view || view.phase === 'idle') {
    return (
      <main className="customer idle" data-testid="customer-display" data-phase="idle">
        <h1>{view?.shopName ?? t('app.title')}</h1>
        <p className="customer-welcome">{t('customer.welcome')}</p>
      </main>
    );
  }
  const name = (n: { zh: string; en: string } | null) => (n ? (locale === 'en' ? n.en : n.zh) : '');
  return (
    <main className={`customer ${view.phase}`} data-testid="customer-display" data-phase={view.phase}>
      <header className="customer-head">
        <h1>{view.shopName ?? t('app.title')}</h1>
        {view.phase === 'done' && <p className="customer-banner good">{t('done.title')}</p>}
        {view.phase === 'voided' && <p className="customer-banner">{t('done.voided')}</p>}
        {view.refused && (
          <p className="customer-banner bad" data-testid="customer-refused">
            {t('customer.refused', {
              reason: spokenReason(
                view.refused === 'not_a_voucher' ? t('verdict.not_a_voucher') : t(`verdict.${view.refused}`, { from: '', until: '' }),
              ),
            })}
          </p>
        )}
      </header>
      <div className="customer-body">
        <table className="customer-lines" data-testid="customer-lines">
          <tbody>
            {view.lines.map((l, i) => (
              <tr key={i} className={l.voucherPaidFen > 0 ? 'paid' : ''}>
                <td>
                  {l.voucherPaidFen > 0 ? '✓ ' : ''}
                  {l.name} ×{l.quantity}
                </td>
                <td className="num">{money(l.amountFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="customer-sums">
          {view.vouchers.map((v, i) => (
            <p key={i} className="customer-voucher">
              {name(v.campaignName)}{' '}
              {v.holderCode && <span className="holder-code">{t('voucher.holderCode', { code: v.holderCode })}</span>}
              <br />
              {v.selected ? t('voucher.uses', { amount: money(v.usedFen) }) : t('voucher.notUsed')}
              {v.balanceAfterFen !== null && ` · ${t('voucher.left', { amount: money(v.balanceAfterFen) })}`}
              {v.forfeitedFen > 0 && ` · ${t('receipt.forfeited', { amount: money(v.forfeitedFen) })}`}
            </p>
          ))}
          <dl className="sums">
            <dt>{t('totals.basket')}</dt>
            <dd data-testid="customer-basket">{money(view.totals.basketFen)}</dd>
            <dt>{t('totals.voucher')}</dt>
            <dd className="big good" data-testid="customer-voucher">
              {money(view.totals.voucherPaidFen)}
            </dd>
            <dt>{t('customer.youPay')}</dt>
            <dd className="big" data-testid="customer-other">
              {money(view.totals.otherTenderFen)}
            </dd>
          </dl>
        </div>
      </div>
    </main>
  );
}
