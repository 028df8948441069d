import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import { REPORT_GROUPS, type Report, type ReportGroup } from '../../../shared/api/schemas/backoffice';
import { useApi } from '../api/ApiContext';
import { useI18n } from '../i18n/I18nProvider';
import { saveFile, shopDay } from './download';

/** Reports for a period, grouped as the owner chooses, and the files for the accountant. */
export function ReportsScreen({ timeZone }: { timeZone?: string }) {
  const api = useApi();
  const { t, err, money } = useI18n();
  const today = shopDay(timeZone);
  const [from, setFrom] = useState(today.slice(0, 8) + '01');
  const [to, setTo] = useState(today);
  const [groupBy, setGroupBy] = useState<ReportGroup>('day');
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const run = async () => {
    const r = await api.getReport({ from, to, groupBy });
    setError(r.ok ? null : r.error);
    setReport(r.ok ? r.value : null);
  };
  const exportFile = async (what: 'report' | 'journal', format: 'xlsx' | 'csv') => {
    const r = await api.exportReport({ from, to, what, groupBy, format });
    if (!r.ok) return setError(r.error);
    saveFile(r.value);
  };
  const preset = (f: string, tt: string) => {
    setFrom(f);
    setTo(tt);
  };
  return (
    <section className="panel" aria-labelledby="reports-title">
      <h1 id="reports-title">{t('reports.title')}</h1>
      <div className="form inline">
        <button type="button" onClick={() => preset(today, today)}>
          {t('reports.today')}
        </button>
        <button type="button" onClick={() => preset(shopDay(timeZone, -6), today)}>
          {t('reports.week')}
        </button>
        <button type="button" onClick={() => preset(today.slice(0, 8) + '01', today)}>
          {t('reports.month')}
        </button>
        <label>
          {t('reports.from')}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="report-from" />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="report-to" />
        </label>
        <label>
          {t('reports.groupBy')}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as ReportGroup)} data-testid="report-group">
            {REPORT_GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`report.group.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={() => void run()} data-testid="report-run">
          {t('reports.show')}
        </button>
      </div>
      <div className="row-actions">
        <button type="button" onClick={() => void exportFile('report', 'xlsx')} data-testid="export-xlsx">
          {t('reports.exportXlsx')}
        </button>
        <button type="button" onClick={() => void exportFile('report', 'csv')}>
          {t('reports.exportCsv')}
        </button>
        <button type="button" onClick={() => void exportFile('journal', 'xlsx')} data-testid="export-journal">
          {t('reports.exportJournal')}
        </button>
      </div>
      {error && <p className="error-box">{err(error)}</p>}
      {report && (
        <table className="history" data-testid="report-table">
          <thead>
            <tr>
              <th>{t(`report.group.${report.groupBy}`)}</th>
              <th className="num">{t('report.col.sales')}</th>
              <th className="num">{t('report.col.quantity')}</th>
              <th className="num">{t('report.col.basket')}</th>
              <th className="num">{t('report.col.voucher')}</th>
              <th className="num">{t('report.col.other')}</th>
            </tr>
          </thead>
          <tbody>
            {[...report.rows, { key: '_total', label: t('report.total'), ...report.totals }].map((r) => (
              <tr key={r.key} className={r.key === '_total' ? 'total' : undefined}>
                <td>{r.label}</td>
                <td className="num">{r.sales}</td>
                <td className="num">{r.quantity}</td>
                <td className="num">{money(r.basketFen)}</td>
                <td className="num">{money(r.voucherFen)}</td>
                <td className="num">{money(r.otherTenderFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
