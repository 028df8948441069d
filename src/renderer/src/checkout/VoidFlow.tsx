import { useI18n } from '../i18n/I18nProvider';
import { OwnerPinDialog } from '../components/OwnerPinDialog';
import type { VoidFlow } from './useVoidFlow';

/**
 * The void flow's pieces on screen (the state is in useVoidFlow.ts): the "void last sale" button,
 * shown only while the last sale stands, and the owner's PIN dialog when core asks for it.
 */
export function VoidLastButton({ flow, onReceipt }: { flow: VoidFlow; onReceipt: boolean }) {
  const { t } = useI18n();
  const sale = flow.lastSale;
  if (onReceipt) {
    if (sale?.voidedAt) return null;
    return (
      <button type="button" className="danger" onClick={() => void flow.voidLast()} data-testid="void-last">
        {t('checkout.voidLast')}
      </button>
    );
  }
  if (!sale || sale.voidedAt) return null;
  return (
    <button type="button" className="link" onClick={() => void flow.voidLast()} data-testid="void-last">
      {t('checkout.voidLastShort', { no: sale.saleId.slice(0, 8).toUpperCase() })}
    </button>
  );
}

export function VoidOwnerDialog({ flow }: { flow: VoidFlow }) {
  const { t } = useI18n();
  if (!flow.ownerAsk) return null;
  return (
    <OwnerPinDialog
      reason={t('owner.voidReason')}
      error={flow.ownerAsk.error}
      onPin={(pin) => void flow.voidLast(pin)}
      onCancel={() => flow.cancelOwnerAsk()}
    />
  );
}
