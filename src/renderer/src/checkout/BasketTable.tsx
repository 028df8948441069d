import type { Quote } from '../../../shared/api/schemas/checkout';
import { useI18n } from '../i18n/I18nProvider';

/** The basket: each line with its eligibility for the vouchers applied. */
export function BasketTable({ quote, onQuantity }: { quote: Quote | null; onQuantity: (itemId: number, q: number) => void }) {
  const { t, money } = useI18n();
  const lines = quote?.lines ?? [];
  if (lines.length === 0)
    return (
      <p className="basket-empty muted" data-testid="basket-empty">
        {t('basket.empty')}
      </p>
    );
  return (
    <table className="basket" data-testid="basket">
      <thead>
        <tr>
          <th>{t('basket.item')}</th>
          <th>{t('basket.qty')}</th>
          <th className="num">{t('basket.amount')}</th>
          <th>{t('basket.eligibility')}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.itemId} className={`line ${l.status}`} data-testid="basket-line" data-status={l.status}>
            <td>
              <div className="line-name">{l.name}</div>
              <div className="muted small">
                {t(`category.${l.category}`)} · {money(l.unitPriceFen)}/{l.unit}
              </div>
            </td>
            <td className="qty">
              <button type="button" className="qty-btn" onClick={() => onQuantity(l.itemId, l.quantity - 1)} aria-label={t('basket.less')}>
                −
              </button>
              <span data-testid="line-qty">{l.quantity}</span>
              <button type="button" className="qty-btn" onClick={() => onQuantity(l.itemId, l.quantity + 1)} aria-label={t('basket.more')}>
                +
              </button>
            </td>
            <td className="num">{money(l.amountFen)}</td>
            <td className="elig">
              <span className={`badge ${l.status}`}>
                {l.status === 'eligible' ? '✓ ' : l.status === 'not_eligible' ? '✕ ' : l.status === 'partial' ? '◐ ' : ''}
                {t(`line.${l.status}`)}
              </span>
              {l.reason && <div className="muted small">{t(`line.reason.${l.reason}`)}</div>}
              {l.voucherPaidFen > 0 && <div className="small">{t('line.paidByVoucher', { amount: money(l.voucherPaidFen) })}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
