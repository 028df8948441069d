import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useVoiceSwitch } from '../checkout/useSale';
import { useI18n } from '../i18n/I18nProvider';

/** The owner's switch for voice announcements (语音播报) at the counter. */
export function VoicePanel() {
  const api = useApi();
  const { t, err } = useI18n();
  const prefs = useCall(() => api.getPreferences({}));
  const setVoiceEnabled = useVoiceSwitch();
  const [error, setError] = useState<ApiError | null>(null);
  if (prefs.state !== 'ok') return null;
  const change = async (voice: boolean) => {
    const r = await api.setPreferences({ voice });
    if (!r.ok) return setError(r.error);
    setError(null);
    setVoiceEnabled?.(r.value.voice);
    prefs.reload();
  };
  return (
    <div className="voice-settings">
      <label className="check">
        <input type="checkbox" checked={prefs.value.voice} onChange={(e) => void change(e.target.checked)} data-testid="voice-toggle" />
        {t('voice.setting')}
      </label>
      <p className="muted small">{t('voice.settingHint')}</p>
      {error && <p className="error-box">{err(error)}</p>}
    </div>
  );
}
