import { useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { Product } from '../../../shared/api/schemas/catalog';
import { MAX_QUICK_KEYS, SHOP_TYPES, type ShopType } from '../../../shared/domain/shopTypes';
import { useApi } from '../api/ApiContext';
import { Modal } from '../components/Modal';
import { useI18n } from '../i18n/I18nProvider';

/**
 * Quick keys for the kind of shop: choose the type (mother-and-baby shop, barber …), see the items
 * suggested for it next to today's keys, tick what should be a key, save.
 */
export function QuickKeysDialog({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const api = useApi();
  const { t, err, money } = useI18n();
  // The type the owner picks here; until then, the shop's stored type (if any).
  const [choice, setChoice] = useState<ShopType | null>(null);
  const [stored, setStored] = useState<ShopType | null>(null);
  const shopType = choice ?? stored;
  const [items, setItems] = useState<Product[]>([]);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    void api.getQuickKeyPlan({ shopType: choice }).then((r) => {
      if (cancelled) return;
      if (!r.ok) return setError(r.error);
      const { current, suggested } = r.value;
      if (choice === null) setStored(r.value.shopType);
      // A type just picked shows its suggestion ticked; opening the dialog shows today's keys ticked.
      const ticked = choice === null ? current : suggested;
      const seen = new Set<number>();
      setItems([...suggested, ...current].filter((p) => !seen.has(p.id) && seen.add(p.id)));
      setChosen(new Set(ticked.map((p) => p.id)));
    });
    return () => {
      cancelled = true;
    };
  }, [api, choice]);

  const toggle = (id: number) =>
    setChosen((s) => {
      const next = new Set(s);
      if (!next.delete(id) && next.size < MAX_QUICK_KEYS) next.add(id);
      return next;
    });
  const save = async () => {
    if (!shopType) return;
    const r = await api.saveQuickKeys({ shopType, itemIds: items.filter((p) => chosen.has(p.id)).map((p) => p.id) });
    if (r.ok) onDone();
    else setError(r.error);
  };

  return (
    <Modal
      title={t('quickKeys.title')}
      onCancel={onCancel}
      wide
      testId="quick-keys-dialog"
      actions={
        <button type="button" className="primary" disabled={!shopType} onClick={() => void save()} data-testid="quick-keys-save">
          {t('quickKeys.save', { count: chosen.size })}
        </button>
      }
    >
      <label className="form">
        {t('quickKeys.shopType')}
        <select
          value={shopType ?? ''}
          onChange={(e) => setChoice(e.target.value ? (e.target.value as ShopType) : null)}
          data-testid="quick-keys-type"
        >
          <option value="">{t('quickKeys.chooseType')}</option>
          {SHOP_TYPES.map((s) => (
            <option key={s} value={s}>
              {t(`shopType.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">{t('quickKeys.hint', { max: MAX_QUICK_KEYS })}</p>
      {items.length === 0 ? (
        <p className="muted">{t('quickKeys.none')}</p>
      ) : (
        <ul className="quick-plan" data-testid="quick-keys-list">
          {items.map((p) => (
            <li key={p.id}>
              <label className="check">
                <input type="checkbox" checked={chosen.has(p.id)} onChange={() => toggle(p.id)} data-testid={`quick-plan-${p.name}`} />
                {p.name} <span className="muted small">{money(p.priceFen)}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="error-box" role="alert">
          {err(error)}
        </p>
      )}
    </Modal>
  );
}
