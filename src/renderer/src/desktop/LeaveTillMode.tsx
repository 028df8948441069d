import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { OwnerPinDialog } from '../components/OwnerPinDialog';
import { useI18n } from '../i18n/I18nProvider';

/**
 * In full-screen till mode, the one way out: an owner's PIN. Shown only while the desktop app is
 * full screen; the close button and Alt+F4 do nothing then (src/main/desktopShell.ts).
 */
export function LeaveTillMode() {
  const api = useApi();
  const { t } = useI18n();
  const desktop = useCall(() => api.getDesktop({}), { intervalMs: 5000 });
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  if (desktop.state !== 'ok' || !desktop.value.inTillMode) return null;
  const leave = async (pin: string) => {
    const r = await api.leaveTillMode({ pin });
    if (!r.ok) return setError(r.error);
    setError(null);
    setAsking(false);
    desktop.reload();
  };

  return (
    <>
      <button type="button" className="nav-item" onClick={() => setAsking(true)} data-testid="leave-till-mode">
        {t('desktop.leave')}
      </button>
      {asking && (
        <OwnerPinDialog
          reason={t('desktop.leaveReason')}
          error={error}
          onPin={(pin) => void leave(pin)}
          onCancel={() => {
            setAsking(false);
            setError(null);
          }}
        />
      )}
    </>
  );
}
