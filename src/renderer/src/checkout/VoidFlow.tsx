import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import { Modal } from '../components/Modal';
import { OwnerPinDialog } from '../components/OwnerPinDialog';
import { useI18n } from '../i18n/I18nProvider';
import { VoucherCode } from './VoucherCode';
import type { VoidFlow } from './useVoidFlow';

/**
 * The void flow's pieces on screen (the state is in useVoidFlow.ts): the "void last sale" button,
 * shown only while the last sale stands; the confirmation that says what will be reversed; and the
 * owner's PIN dialog when core asks for it.
 */
export function VoidLastButton({ flow, onReceipt }: { flow: VoidFlow; onReceipt: boolean }) {
  const { t } = useI18n();
  const sale = flow.lastSale;
  if (onReceipt) {
    if (sale?.voidedAt) return null;
    return (
      <button type="button" className="danger big" onClick={() => flow.ask()} data-testid="void-last">
        {t('checkout.voidLast')}
      </button>
    );
  }
  if (!sale || sale.voidedAt) return null;
  return (
    <button type="button" className="link" onClick={() => flow.ask()} data-testid="void-last">
      {t('checkout.voidLastShort', { no: sale.saleId.slice(0, 8).toUpperCase() })}
    </button>
  );
}

export function VoidDialogs({ flow }: { flow: VoidFlow }) {
  const { t } = useI18n();
  const request = flow.request;
  if (!request) return null;
  if (request.step === 'owner') {
    return (
      <OwnerPinDialog
        reason={t('owner.voidReason')}
        error={request.error}
        onPin={(pin) => void flow.confirm(pin)}
        onCancel={() => flow.cancel()}
      />
    );
  }
  return <VoidConfirmDialog sale={request.sale} busy={request.busy} onConfirm={() => void flow.confirm()} onCancel={flow.cancel} />;
}

/** What a void reverses, said before anything is reversed: each voucher gets its amount back; the rest is the shop's to refund. */
function VoidConfirmDialog({
  sale,
  busy,
  onConfirm,
  onCancel,
}: {
  sale: CompletedSale;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t, money, time, locale } = useI18n();
  return (
    <Modal
      title={t('void.title')}
      onConfirm={onConfirm}
      onCancel={onCancel}
      testId="void-confirm"
      actions={
        <button type="button" className="primary danger-fill" onClick={onConfirm} disabled={busy} data-testid="void-ok">
          {t('void.ok')}
        </button>
      }
    >
      <p className="muted">
        {t('receipt.no', { no: sale.saleId.slice(0, 8).toUpperCase() })} · {time(sale.createdAt)} ·{' '}
        {t('receipt.cashier', { name: sale.cashier.name })}
      </p>
      <ul className="void-vouchers" data-testid="void-vouchers">
        {sale.vouchers.map((v) => (
          <li key={v.voucherId}>
            <span>
              {locale === 'en' ? v.campaignName.en : v.campaignName.zh} <VoucherCode voucher={v} />
            </span>
            <strong>{t('void.backToVoucher', { amount: money(v.usedFen + v.forfeitedFen) })}</strong>
          </li>
        ))}
      </ul>
      <p className="small muted">{sale.lines.map((l) => `${l.name} ×${l.quantity}`).join(locale === 'en' ? ', ' : '、')}</p>
      <dl className="sums">
        <dt>{t('totals.voucher')}</dt>
        <dd className="big good" data-testid="void-voucher-total">
          {money(sale.totals.voucherPaidFen)}
        </dd>
        <dt>{t('void.refundOther')}</dt>
        <dd className="big" data-testid="void-other-total">
          {money(sale.totals.otherTenderFen)}
        </dd>
      </dl>
      <p className="warn-text">{t('void.explain')}</p>
    </Modal>
  );
}
