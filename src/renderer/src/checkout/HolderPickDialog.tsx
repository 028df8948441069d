import type { HolderVoucher } from '../../../shared/api/schemas/checkout';
import { Modal } from '../components/Modal';
import { useI18n } from '../i18n/I18nProvider';

/**
 * A family holds several vouchers under one holder code (4 × ￥50 for a baby): the cashier picks
 * the one the customer uses now, as she would pick a card from a stack. Enter takes the first.
 */
export function HolderPickDialog({
  code,
  vouchers,
  onPick,
  onCancel,
}: {
  code: string;
  vouchers: HolderVoucher[];
  onPick: (v: HolderVoucher) => void;
  onCancel: () => void;
}) {
  const { t, money, date, locale } = useI18n();
  return (
    <Modal
      title={t('holderPick.title', { code, count: vouchers.length })}
      onConfirm={() => onPick(vouchers[0]!)}
      onCancel={onCancel}
      cancelLabel={t('holderPick.cancel')}
      testId="holder-pick"
    >
      <p>{t('holderPick.hint')}</p>
      <ul className="holder-pick">
        {vouchers.map((v) => (
          <li key={v.ticket}>
            <span>
              <strong>{v.campaignName ? (locale === 'en' ? v.campaignName.en : v.campaignName.zh) : v.masked}</strong>{' '}
              {money(v.faceValueFen)} · {t('voucher.validUntil', { date: date(v.validUntil) })} · <span className="mono">{v.masked}</span>
            </span>
            <button type="button" className="primary" onClick={() => onPick(v)} data-testid="holder-pick-use">
              {t('holderPick.use')}
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
