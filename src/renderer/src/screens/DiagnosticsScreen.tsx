import type { MessageKey } from '../../../shared/i18n/translate';
import type { Diagnostics } from '../../../shared/api/contract';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';
import { LogPanel } from './LogPanel';

/** About & diagnostics: what support needs to know, readable by the owner. */
export function DiagnosticsScreen() {
  const api = useApi();
  const { t, err, dateTime } = useI18n();
  const diag = useCall(() => api.getDiagnostics({}));

  if (diag.state === 'loading') return <p className="muted">{t('common.loading')}</p>;
  if (diag.state === 'error') {
    return (
      <div className="error-box" role="alert">
        <p>{err(diag.error)}</p>
        <button type="button" onClick={diag.reload}>
          {t('common.retry')}
        </button>
      </div>
    );
  }
  const d = diag.value;
  const rows: Array<[MessageKey, string, keyof Diagnostics]> = [
    ['diag.appVersion', d.appVersion, 'appVersion'],
    ['diag.deviceId', d.deviceId, 'deviceId'],
    ['diag.host', t(`diag.host.${d.host}`), 'host'],
    ['diag.dataDir', d.dataDir, 'dataDir'],
    ['diag.databasePath', d.databasePath, 'databasePath'],
    ['diag.schemaVersion', String(d.schemaVersion), 'schemaVersion'],
    ['diag.connection', t(`status.connection.${d.connection}`), 'connection'],
    ['diag.manifestVersion', d.manifestVersion === null ? t('diag.manifestVersion.none') : String(d.manifestVersion), 'manifestVersion'],
    ['diag.platform', d.platform, 'platform'],
    ['diag.runtime', d.runtime, 'runtime'],
    ['diag.startedAt', dateTime(d.startedAt), 'startedAt'],
  ];
  return (
    <section className="panel" aria-labelledby="diag-title">
      <div className="panel-head">
        <h1 id="diag-title">{t('diag.title')}</h1>
        <button type="button" onClick={diag.reload} data-testid="diag-refresh">
          {t('diag.refresh')}
        </button>
      </div>
      <p className="muted">{t('diag.intro')}</p>
      <table className="kv" data-testid="diagnostics">
        <tbody>
          {rows.map(([label, value, id]) => (
            <tr key={id}>
              <th scope="row">{t(label)}</th>
              <td data-testid={`diag-${id}`}>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LogPanel file={d.logFile} />
    </section>
  );
}
