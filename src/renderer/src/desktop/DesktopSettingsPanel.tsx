import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';

/** The owner's desktop settings: open with Windows, and the full-screen till mode. */
export function DesktopSettingsPanel() {
  const api = useApi();
  const { t, err } = useI18n();
  const desktop = useCall(() => api.getDesktop({}));
  const [error, setError] = useState<ApiError | null>(null);

  if (desktop.state !== 'ok') return <p className="muted">{t('common.loading')}</p>;
  const d = desktop.value;
  const save = async (patch: { startWithWindows?: boolean; tillMode?: boolean }) => {
    const r = await api.saveDesktop(patch);
    setError(r.ok ? null : r.error);
    desktop.reload();
  };

  return (
    <div className="form" data-testid="desktop-settings">
      {!d.desktop && <p className="muted">{t('desktop.onlyInApp')}</p>}
      <label className="check">
        <input
          type="checkbox"
          checked={d.startWithWindows}
          disabled={!d.canStartWithWindows}
          onChange={(e) => void save({ startWithWindows: e.target.checked })}
          data-testid="desktop-start-with-windows"
        />
        {t('desktop.startWithWindows')}
      </label>
      {d.desktop && !d.canStartWithWindows && <p className="muted">{t('desktop.startWithWindows.unavailable')}</p>}
      <label className="check">
        <input
          type="checkbox"
          checked={d.tillMode}
          disabled={!d.desktop}
          onChange={(e) => void save({ tillMode: e.target.checked })}
          data-testid="desktop-till-mode"
        />
        {t('desktop.tillMode')}
      </label>
      <p className="muted">{t('desktop.tillMode.help')}</p>
      {error && <p className="error-box">{err(error)}</p>}
    </div>
  );
}
