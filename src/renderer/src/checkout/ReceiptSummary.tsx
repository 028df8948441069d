import { redeemedOnline, type CompletedSale } from '../../../shared/api/schemas/checkout';
import { useI18n } from '../i18n/I18nProvider';
import { useSaleUpload } from './useSaleUpload';
import { VoucherCode } from './VoucherCode';

/** The completed sale as the beneficiary's receipt will read: what the vouchers paid, what they pay, what is left. */
export function ReceiptSummary({ sale, shopName }: { sale: CompletedSale; shopName: string | null }) {
  const { t, money, dateTime, locale } = useI18n();
  return (
    <div className={sale.voidedAt ? 'receipt voided' : 'receipt'} data-testid="receipt">
      <h2>{shopName ?? t('app.title')}</h2>
      {sale.voidedAt && (
        <p className="stamp" data-testid="receipt-voided">
          {t('receipt.voided')}
        </p>
      )}
      <p className="muted small">
        {dateTime(sale.createdAt)} · {t('receipt.cashier', { name: sale.cashier.name })} ·{' '}
        {t('receipt.no', { no: sale.saleId.slice(0, 8).toUpperCase() })}
      </p>
      <table className="receipt-lines">
        <tbody>
          {sale.lines.map((l, i) => (
            <tr key={i}>
              <td>
                {l.voucherPaidFen > 0 ? '✓ ' : '  '}
                {l.name} ×{l.quantity}
              </td>
              <td className="num">{money(l.amountFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="receipt-vouchers">
        {sale.vouchers.map((v) => (
          <li key={v.voucherId} data-testid="receipt-voucher">
            {locale === 'en' ? v.campaignName.en : v.campaignName.zh} <VoucherCode voucher={v} />:{' '}
            {t('voucher.uses', { amount: money(v.usedFen) })}
            {v.forfeitedFen > 0 && ` · ${t('receipt.forfeited', { amount: money(v.forfeitedFen) })}`}
            {v.balanceAfterFen !== null && ` · ${t('voucher.left', { amount: money(v.balanceAfterFen) })}`}
          </li>
        ))}
      </ul>
      <dl className="sums">
        <dt>{t('totals.basket')}</dt>
        <dd>{money(sale.totals.basketFen)}</dd>
        <dt>{t('totals.voucher')}</dt>
        <dd className="big good" data-testid="receipt-voucher-paid">
          {money(sale.totals.voucherPaidFen)}
        </dd>
        <dt>{t('totals.other')}</dt>
        <dd className="big" data-testid="receipt-other">
          {money(sale.totals.otherTenderFen)}
        </dd>
        {sale.totals.forfeitedFen > 0 && (
          <>
            <dt>{t('totals.forfeited')}</dt>
            <dd className="warn-text">{money(sale.totals.forfeitedFen)}</dd>
          </>
        )}
      </dl>
      <UploadLine sale={sale} />
    </div>
  );
}

/** What happened to the sale's records: online or offline, and where they are with the program (kept current). */
function UploadLine({ sale }: { sale: CompletedSale }) {
  const { t } = useI18n();
  const upload = useSaleUpload(sale);
  const online = redeemedOnline(sale);
  return (
    <p className="muted small" data-testid="sale-upload" data-online={online} data-upload={upload}>
      {t('sale.uploadLine', {
        mode: t(online ? 'sale.mode.online' : 'sale.mode.offline'),
        upload: t(`sale.upload.${upload}`),
        seq: sale.records.map((r) => `#${r.seq}`).join(' '),
      })}
    </p>
  );
}
