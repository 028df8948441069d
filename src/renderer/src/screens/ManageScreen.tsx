import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';
import { DesktopSettingsPanel } from '../desktop/DesktopSettingsPanel';
import { PrinterSettingsPanel } from '../printing/PrinterSettingsPanel';
import { VoicePanel } from './VoicePanel';
import { BackupPanel } from '../backoffice/BackupPanel';

/** The owner's corner: cashier accounts and a check of the journal's integrity. */
export function ManageScreen() {
  const api = useApi();
  const { t, err } = useI18n();
  const users = useCall(() => api.listUsers({}));
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [role, setRole] = useState<'cashier' | 'owner'>('cashier');
  const [error, setError] = useState<ApiError | null>(null);
  const [check, setCheck] = useState<string | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await api.createUser({ name, role, pin });
    if (!r.ok) return setError(r.error);
    setError(null);
    setName('');
    setPin('');
    users.reload();
  };
  const verify = async () => {
    const r = await api.verifyJournal({});
    if (!r.ok) return setError(r.error);
    setCheck(
      r.value.ok
        ? t('manage.journalOk', { count: r.value.count })
        : t('manage.journalBad', { seq: r.value.headSeq, problem: r.value.problem ?? '' }),
    );
  };

  return (
    <section className="panel" aria-labelledby="manage-title">
      <h1 id="manage-title">{t('manage.title')}</h1>
      <h2>{t('manage.users')}</h2>
      <ul data-testid="users">
        {users.state === 'ok' &&
          users.value.map((u) => (
            <li key={u.id}>
              {u.name} · {t(`role.${u.role}`)}
            </li>
          ))}
      </ul>
      <form className="form inline" onSubmit={(e) => void add(e)}>
        <input
          placeholder={t('manage.name')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={40}
          data-testid="new-user-name"
        />
        <input
          placeholder={t('manage.pin')}
          type="password"
          inputMode="numeric"
          pattern="\d{4,8}"
          value={pin}
          onChange={(e) => setPin(e.target.value)}
          required
          data-testid="new-user-pin"
        />
        <select value={role} onChange={(e) => setRole(e.target.value as 'cashier' | 'owner')}>
          <option value="cashier">{t('role.cashier')}</option>
          <option value="owner">{t('role.owner')}</option>
        </select>
        <button type="submit" data-testid="new-user-add">
          {t('manage.add')}
        </button>
      </form>
      {error && <p className="error-box">{err(error)}</p>}
      <h2>{t('voice.title')}</h2>
      <VoicePanel />
      <h2>{t('printer.title')}</h2>
      <PrinterSettingsPanel />
      <h2>{t('desktop.title')}</h2>
      <DesktopSettingsPanel />
      <h2>{t('manage.journal')}</h2>
      <button type="button" onClick={() => void verify()} data-testid="verify-journal">
        {t('manage.verify')}
      </button>
      {check && <p data-testid="journal-check">{check}</p>}
      <BackupPanel />
    </section>
  );
}
