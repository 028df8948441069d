import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { LoginResult } from '../../../shared/api/schemas/auth';
import { useApi } from '../api/ApiContext';
import { useI18n } from '../i18n/I18nProvider';

/** First run: name the shop and create the owner's account. */
export function SetupScreen({ demo, onDone }: { demo: boolean; onDone: (r: LoginResult) => void }) {
  const api = useApi();
  const { t, err } = useI18n();
  const [shopName, setShopName] = useState('');
  const [ownerName, setOwnerName] = useState('');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [loadDemo, setLoadDemo] = useState(demo);
  const [error, setError] = useState<ApiError | string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pin !== pin2) return setError(t('setup.pinMismatch'));
    const r = await api.setupShop({ shopName, ownerName, ownerPin: pin, loadDemoCatalog: loadDemo });
    if (r.ok) onDone(r.value);
    else setError(r.error);
  };

  return (
    <section className="panel setup" aria-labelledby="setup-title">
      <h1 id="setup-title">{t('setup.title')}</h1>
      <p className="muted">{t('setup.intro')}</p>
      <form onSubmit={(e) => void submit(e)} className="form setup-form">
        <label>
          {t('setup.shopName')}
          <input
            value={shopName}
            onChange={(e) => setShopName(e.target.value)}
            required
            maxLength={60}
            data-testid="setup-shop"
            autoFocus
          />
        </label>
        <label>
          {t('setup.ownerName')}
          <input value={ownerName} onChange={(e) => setOwnerName(e.target.value)} required maxLength={40} data-testid="setup-owner" />
        </label>
        <label>
          {t('setup.pin')}
          <input
            type="password"
            inputMode="numeric"
            pattern="\d{4,8}"
            value={pin}
            onChange={(e) => setPin(e.target.value)}
            required
            data-testid="setup-pin"
          />
        </label>
        <label>
          {t('setup.pin2')}
          <input
            type="password"
            inputMode="numeric"
            pattern="\d{4,8}"
            value={pin2}
            onChange={(e) => setPin2(e.target.value)}
            required
            data-testid="setup-pin2"
          />
        </label>
        <label className="check full-row">
          <input type="checkbox" checked={loadDemo} onChange={(e) => setLoadDemo(e.target.checked)} data-testid="setup-demo" />
          {t('setup.loadDemo')}
        </label>
        {error && (
          <p className="error-box full-row" role="alert" data-testid="setup-error">
            {typeof error === 'string' ? error : err(error)}
          </p>
        )}
        <button type="submit" className="primary big full-row" data-testid="setup-submit">
          {t('setup.submit')}
        </button>
      </form>
    </section>
  );
}
