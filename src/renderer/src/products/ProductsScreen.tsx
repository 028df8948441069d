import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import { PRODUCT_FILTERS, type Product, type ProductList } from '../../../shared/api/schemas/catalog';
import { CATEGORIES, type Category } from '../../../shared/domain/categories';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { saveFile } from '../backoffice/download';
import { useI18n } from '../i18n/I18nProvider';
import { ImportWizard } from './ImportWizard';
import { ProductEditor } from './ProductEditor';
import { ProposeDialog } from './ProposeDialog';
import { QuickKeysDialog } from './QuickKeysDialog';
import './products.css';

const PAGE = 50;
type Filter = (typeof PRODUCT_FILTERS)[number];

/**
 * The owner's product list: search (name, pinyin initials, barcode), add, edit, retire and bring
 * back items, quick keys per kind of shop, the import of the shop's own list and the export. Each
 * item shows whether the program will pay for it (its eligibility).
 */
export function ProductsScreen() {
  const api = useApi();
  const { t, err, money } = useI18n();
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<Filter>('active');
  const [category, setCategory] = useState<Category | null>(null);
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<ProductList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [proposing, setProposing] = useState<Product | null>(null);
  const lists = useCall(() => api.getProgramLists({}));
  const [view, setView] = useState<'list' | 'import' | 'quick'>('list');
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);

  useEffect(() => {
    let cancelled = false;
    void api.listProducts({ query, filter, category, offset, limit: PAGE }).then((r) => {
      if (cancelled) return;
      if (r.ok) setList(r.value);
      setError(r.ok ? null : r.error);
    });
    return () => {
      cancelled = true;
    };
  }, [api, query, filter, category, offset, reloads]);

  const exportAs = async (format: 'xlsx' | 'csv') => {
    const r = await api.exportCatalog({ format });
    if (r.ok) saveFile(r.value);
    else setError(r.error);
  };
  const retire = async (p: Product) => {
    const r = await api.setItemRetired({ id: p.id, retired: p.active });
    if (!r.ok) return setError(r.error);
    reload();
  };
  const toggleQuick = async (p: Product) => {
    const { id, name, priceFen, unit, category: c, barcodes, spec } = p;
    const r = await api.saveItem({ id, name, priceFen, unit, category: c, barcodes, spec, quickKey: !p.quickKey });
    if (!r.ok) return setError(r.error);
    reload();
  };

  if (view === 'import')
    return (
      <ImportWizard
        onClose={() => {
          setView('list');
          reload();
        }}
      />
    );

  const pages = list ? Math.max(1, Math.ceil(list.total / PAGE)) : 1;
  return (
    <section className="panel products" aria-labelledby="products-title" data-testid="products">
      <div className="products-bar">
        <h1 id="products-title">{t('products.title')}</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')} data-testid="product-add">
          {t('products.add')}
        </button>
        <button type="button" onClick={() => setView('import')} data-testid="import-open">
          {t('products.import')}
        </button>
        <button type="button" onClick={() => void exportAs('xlsx')} data-testid="export-catalog-xlsx">
          {t('products.exportXlsx')}
        </button>
        <button type="button" onClick={() => void exportAs('csv')} title={t('products.exportCsvHint')} data-testid="export-catalog-csv">
          {t('products.exportCsv')}
        </button>
        <button type="button" onClick={() => setView('quick')} data-testid="quick-keys-open">
          {t('products.quickKeys')}
        </button>
      </div>
      <div className="products-filter">
        <input
          type="search"
          value={query}
          placeholder={t('products.search')}
          aria-label={t('products.search')}
          onChange={(e) => {
            setQuery(e.target.value);
            setOffset(0);
          }}
          maxLength={80}
          data-testid="products-search"
        />
        <div className="segmented" role="group" aria-label={t('products.filter')}>
          {PRODUCT_FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => {
                setFilter(f);
                setOffset(0);
              }}
              data-testid={`products-filter-${f}`}
            >
              {t(`products.filter.${f}`)}
            </button>
          ))}
        </div>
        <select
          value={category ?? ''}
          aria-label={t('products.col.category')}
          onChange={(e) => {
            setCategory(e.target.value ? (e.target.value as Category) : null);
            setOffset(0);
          }}
          data-testid="products-category"
        >
          <option value="">{t('products.allCategories')}</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`category.${c}`)}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="products-total">
          {t('products.total', { count: list?.total ?? 0 })}
        </span>
        {lists.state === 'ok' && (
          <span className="muted small" data-testid="program-lists">
            {lists.value.aplVersion > 0
              ? t('products.aplInstalled', { version: lists.value.aplVersion, count: lists.value.aplEntries })
              : t('products.aplNone')}
          </span>
        )}
      </div>
      {error && (
        <p className="error-box" role="alert">
          {err(error)}
        </p>
      )}
      <div className="products-table-wrap">
        <table className="products-table" data-testid="products-table">
          <thead>
            <tr>
              <th>{t('products.col.barcode')}</th>
              <th>{t('products.col.name')}</th>
              <th>{t('products.col.spec')}</th>
              <th>{t('products.col.unit')}</th>
              <th className="num">{t('products.col.price')}</th>
              <th>{t('products.col.category')}</th>
              <th title={t('products.eligibilityHint')}>{t('products.col.eligibility')}</th>
              <th>{t('products.col.quickKey')}</th>
              <th>{t('products.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list?.rows.map((p) => (
              <tr key={p.id} className={p.active ? undefined : 'retired'} data-testid={`product-${p.id}`}>
                <td className="code">{p.barcodes.join(' ') || '—'}</td>
                <td>{p.name}</td>
                <td>{p.spec}</td>
                <td>{p.unit}</td>
                <td className="num">{money(p.priceFen)}</td>
                <td>{t(`category.${p.category}`)}</td>
                <td data-testid={`product-eligibility-${p.id}`}>
                  <span className={`eligibility ${p.eligibility.state}`}>{t(`eligibility.${p.eligibility.state}`)}</span>
                  {p.eligibility.state === 'approved' && (p.eligibility.list === 'apl' || p.eligibility.list === 'shop') && (
                    <div className="muted small">{t(`eligibility.byList.${p.eligibility.list}`)}</div>
                  )}
                  {p.eligibility.state === 'approved' && p.eligibility.listedCategory && p.eligibility.listedCategory !== p.category && (
                    <div className="muted small">
                      {t('eligibility.listedAs', { category: t(`category.${p.eligibility.listedCategory}`) })}
                    </div>
                  )}
                  {p.eligibility.state === 'refused' && p.eligibility.reason && <div className="muted small">{p.eligibility.reason}</div>}
                  {p.active && (p.eligibility.state === 'not_listed' || p.eligibility.state === 'refused') && (
                    <button type="button" className="small-btn" onClick={() => setProposing(p)} data-testid={`product-propose-${p.id}`}>
                      {t('propose.button')}
                    </button>
                  )}
                </td>
                <td>
                  {p.active && (
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={p.quickKey}
                        onChange={() => void toggleQuick(p)}
                        aria-label={t('products.col.quickKey')}
                        data-testid={`product-quick-${p.id}`}
                      />
                    </label>
                  )}
                </td>
                <td>
                  <div className="row-actions">
                    {p.active && (
                      <button type="button" onClick={() => setEditing(p)} data-testid={`product-edit-${p.id}`}>
                        {t('products.edit')}
                      </button>
                    )}
                    <button type="button" onClick={() => void retire(p)} data-testid={`product-retire-${p.id}`}>
                      {t(p.active ? 'products.retire' : 'products.restore')}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list?.rows.length === 0 && <p className="muted">{t(query ? 'products.noMatch' : 'products.empty')}</p>}
      </div>
      {pages > 1 && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('products.prev')}
          </button>
          <span>{t('products.page', { page: Math.floor(offset / PAGE) + 1, pages })}</span>
          <button type="button" disabled={offset + PAGE >= (list?.total ?? 0)} onClick={() => setOffset(offset + PAGE)}>
            {t('products.next')}
          </button>
        </div>
      )}
      {proposing && (
        <ProposeDialog
          product={proposing}
          onDone={() => {
            setProposing(null);
            reload();
          }}
          onCancel={() => setProposing(null)}
        />
      )}
      {editing && (
        <ProductEditor
          product={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {view === 'quick' && (
        <QuickKeysDialog
          onDone={() => {
            setView('list');
            reload();
          }}
          onCancel={() => setView('list')}
        />
      )}
    </section>
  );
}
