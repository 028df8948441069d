import type { RowError, RowNote, RowUpdate } from '../../../shared/api/schemas/catalogImport';
import { useI18n } from '../i18n/I18nProvider';

/** The rows that will be (or were) skipped, each with its row number and every reason; and the lists' downloads. */
export function ImportErrors({
  errors,
  total,
  onDownload,
}: {
  errors: RowError[];
  total: number;
  onDownload: (format: 'xlsx' | 'csv') => void;
}) {
  const { t } = useI18n();
  if (total === 0) return null;
  return (
    <>
      <h2>{t('import.errorsTitle', { count: total })}</h2>
      <div className="row-actions">
        <button type="button" onClick={() => onDownload('xlsx')} data-testid="import-errors-xlsx">
          {t('import.downloadXlsx')}
        </button>
        <button type="button" onClick={() => onDownload('csv')} data-testid="import-errors-csv">
          {t('import.downloadCsv')}
        </button>
        {total > errors.length && <span className="muted small">{t('import.listCapped', { shown: errors.length, count: total })}</span>}
      </div>
      <div className="import-list">
        <table data-testid="import-errors">
          <thead>
            <tr>
              <th className="num">{t('import.col.row')}</th>
              <th>{t('import.field.barcode')}</th>
              <th>{t('import.field.name')}</th>
              <th>{t('import.col.reasons')}</th>
            </tr>
          </thead>
          <tbody>
            {errors.map((e) => (
              <tr key={e.row} data-testid={`import-error-${e.row}`}>
                <td className="num">{e.row}</td>
                <td>{e.barcode}</td>
                <td>{e.name}</td>
                <td className="reasons">{e.reasons.map((r) => t(`import.issue.${r.code}`, r.params)).join('；')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Rows that change an item already in the catalogue (which one, and its price before and after), and rows worth a note. */
export function ImportChanges({ updates, notes, total }: { updates: RowUpdate[]; notes: RowNote[]; total: number }) {
  const { t, money } = useI18n();
  return (
    <>
      {total > 0 && (
        <details data-testid="import-updates">
          <summary>{t('import.updatesTitle', { count: total })}</summary>
          <ul>
            {updates.map((u) => (
              <li key={u.row}>
                {t('import.updateLine', {
                  row: u.row,
                  barcode: u.barcode || '—',
                  old: u.oldName,
                  name: u.name,
                  from: money(u.oldPriceFen),
                  to: money(u.priceFen),
                })}
              </li>
            ))}
          </ul>
        </details>
      )}
      {notes.length > 0 && (
        <details data-testid="import-notes">
          <summary>{t('import.notesTitle', { count: notes.length })}</summary>
          <ul>
            {notes.map((n) => (
              <li key={`${n.row}-${n.code}`}>{t('import.noteLine', { row: n.row, note: t(`import.note.${n.code}`, n.params) })}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
