import { useI18n } from '../i18n/I18nProvider';

/**
 * How a voucher is named wherever a person reads it: the holder code printed on the card
 * ("持券码 G9AX-ZY17"), so a card, the screen, the receipt and the settlement can be matched.
 * Sales recorded before the till kept holder codes fall back to the masked voucher id.
 */
export function VoucherCode({ voucher }: { voucher: { holderCode?: string | null; masked: string | null } }) {
  const { t } = useI18n();
  if (voucher.holderCode)
    return (
      <span className="holder-code" data-testid="holder-code">
        {t('voucher.holderCode', { code: voucher.holderCode })}
      </span>
    );
  return voucher.masked ? <span className="masked-id">{voucher.masked}</span> : null;
}
