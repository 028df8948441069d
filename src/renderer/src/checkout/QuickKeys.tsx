import type { Item } from '../../../shared/api/schemas/catalog';
import { useI18n } from '../i18n/I18nProvider';

/** One-touch buttons for the catalogue items marked as quick keys (goods without a barcode, such as a haircut). */
export function QuickKeys({ keys, onPick }: { keys: Item[]; onPick: (item: Item) => void }) {
  const { t, money } = useI18n();
  if (keys.length === 0) return null;
  return (
    <div className="quick-keys" aria-label={t('checkout.quickKeys')}>
      {keys.map((k) => (
        <button key={k.id} type="button" onClick={() => onPick(k)} data-testid={`quick-${k.name}`}>
          <span>{k.name}</span>
          <span className="muted small">{money(k.priceFen)}</span>
        </button>
      ))}
    </div>
  );
}
