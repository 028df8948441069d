import { useEffect, useId, useState } from 'react';
import type { PosApi } from '../../../shared/api/client';
import { useI18n } from '../i18n/I18nProvider';

import type * as CameraModuleNs from '../scan/camera';

type CameraModule = typeof CameraModuleNs;

/**
 * Live camera preview that feeds voucher scans. html5-qrcode (and its decoder) is loaded only when
 * the camera is turned on, so the till starts fast and works fully without a camera.
 */
export function CameraBox({ api, enabled, onCode }: { api: PosApi; enabled: boolean; onCode: (text: string) => void }) {
  const { t } = useI18n();
  const elementId = `camera-${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const [cameras, setCameras] = useState<Array<{ id: string; label: string }> | null>(null);
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const [state, setState] = useState<'off' | 'starting' | 'on' | 'none' | 'error'>('off');
  const [mod, setMod] = useState<CameraModule | null>(null);

  useEffect(() => {
    if (!enabled || mod) return;
    let cancelled = false;
    void Promise.all([import('../scan/camera'), api.getPreferences({})]).then(async ([m, prefs]) => {
      if (cancelled) return;
      const list = await m.listCameras();
      if (cancelled) return;
      setCameras(list);
      setChosen(prefs.ok && list.some((c) => c.id === prefs.value.cameraId) ? prefs.value.cameraId : (list[0]?.id ?? null));
      setMod(m);
      if (list.length === 0) setState('none');
    });
    return () => {
      cancelled = true;
    };
  }, [enabled, mod, api]);

  useEffect(() => {
    if (!enabled || !mod || chosen === undefined || !cameras?.length) return undefined;
    let handle: { stop(): Promise<void> } | null = null;
    let cancelled = false;
    mod.startCamera(elementId, chosen, onCode).then(
      (h) => {
        if (cancelled) void h.stop();
        else {
          handle = h;
          setState('on');
        }
      },
      () => !cancelled && setState('error'),
    );
    return () => {
      cancelled = true;
      void handle?.stop();
    };
  }, [enabled, mod, chosen, cameras, elementId, onCode]);

  const choose = (id: string) => {
    setChosen(id);
    void api.setPreferences({ cameraId: id });
  };

  return (
    <div className="camera" data-testid="camera" data-state={enabled ? (state === 'off' ? 'starting' : state) : 'off'}>
      <div id={elementId} className="camera-view" />
      {!enabled && <p className="muted">{t('camera.off')}</p>}
      {enabled && state === 'none' && <p className="muted">{t('camera.none')}</p>}
      {enabled && state === 'error' && <p className="warn-text">{t('camera.error')}</p>}
      {enabled && cameras && cameras.length > 1 && (
        <label className="camera-choice">
          {t('camera.choose')}
          <select value={chosen ?? ''} onChange={(e) => choose(e.target.value)} data-testid="camera-select">
            {cameras.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
