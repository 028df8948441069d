import { Modal } from '../components/Modal';
import { useI18n } from '../i18n/I18nProvider';

/**
 * Asked before a sale that forfeits part of a voucher (a fixed voucher gives no change): the
 * cashier confirms with the customer that the rest is lost. Enter confirms, Esc goes back.
 */
export function ForfeitDialog({ forfeitedFen, onConfirm, onBack }: { forfeitedFen: number; onConfirm: () => void; onBack: () => void }) {
  const { t, money } = useI18n();
  return (
    <Modal
      title={t('forfeit.title')}
      onConfirm={onConfirm}
      onCancel={onBack}
      cancelLabel={t('common.back')}
      testId="forfeit-confirm"
      actions={
        <button type="button" className="primary" onClick={onConfirm} data-testid="forfeit-ok">
          {t('forfeit.ok')}
        </button>
      }
    >
      <p className="big warn-text">{t('forfeit.text', { amount: money(forfeitedFen) })}</p>
      <p>{t('forfeit.explain')}</p>
    </Modal>
  );
}
