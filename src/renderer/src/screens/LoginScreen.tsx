import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { LoginResult, User } from '../../../shared/api/schemas/auth';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { PinPad } from '../components/PinPad';
import { useI18n } from '../i18n/I18nProvider';
import { beepError } from '../sound/beep';

/** Choose who you are, type your PIN. */
export function LoginScreen({ onLogin }: { onLogin: (r: LoginResult) => void }) {
  const api = useApi();
  const { t, err } = useI18n();
  const users = useCall(() => api.listUsers({}));
  const [chosen, setChosen] = useState<User | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (pin: string) => {
    if (!chosen) return;
    setBusy(true);
    const r = await api.login({ userId: chosen.id, pin });
    setBusy(false);
    if (r.ok) onLogin(r.value);
    else {
      beepError();
      setError(r.error);
    }
  };

  return (
    <section className="panel login" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      {users.state === 'ok' && (
        <div className="user-tiles" role="list">
          {users.value.map((u) => (
            <button
              key={u.id}
              type="button"
              role="listitem"
              className={chosen?.id === u.id ? 'tile active' : 'tile'}
              onClick={() => {
                setChosen(u);
                setError(null);
              }}
              data-testid={`user-${u.name}`}
            >
              <span className="tile-name">{u.name}</span>
              <span className="tile-role">{t(`role.${u.role}`)}</span>
            </button>
          ))}
        </div>
      )}
      {chosen ? (
        <>
          <p>{t('login.pinFor', { name: chosen.name })}</p>
          <PinPad onSubmit={(p) => void submit(p)} busy={busy} />
        </>
      ) : (
        <p className="muted">{t('login.choose')}</p>
      )}
      {error && (
        <p className="error-box" role="alert" data-testid="login-error">
          {err(error)}
        </p>
      )}
    </section>
  );
}
