import { useI18n } from '../i18n/I18nProvider';
import { customerDisplayUrl } from './customerFeed';

/**
 * Opens the customer-facing display (客显) in a second window, to drag onto a second screen or a
 * small display turned to the customer. The window is this app at `#customer`, fed over a
 * BroadcastChannel; it needs no sign-in and makes no PosApi calls.
 */
export function CustomerDisplayButton() {
  const { t } = useI18n();
  const open = () => {
    window.open(customerDisplayUrl(window.location.href), 'caretill-customer', 'popup,width=1024,height=600');
  };
  return (
    <button type="button" onClick={open} data-testid="open-customer-display" title={t('customer.openHint')}>
      {t('customer.open')}
    </button>
  );
}
