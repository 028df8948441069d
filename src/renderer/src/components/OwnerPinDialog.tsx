import type { ApiError } from '../../../shared/api/errors';
import { useI18n } from '../i18n/I18nProvider';
import { Modal } from './Modal';
import { PinPad } from './PinPad';

/** The owner approves one action at the cashier's till by typing their PIN. */
export function OwnerPinDialog({
  reason,
  error,
  onPin,
  onCancel,
}: {
  reason: string;
  error: ApiError | null;
  onPin: (pin: string) => void;
  onCancel: () => void;
}) {
  const { t, err } = useI18n();
  return (
    <Modal title={t('owner.approve')} onCancel={onCancel} testId="owner-pin">
      <p>{reason}</p>
      <PinPad onSubmit={onPin} />
      {error && (
        <p className="error-box" role="alert">
          {err(error)}
        </p>
      )}
    </Modal>
  );
}
