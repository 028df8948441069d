import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { Product } from '../../../shared/api/schemas/catalog';
import { CATEGORIES, type Category } from '../../../shared/domain/categories';
import { parseYuan } from '../../../shared/domain/money';
import { useApi } from '../api/ApiContext';
import { Modal } from '../components/Modal';
import { useI18n } from '../i18n/I18nProvider';

/**
 * Add or edit one item: name, spec, price, unit, category, barcodes (several, or none for a service)
 * and whether it is a quick key. Core checks everything again (check digits, a barcode already taken).
 */
export function ProductEditor({ product, onDone, onCancel }: { product: Product | null; onDone: () => void; onCancel: () => void }) {
  const api = useApi();
  const { t, err } = useI18n();
  const [name, setName] = useState(product?.name ?? '');
  const [spec, setSpec] = useState(product?.spec ?? '');
  const [price, setPrice] = useState(product ? (product.priceFen / 100).toFixed(2) : '');
  const [unit, setUnit] = useState(product?.unit ?? '个');
  const [category, setCategory] = useState<Category>(product?.category ?? 'other');
  const [codes, setCodes] = useState(product?.barcodes.join(' ') ?? '');
  const [quickKey, setQuickKey] = useState(product?.quickKey ?? false);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    if (saving) return;
    const fen = parseYuan(price);
    if (fen === null) return setError(t('item.badPrice'));
    if (!name.trim()) return setError(t('products.nameRequired'));
    const barcodes = codes
      .split(/[\s,，、;；]+/)
      .map((c) => c.trim())
      .filter(Boolean);
    setSaving(true);
    const r = await api.saveItem({
      ...(product ? { id: product.id } : {}),
      name,
      spec,
      priceFen: fen,
      unit: unit.trim() || '个',
      category,
      quickKey,
      barcodes,
    });
    setSaving(false);
    if (r.ok) onDone();
    else setError(r.error);
  };

  return (
    <Modal
      title={t(product ? 'products.editTitle' : 'products.addTitle')}
      onCancel={onCancel}
      onConfirm={() => void save()}
      testId="product-editor"
      actions={
        <button type="button" className="primary" onClick={() => void save()} disabled={saving} data-testid="product-save">
          {t('products.save')}
        </button>
      }
    >
      <form
        className="product-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="full-row">
          {t('products.col.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} autoFocus data-testid="product-name" />
        </label>
        <label>
          {t('products.col.spec')}
          <input value={spec} onChange={(e) => setSpec(e.target.value)} maxLength={40} data-testid="product-spec" />
        </label>
        <label>
          {t('products.col.unit')}
          <input value={unit} onChange={(e) => setUnit(e.target.value)} maxLength={8} data-testid="product-unit" />
        </label>
        <label>
          {t('item.price')}
          <input value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" data-testid="product-price" />
        </label>
        <label>
          {t('products.col.category')}
          <select value={category} onChange={(e) => setCategory(e.target.value as Category)} data-testid="product-category">
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="full-row">
          {t('products.barcodes')}
          <input
            value={codes}
            onChange={(e) => setCodes(e.target.value)}
            placeholder={t('products.barcodesHint')}
            className="code"
            data-testid="product-barcodes"
          />
        </label>
        <label className="check full-row">
          <input type="checkbox" checked={quickKey} onChange={(e) => setQuickKey(e.target.checked)} data-testid="product-quick" />
          {t('products.quickKeyLabel')}
        </label>
        {error && (
          <p className="error-box full-row" role="alert" data-testid="product-error">
            {typeof error === 'string' ? error : err(error)}
          </p>
        )}
        {/* Enter in a field submits; the visible buttons sit in the dialog's action bar. */}
        <button type="submit" hidden />
      </form>
    </Modal>
  );
}
