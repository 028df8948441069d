import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { SyncState } from '../../../shared/api/schemas/sync';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';

/** The owner's view of the program: enrollment, upload, and what became of every redemption. */
/** Attempts after which an unsent batch is shown to the owner as stuck. */
const STUCK_AFTER = 3;

export function SettlementScreen() {
  const api = useApi();
  const { t, err, money, dateTime } = useI18n();
  const sync = useCall(() => api.getSync({}), { intervalMs: 1000 });
  const view = useCall(() => api.getSettlement({}), { intervalMs: 5000 });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const syncNow = async () => {
    setBusy(true);
    const r = await api.syncNow({});
    setBusy(false);
    if (!r.ok) setError(r.error);
    else setError(null);
    view.reload();
    sync.reload();
  };

  if (sync.state !== 'ok') return <p className="muted">{t('common.loading')}</p>;
  const s = sync.value;
  if (s.connection === 'not_enrolled') return <EnrollPanel onDone={() => sync.reload()} />;
  return (
    <section className="panel wide" aria-labelledby="settle-title">
      <h1 id="settle-title">{t('settle.title')}</h1>
      <p data-testid="sync-summary">
        {t('settle.program', { merchant: s.merchantName ?? '', server: s.serverUrl ?? '' })} · {t(`status.connection.${s.connection}`)}
        {s.lastSyncAt && ` · ${t('settle.lastSync', { time: dateTime(s.lastSyncAt) })}`}
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void syncNow()} disabled={busy} data-testid="sync-now">
          {busy ? t('settle.syncing') : t('settle.syncNow', { count: s.pending })}
        </button>
      </div>
      {s.progress && <Progress p={s.progress} />}
      {(error || s.lastError) && (
        <p className="error-box" role="alert" data-testid="sync-error">
          {error ? err(error) : t('settle.lastError', { code: s.lastError ?? '' })}
        </p>
      )}
      {view.state === 'ok' && (
        <>
          <div className="cards" data-testid="settle-totals">
            {(['pending', 'accepted', 'rejected', 'paid'] as const).map((k) => (
              <div key={k} className={`card ${k}`} data-testid={`settle-${k}`}>
                <div className="card-label">{t(`settle.state.${k}`)}</div>
                <div className="card-value">{money(view.value.totals[`${k}Fen`])}</div>
                <div className="muted small">{t('settle.records', { count: view.value.counts[k] })}</div>
              </div>
            ))}
          </div>
          {/* A batch the program keeps refusing: say which records, how often, why, and what to do. */}
          {view.value.batches
            .filter((b) => b.doneAt === null && b.attempts >= STUCK_AFTER)
            .map((b) => (
              <p key={b.batchId} className="error-box" role="alert" data-testid="stuck-batch">
                {t('settle.stuckBatch', { from: b.fromSeq, to: b.toSeq, attempts: b.attempts, code: b.lastError ?? '' })}
              </p>
            ))}
          {view.value.voids > 0 && (
            <p className="muted" data-testid="settle-voids">
              {t('settle.voids', { count: view.value.voids })}
            </p>
          )}
          {view.value.rejected.length > 0 && (
            <>
              <h2>{t('settle.rejectedTitle')}</h2>
              <table className="history" data-testid="rejected">
                <tbody>
                  {view.value.rejected.map((r) => (
                    <tr key={r.recordId}>
                      <td>{dateTime(r.time)}</td>
                      <td>{r.voucherMasked}</td>
                      <td className="num">{money(r.amountFen)}</td>
                      <td>
                        <strong>{t(`reject.${r.reason}`)}</strong>
                        <div className="muted small">{t(`reject.todo.${r.reason}`)}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <h2>{t('settle.statements')}</h2>
          {view.value.statements.length === 0 ? (
            <p className="muted">{t('settle.noStatements')}</p>
          ) : (
            <table className="history" data-testid="statements">
              <tbody>
                {view.value.statements.map((st) => (
                  <tr key={st.statementId}>
                    <td>{st.statementId}</td>
                    <td>{t(`settle.statement.${st.status}`)}</td>
                    <td className="num">{money(st.totalFen)}</td>
                    <td>{t('settle.records', { count: st.recordCount })}</td>
                    <td>{st.payoutReference ? t('settle.payout', { ref: st.payoutReference }) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('settle.batches')}</h2>
          <ul className="muted small">
            {view.value.batches.slice(0, 10).map((b) => (
              <li key={b.batchId}>
                #{b.fromSeq}–{b.toSeq} ·{' '}
                {b.doneAt
                  ? t('settle.batchDone', { time: dateTime(b.doneAt) })
                  : t('settle.batchWaiting', { attempts: b.attempts, error: b.lastError ?? '' })}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Progress({ p }: { p: NonNullable<SyncState['progress']> }) {
  const { t } = useI18n();
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={p.total}
      aria-valuenow={p.done}
      data-testid="sync-progress"
    >
      <div className="progress-bar" style={{ width: `${p.total ? Math.round((100 * p.done) / p.total) : 100}%` }} />
      <span>{t('settle.progress', { done: p.done, total: p.total })}</span>
    </div>
  );
}

function EnrollPanel({ onDone }: { onDone: () => void }) {
  const api = useApi();
  const { t, err } = useI18n();
  const [serverUrl, setServerUrl] = useState('https://');
  const [code, setCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await api.enroll({ serverUrl: serverUrl.trim(), code, name: '' });
    setBusy(false);
    if (r.ok) onDone();
    else setError(r.error);
  };
  return (
    <section className="panel" aria-labelledby="enroll-title">
      <h1 id="enroll-title">{t('enroll.title')}</h1>
      <p className="muted">{t('enroll.intro')}</p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('enroll.server')}
          <input value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} required data-testid="enroll-server" />
        </label>
        <label>
          {t('enroll.code')}
          <input value={code} onChange={(e) => setCode(e.target.value)} required placeholder="ABCD-EFGH-JKLM" data-testid="enroll-code" />
        </label>
        {error && (
          <p className="error-box" role="alert">
            {err(error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="enroll-submit">
          {t('enroll.submit')}
        </button>
      </form>
    </section>
  );
}
