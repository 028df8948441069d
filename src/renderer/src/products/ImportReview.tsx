import {
  IMPORT_ENCODINGS,
  IMPORT_FIELDS,
  MAX_HEADER_ROW,
  REQUIRED_IMPORT_FIELDS,
  type CategoryMap,
  type ColumnMapping,
  type ImportEncoding,
  type ImportPreview,
} from '../../../shared/api/schemas/catalogImport';
import { CATEGORIES, type Category } from '../../../shared/domain/categories';
import { useI18n } from '../i18n/I18nProvider';

export interface ImportOptions {
  encoding: ImportEncoding;
  headerRow: number | null;
  mapping: ColumnMapping | null;
  categoryMap: CategoryMap;
}

/**
 * What core made of the file, for the owner to correct: the encoding (text files), the header row,
 * which column is which, the first rows, and the shop's category names against the program's.
 */
export function ImportReview({
  preview,
  options,
  onChange,
}: {
  preview: ImportPreview;
  options: ImportOptions;
  onChange: (next: ImportOptions) => void;
}) {
  const { t } = useI18n();
  const setField = (field: (typeof IMPORT_FIELDS)[number], col: number | null) => {
    const mapping = { ...preview.mapping };
    // One column serves one field.
    if (col !== null) for (const f of IMPORT_FIELDS) if (mapping[f] === col) mapping[f] = null;
    mapping[field] = col;
    onChange({ ...options, mapping });
  };
  const fieldOf = (col: number) => IMPORT_FIELDS.find((f) => preview.mapping[f] === col);
  const mapCategory = (label: string, c: Category | '') => {
    const categoryMap = { ...options.categoryMap };
    if (c) categoryMap[label] = c;
    else delete categoryMap[label];
    onChange({ ...options, categoryMap });
  };

  return (
    <>
      <div className="form inline">
        {preview.encoding !== null && (
          <label>
            {t('import.encoding')}
            <select
              value={options.encoding}
              onChange={(e) => onChange({ ...options, encoding: e.target.value as ImportEncoding, mapping: null })}
              data-testid="import-encoding"
            >
              {IMPORT_ENCODINGS.map((enc) => (
                <option key={enc} value={enc}>
                  {enc === 'auto'
                    ? t('import.encoding.auto', { found: t(`import.encoding.${preview.encoding ?? 'utf8'}`) })
                    : t(`import.encoding.${enc}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('import.headerRow')}
          <select
            value={options.headerRow ?? ''}
            onChange={(e) => onChange({ ...options, headerRow: e.target.value ? Number(e.target.value) : null, mapping: null })}
            data-testid="import-header-row"
          >
            <option value="">{t('import.headerRow.auto', { row: preview.headerRow ?? '—' })}</option>
            {Array.from({ length: MAX_HEADER_ROW }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {t('import.headerRow.n', { row: n })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {preview.headerRow === null && <p className="warn-box">{t('import.noHeader')}</p>}

      <h2>{t('import.columns')}</h2>
      <div className="mapping">
        {IMPORT_FIELDS.map((f) => {
          const required = REQUIRED_IMPORT_FIELDS.includes(f);
          return (
            <label key={f} className={preview.missingFields.includes(f) ? 'missing' : undefined}>
              {t(`import.field.${f}`)}
              {required ? ' *' : ''}
              <select
                value={preview.mapping[f] ?? ''}
                onChange={(e) => setField(f, e.target.value === '' ? null : Number(e.target.value))}
                data-testid={`map-${f}`}
              >
                <option value="">{t('import.noColumn')}</option>
                {preview.headers.map((h, i) => (
                  <option key={i} value={i}>
                    {h}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
      </div>
      {preview.missingFields.length > 0 && (
        <p className="error-box" role="alert" data-testid="import-missing">
          {t('import.missing', { fields: preview.missingFields.map((f) => t(`import.field.${f}`)).join('、') })}
        </p>
      )}

      <div className="import-sample">
        <table data-testid="import-sample">
          <thead>
            <tr>
              <th>{t('import.col.row')}</th>
              {preview.headers.map((h, i) => {
                const f = fieldOf(i);
                return (
                  <th key={i} className={f ? 'mapped' : undefined}>
                    {h}
                    {f && <span className="muted small">{` → ${t(`import.field.${f}`)}`}</span>}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {preview.sample.map((s) => (
              <tr key={s.row}>
                <td>{s.row}</td>
                {s.cells.map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {preview.categories.length > 0 && (
        <>
          <h2>{t('import.categories')}</h2>
          <p className="muted small">{t('import.categoriesHint')}</p>
          <div className="import-list">
            <table data-testid="import-categories">
              <thead>
                <tr>
                  <th>{t('import.shopCategory')}</th>
                  <th className="num">{t('import.rows')}</th>
                  <th>{t('import.programCategory')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.categories.map((c) => (
                  <tr key={c.label} className={c.category ? undefined : 'unmapped'}>
                    <td>{c.label || t('import.blankLabel')}</td>
                    <td className="num">{c.rows}</td>
                    <td>
                      <select
                        value={options.categoryMap[c.label] ?? c.category ?? ''}
                        onChange={(e) => mapCategory(c.label, e.target.value as Category | '')}
                        aria-label={c.label || t('import.blankLabel')}
                        data-testid={`catmap-${c.label}`}
                      >
                        <option value="">{t('import.unmapped')}</option>
                        {CATEGORIES.map((k) => (
                          <option key={k} value={k}>
                            {t(`category.${k}`)}
                          </option>
                        ))}
                      </select>
                      {c.source && c.source !== 'owner' && <span className="muted small">{` ${t('import.autoMapped')}`}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
