import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { Product } from '../../../shared/api/schemas/catalog';
import { ELIGIBLE_CATEGORIES, type EligibleCategory } from '../../../shared/domain/categories';
import { useApi } from '../api/ApiContext';
import { Modal } from '../components/Modal';
import { useI18n } from '../i18n/I18nProvider';

/**
 * The owner asks the program to let vouchers pay for an item it has not listed: goods without a
 * barcode, a service (儿童理发 ￥20), a barcode the program's list lacks. It goes with the next sync;
 * the Products screen shows the program's answer in the item's 项目资格 column.
 */
export function ProposeDialog({ product, onDone, onCancel }: { product: Product; onDone: () => void; onCancel: () => void }) {
  const api = useApi();
  const { t, err, money } = useI18n();
  const own = (ELIGIBLE_CATEGORIES as readonly string[]).includes(product.category) ? (product.category as EligibleCategory) : null;
  const [category, setCategory] = useState<EligibleCategory | ''>(own ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const send = async () => {
    if (!category) return;
    const r = await api.proposeItem({ itemId: product.id, category, note: note.trim() || null });
    if (r.ok) onDone();
    else setError(r.error);
  };
  return (
    <Modal
      title={t('propose.title', { name: product.name })}
      onConfirm={() => void send()}
      onCancel={onCancel}
      testId="propose-dialog"
      actions={
        <button type="button" className="primary" disabled={!category} onClick={() => void send()} data-testid="propose-send">
          {t('propose.send')}
        </button>
      }
    >
      <p>{t('propose.explain', { price: money(product.priceFen) })}</p>
      <label className="field">
        <span>{t('propose.category')}</span>
        <select value={category} onChange={(e) => setCategory(e.target.value as EligibleCategory | '')} data-testid="propose-category">
          <option value="">{t('propose.pickCategory')}</option>
          {ELIGIBLE_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`category.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('propose.note')}</span>
        <input
          value={note}
          maxLength={200}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('propose.notePlaceholder')}
          data-testid="propose-note"
        />
      </label>
      {error && (
        <p className="error-box" role="alert">
          {err(error)}
        </p>
      )}
    </Modal>
  );
}
