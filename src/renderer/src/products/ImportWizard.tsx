import { useRef, useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { ImportPreview, ImportResult } from '../../../shared/api/schemas/catalogImport';
import { useApi } from '../api/ApiContext';
import { saveFile } from '../backoffice/download';
import { useI18n } from '../i18n/I18nProvider';
import { isApiError, readPickedFile, type PickedFile } from './fileData';
import { ImportChanges, ImportErrors } from './ImportIssues';
import { ImportProgressBar } from './ImportProgressBar';
import { ImportReview, type ImportOptions } from './ImportReview';

const FRESH: ImportOptions = { encoding: 'auto', headerRow: null, mapping: null, categoryMap: {} };

/**
 * Loading the shop's product list: pick the file (.xlsx, .xls, .csv), check what core read (columns,
 * encoding, categories, every row's verdict), import the good rows in one go, then see what was
 * skipped and why, and download that list to fix it in Excel.
 */
export function ImportWizard({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const { t, err } = useI18n();
  const [file, setFile] = useState<PickedFile | null>(null);
  const [options, setOptions] = useState<ImportOptions>(FRESH);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const request = (f: PickedFile, o: ImportOptions) => ({ file: f, ...o });

  // The owner may change two things quickly: only the answer to the latest change is shown.
  const latest = useRef(0);
  const check = async (f: PickedFile, o: ImportOptions) => {
    const mine = ++latest.current;
    setBusy(true);
    setOptions(o);
    const r = await api.previewImport(request(f, o));
    if (mine !== latest.current) return;
    setBusy(false);
    setError(r.ok ? null : r.error);
    if (r.ok) setPreview(r.value);
  };
  const pick = async (picked: File | undefined) => {
    if (!picked) return;
    setResult(null);
    setPreview(null);
    const read = await readPickedFile(picked);
    if (isApiError(read)) return setError(read);
    setFile(read);
    await check(read, FRESH);
  };
  const commit = async () => {
    if (!file || busy) return;
    setBusy(true);
    const r = await api.commitImport(request(file, options));
    setBusy(false);
    setError(r.ok ? null : r.error);
    if (r.ok) setResult(r.value);
  };
  const download = async (format: 'xlsx' | 'csv') => {
    if (!file) return;
    const r = await api.exportImportErrors({ ...request(file, options), format });
    if (r.ok) saveFile(r.value);
    else setError(r.error);
  };

  const importable = preview ? preview.totals.creates + preview.totals.updates : 0;
  return (
    <section className="panel import" aria-labelledby="import-title" data-testid="import-wizard">
      <div className="products-bar">
        <h1 id="import-title">{t('import.title')}</h1>
        <button type="button" onClick={onClose} data-testid="import-close">
          {t(result ? 'import.finish' : 'common.back')}
        </button>
      </div>

      {!result && (
        <div className={preview ? 'import-drop compact' : 'import-drop'}>
          {!preview && <p>{t('import.intro')}</p>}
          <input
            type="file"
            accept=".xlsx,.xls,.csv,.txt"
            aria-label={t('import.pick')}
            disabled={busy}
            onChange={(e) => void pick(e.target.files?.[0])}
            data-testid="import-file"
          />
          {!preview && <p className="muted small">{t('import.pickHint')}</p>}
        </div>
      )}
      {busy && <ImportProgressBar />}
      {error && (
        <p className="error-box" role="alert" data-testid="import-error">
          {err(error)}
        </p>
      )}

      {preview && file && !result && (
        <>
          <p data-testid="import-file-info">
            {t('import.fileInfo', {
              name: file.fileName,
              format: preview.format.toUpperCase(),
              sheet: preview.sheetName ?? '—',
              row: preview.headerRow ?? '—',
            })}
            {preview.mappingSource === 'remembered' && <span className="muted">{` ${t('import.remembered')}`}</span>}
          </p>
          <ImportReview preview={preview} options={options} onChange={(o) => void check(file, o)} />
          {preview.missingFields.length === 0 && (
            <>
              <div className="import-totals" data-testid="import-totals">
                <span>{t('import.totals.rows', { count: preview.totals.rows })}</span>
                <span className="good">{t('import.totals.creates', { count: preview.totals.creates })}</span>
                <span className="good">{t('import.totals.updates', { count: preview.totals.updates })}</span>
                <span className={preview.totals.errors ? 'bad' : undefined}>
                  {t('import.totals.errors', { count: preview.totals.errors })}
                </span>
                {preview.totals.blank > 0 && <span className="muted">{t('import.totals.blank', { count: preview.totals.blank })}</span>}
              </div>
              <ImportChanges updates={preview.updates} notes={preview.notes} total={preview.totals.updates} />
              <ImportErrors errors={preview.errors} total={preview.totals.errors} onDownload={(f) => void download(f)} />
            </>
          )}
          <div className="import-actions">
            <button
              type="button"
              className="primary big"
              disabled={busy || importable === 0}
              onClick={() => void commit()}
              data-testid="import-commit"
            >
              {preview.totals.errors > 0
                ? t('import.commitSkipping', { count: importable, skipped: preview.totals.errors })
                : t('import.commit', { count: importable })}
            </button>
          </div>
        </>
      )}

      {result && (
        <>
          <p className="import-totals" role="status" data-testid="import-result">
            <span className="good">{t('import.done', { created: result.created, updated: result.updated })}</span>
            {result.skipped > 0 && <span className="bad">{t('import.doneSkipped', { count: result.skipped })}</span>}
          </p>
          <ImportErrors errors={result.errors} total={result.skipped} onDownload={(f) => void download(f)} />
        </>
      )}
    </section>
  );
}
