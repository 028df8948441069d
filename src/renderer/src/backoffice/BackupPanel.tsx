import { useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';

/**
 * Backups, as the owner sees them: when the last verified one was made, "back up now", a second
 * folder (a USB stick), how many to keep and how long sale details stay; and restore from a file,
 * which happens at the next start after the file has been checked.
 */
export function BackupPanel() {
  const api = useApi();
  const { t, err, dateTime } = useI18n();
  const state = useCall(() => api.getBackups({}));
  const [second, setSecond] = useState('');
  const [keep, setKeep] = useState(14);
  const [days, setDays] = useState(180);
  const [restore, setRestore] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const s = state.state === 'ok' ? state.value : null;
  useEffect(() => {
    if (!s) return;
    // The form starts from what is saved (once per load), then belongs to the owner.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSecond(s.secondFolder ?? '');
    setKeep(s.keep);
  }, [s]);

  const act = async (p: Promise<{ ok: boolean; error?: ApiError }>, done: string) => {
    const r = await p;
    setError(r.ok ? null : (r.error ?? null));
    setMessage(r.ok ? done : null);
    state.reload();
  };
  return (
    <section aria-labelledby="backup-title" data-testid="backup-panel">
      <h2 id="backup-title">{t('backup.title')}</h2>
      <p data-testid="backup-last">
        {s?.last ? t('backup.last', { at: dateTime(s.last.createdAt), seq: s.last.headSeq }) : t('backup.none')}
      </p>
      {s?.secondFolderProblem && <p className="error-box">{t('backup.secondProblem', { problem: s.secondFolderProblem })}</p>}
      <div className="row-actions">
        <button type="button" className="primary" onClick={() => void act(api.backupNow({}), t('backup.done'))} data-testid="backup-now">
          {t('backup.now')}
        </button>
        <button
          type="button"
          onClick={() =>
            void api.recoverFromProgram({}).then((r) => {
              setError(r.ok ? null : r.error);
              setMessage(
                r.ok
                  ? t(r.value.problem ? 'backup.recoverProblem' : 'backup.recovered', {
                      count: r.value.inserted,
                      problem: r.value.problem ?? '',
                    })
                  : null,
              );
            })
          }
          data-testid="recover"
        >
          {t('backup.recover')}
        </button>
      </div>
      <form
        className="form inline"
        onSubmit={(e) => {
          e.preventDefault();
          void act(api.saveBackupSettings({ secondFolder: second.trim() || null, keep, retentionDays: days }), t('backup.saved'));
        }}
      >
        <label>
          {t('backup.second')}
          <input value={second} onChange={(e) => setSecond(e.target.value)} placeholder={t('backup.secondHint')} />
        </label>
        <label>
          {t('backup.keep')}
          <input type="number" min={1} max={365} value={keep} onChange={(e) => setKeep(Number(e.target.value))} />
        </label>
        <label>
          {t('backup.retention')}
          <input type="number" min={30} max={3650} value={days} onChange={(e) => setDays(Number(e.target.value))} />
        </label>
        <button type="submit">{t('backup.save')}</button>
      </form>
      <form
        className="form inline"
        onSubmit={(e) => {
          e.preventDefault();
          void act(api.stageRestore({ file: restore }), t('backup.restoreStaged'));
        }}
      >
        <label>
          {t('backup.restoreFile')}
          <input
            value={restore}
            onChange={(e) => setRestore(e.target.value)}
            placeholder={s?.last?.file ?? ''}
            data-testid="restore-file"
          />
        </label>
        <button type="submit" data-testid="restore">
          {t('backup.restore')}
        </button>
      </form>
      {message && <p className="ok-box">{message}</p>}
      {error && <p className="error-box">{err(error)}</p>}
      {s && (
        <p className="muted small">
          {t('backup.folder')}: <code>{s.folder}</code>
        </p>
      )}
    </section>
  );
}
