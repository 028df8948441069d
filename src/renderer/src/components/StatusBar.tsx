import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';

/** Always visible at the bottom: who is signed in, network, printer, and what still has to be uploaded. */
export function StatusBar() {
  const api = useApi();
  const { t } = useI18n();
  const status = useCall(() => api.getStatus({}), { intervalMs: 3000 });
  if (status.state !== 'ok') {
    return (
      <footer className="status-bar" data-testid="status-bar">
        <span className={status.state === 'error' ? 'status-item bad' : 'status-item'}>
          {status.state === 'error' ? t('error.unreachable') : t('common.loading')}
        </span>
      </footer>
    );
  }
  const s = status.value;
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className="status-item" data-testid="status-cashier">
        {t('status.cashier')}: {s.cashier ? s.cashier.name : t('status.cashier.none')}
      </span>
      <span
        className={`status-item ${s.connection === 'online' ? 'good' : s.connection === 'offline' ? 'warn' : ''}`}
        data-testid="status-connection"
      >
        {t('status.connection')}: {t(`status.connection.${s.connection}`)}
      </span>
      <span className={`status-item ${s.printer === 'error' ? 'bad' : s.printer === 'ready' ? 'good' : ''}`} data-testid="status-printer">
        {t('status.printer')}: {t(`status.printer.${s.printer}`)}
        {s.printQueue > 0 && ` · ${t('status.printQueue', { count: s.printQueue })}`}
        {s.printer === 'error' && (
          <button
            type="button"
            className="status-btn"
            onClick={() => void api.retryPrinting({}).then(status.reload)}
            data-testid="status-retry-print"
          >
            {t('print.retry')}
          </button>
        )}
      </span>
      <span className={`status-item ${s.pendingUploads > 0 ? 'warn' : ''}`} data-testid="status-pending">
        {t('status.pending')}: {t('status.pending.count', { count: s.pendingUploads })}
      </span>
    </footer>
  );
}
