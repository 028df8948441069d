import { Modal } from '../components/Modal';
import { useI18n } from '../i18n/I18nProvider';
import type { SaleState } from './saleSession';

/**
 * After a restart (a power cut, a crash, a reload) with a sale left unfinished: carry on with it
 * (Enter) or start afresh (Esc). Asked before anything else happens at the counter.
 */
export function ResumeDialog({
  saved,
  onResume,
  onDiscard,
}: {
  saved: NonNullable<SaleState['saved']>;
  onResume: () => void;
  onDiscard: () => void;
}) {
  const { t, dateTime } = useI18n();
  return (
    <Modal
      title={t('resume.title')}
      onConfirm={onResume}
      onCancel={onDiscard}
      cancelLabel={t('resume.discard')}
      testId="resume-sale"
      actions={
        <button type="button" className="primary" onClick={onResume} data-testid="resume-ok">
          {t('resume.ok')}
        </button>
      }
    >
      <p className="big">{t('resume.text', { lines: saved.lines, vouchers: saved.vouchers, time: dateTime(saved.savedAt) })}</p>
      <p className="muted">{t('resume.explain')}</p>
    </Modal>
  );
}
