import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { User } from '../../../shared/api/schemas/auth';
import { useApi } from '../api/ApiContext';
import { setSessionToken } from '../api/session';
import { useI18n } from '../i18n/I18nProvider';
import { Modal } from './Modal';
import { PinPad } from './PinPad';

/**
 * Shown over the current screen when the session ran out: the same person types their PIN and
 * carries on with the sale that is still on screen; "switch user" signs out instead.
 */
export function ReauthDialog({ user, onDone, onSwitchUser }: { user: User; onDone: () => void; onSwitchUser: () => void }) {
  const api = useApi();
  const { t, err } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (pin: string) => {
    const r = await api.login({ userId: user.id, pin });
    if (!r.ok) return setError(r.error);
    setSessionToken(r.value.session);
    onDone();
  };
  return (
    <Modal title={t('reauth.title')} onCancel={onSwitchUser} cancelLabel={t('reauth.switchUser')} testId="reauth">
      <p>{t('error.session_expired')}</p>
      <p>{t('login.pinFor', { name: user.name })}</p>
      <PinPad onSubmit={(pin) => void submit(pin)} />
      {error && (
        <p className="error-box" role="alert">
          {err(error)}
        </p>
      )}
    </Modal>
  );
}
