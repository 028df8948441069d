import type { ApiError } from '../../../shared/api/errors';
import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import { useI18n } from '../i18n/I18nProvider';
import { ReceiptPreview } from '../printing/ReceiptPreview';
import { ReceiptSummary } from './ReceiptSummary';
import type { VoidFlow } from './useVoidFlow';
import { VoidLastButton, VoidOwnerDialog } from './VoidFlow';

/**
 * The checkout once a sale is recorded: its receipt, "next customer" and voiding it. Kept apart
 * from CheckoutScreen so the counter's layout and the finished sale's each read on their own.
 */
export function SaleDone({
  completed,
  voids,
  notice,
  shopName,
  onNewSale,
}: {
  completed: CompletedSale;
  voids: VoidFlow;
  notice: ApiError | null;
  shopName: string | null;
  onNewSale: () => void;
}) {
  const { t, err } = useI18n();
  const lastSale = voids.lastSale;
  return (
    <div className="checkout done">
      <div className="done-grid">
        {/* After a void, lastSale is the same sale with voidedAt set. */}
        <ReceiptSummary sale={lastSale?.saleId === completed.saleId ? lastSale : completed} shopName={shopName} />
        <ReceiptPreview key={`${completed.saleId}-${lastSale?.voidedAt ?? ''}`} saleId={completed.saleId} />
      </div>
      <div className="actions">
        <button type="button" className="primary big" onClick={onNewSale} data-testid="new-sale" autoFocus>
          {t('checkout.newSale')}
        </button>
        <VoidLastButton flow={voids} onReceipt />
      </div>
      {notice && (
        <p className="error-box" role="alert">
          {err(notice)}
        </p>
      )}
      <VoidOwnerDialog flow={voids} />
    </div>
  );
}
