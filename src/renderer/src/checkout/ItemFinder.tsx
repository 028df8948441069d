import { useEffect, useState, type FormEvent } from 'react';
import type { PosApi } from '../../../shared/api/client';
import type { ApiError } from '../../../shared/api/errors';
import type { Item } from '../../../shared/api/schemas/catalog';
import { CATEGORIES, type Category } from '../../../shared/domain/categories';
import { parseYuan } from '../../../shared/domain/money';
import { Modal } from '../components/Modal';
import { useI18n } from '../i18n/I18nProvider';

/**
 * Find an item by name, or, for an unknown barcode, add it on the spot (owner only: core refuses
 * anyone else, the form is just not offered to them).
 */
export function ItemFinder({
  api,
  unknownCode,
  isOwner,
  onPick,
  onClose,
}: {
  api: PosApi;
  unknownCode: string | null;
  isOwner: boolean;
  onPick: (item: Item) => void;
  onClose: () => void;
}) {
  const { t, money, err } = useI18n();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Item[]>([]);
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [price, setPrice] = useState('');
  const [unit, setUnit] = useState('个');
  const [category, setCategory] = useState<Category>('other');
  const [error, setError] = useState<ApiError | string | null>(null);

  useEffect(() => {
    let cancelled = false;
    if (!query.trim()) return undefined;
    void api.searchItems({ query }).then((r) => !cancelled && r.ok && setResults(r.value));
    return () => {
      cancelled = true;
    };
  }, [api, query]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const fen = parseYuan(price);
    if (fen === null) return setError(t('item.badPrice'));
    const r = await api.saveItem({ name, priceFen: fen, unit, category, quickKey: false, barcodes: unknownCode ? [unknownCode] : [] });
    if (r.ok) onPick(r.value);
    else setError(r.error);
  };

  return (
    <Modal title={unknownCode ? t('finder.unknown', { code: unknownCode }) : t('finder.title')} onCancel={onClose} testId="item-finder">
      {!adding && (
        <>
          <input
            autoFocus
            placeholder={t('finder.search')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="finder-query"
          />
          <ul className="finder-results">
            {(query.trim() ? results : []).map((item) => (
              <li key={item.id}>
                <button type="button" onClick={() => onPick(item)}>
                  {item.name} · {money(item.priceFen)} · {t(`category.${item.category}`)}
                </button>
              </li>
            ))}
          </ul>
          {isOwner && unknownCode && (
            <button type="button" onClick={() => setAdding(true)} data-testid="finder-add">
              {t('finder.add')}
            </button>
          )}
          {!isOwner && unknownCode && <p className="muted">{t('finder.askOwner')}</p>}
        </>
      )}
      {adding && (
        <form className="form" onSubmit={(e) => void add(e)}>
          <label>
            {t('item.name')}
            <input autoFocus value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} data-testid="item-name" />
          </label>
          <label>
            {t('item.price')}
            <input value={price} onChange={(e) => setPrice(e.target.value)} required inputMode="decimal" data-testid="item-price" />
          </label>
          <label>
            {t('item.unit')}
            <input value={unit} onChange={(e) => setUnit(e.target.value)} required maxLength={8} />
          </label>
          <label>
            {t('item.category')}
            <select value={category} onChange={(e) => setCategory(e.target.value as Category)} data-testid="item-category">
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`category.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" data-testid="item-save">
            {t('item.save')}
          </button>
        </form>
      )}
      {error && <p className="error-box">{typeof error === 'string' ? error : err(error)}</p>}
    </Modal>
  );
}
