import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { ReceiptSummary } from '../checkout/ReceiptSummary';
import { ReceiptPreview } from '../printing/ReceiptPreview';
import { OwnerPinDialog } from '../components/OwnerPinDialog';
import { useI18n } from '../i18n/I18nProvider';
import { beepError, beepOk } from '../sound/beep';

/** Today's sales with their totals; open one, void one (the owner's PIN when the rules need it). */
export function HistoryScreen({ shopName }: { shopName: string | null }) {
  const api = useApi();
  const { t, money, time, err } = useI18n();
  const sales = useCall(() => api.listSalesToday({}));
  const [open, setOpen] = useState<CompletedSale | null>(null);
  const [ask, setAsk] = useState<{ saleId: string; error: ApiError | null } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [closing, setClosing] = useState<string | null>(null);

  // Day close: push everything to the program now and say what, if anything, is still waiting.
  const closeDay = async () => {
    setClosing(t('settle.syncing'));
    const r = await api.syncNow({});
    if (!r.ok) {
      setClosing(null);
      setError(r.error);
      return;
    }
    setClosing(r.value.pending === 0 ? t('history.closed') : t('history.closedPending', { count: r.value.pending }));
  };

  const show = async (saleId: string) => {
    const r = await api.getSale({ saleId });
    if (r.ok) setOpen(r.value);
    else setError(r.error);
  };
  const doVoid = async (saleId: string, ownerPin?: string) => {
    const r = await api.voidSale(ownerPin === undefined ? { saleId } : { saleId, ownerPin });
    if (r.ok) {
      beepOk();
      setAsk(null);
      setOpen(r.value);
      sales.reload();
      return;
    }
    beepError();
    if (r.error.code === 'void_needs_owner' || (ownerPin !== undefined && (r.error.code === 'pin_wrong' || r.error.code === 'locked_out')))
      setAsk({ saleId, error: ownerPin === undefined ? null : r.error });
    else {
      setAsk(null);
      setError(r.error);
    }
  };

  if (sales.state === 'loading') return <p className="muted">{t('common.loading')}</p>;
  if (sales.state === 'error') return <p className="error-box">{err(sales.error)}</p>;
  const live = sales.value.filter((s) => !s.voidedAt);
  const sum = (k: 'voucherPaidFen' | 'otherTenderFen' | 'forfeitedFen') => live.reduce((a, s) => a + s.totals[k], 0);
  return (
    <section className="panel wide" aria-labelledby="history-title">
      <h1 id="history-title">{t('history.title')}</h1>
      <p data-testid="history-summary">
        {t('history.summary', {
          count: live.length,
          voucher: money(sum('voucherPaidFen')),
          other: money(sum('otherTenderFen')),
          forfeited: money(sum('forfeitedFen')),
        })}
      </p>
      <div className="actions">
        <button type="button" onClick={() => void closeDay()} data-testid="close-day">
          {t('history.closeDay')}
        </button>
        {closing && <span data-testid="close-day-result">{closing}</span>}
      </div>
      {error && <p className="error-box">{err(error)}</p>}
      {sales.value.length === 0 ? (
        <p className="muted">{t('history.none')}</p>
      ) : (
        <table className="history" data-testid="history">
          <thead>
            <tr>
              <th>{t('history.time')}</th>
              <th>{t('history.cashier')}</th>
              <th className="num">{t('totals.basket')}</th>
              <th className="num">{t('totals.voucher')}</th>
              <th className="num">{t('totals.other')}</th>
              <th>{t('history.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sales.value.map((s) => (
              <tr key={s.saleId} className={s.voidedAt ? 'voided' : ''} data-testid="history-row">
                <td>{time(s.createdAt)}</td>
                <td>{s.cashierName}</td>
                <td className="num">{money(s.totals.basketFen)}</td>
                <td className="num">{money(s.totals.voucherPaidFen)}</td>
                <td className="num">{money(s.totals.otherTenderFen)}</td>
                <td>{s.voidedAt ? t('history.voided') : t('history.done')}</td>
                <td className="row-actions">
                  <button type="button" className="small-btn" onClick={() => void show(s.saleId)}>
                    {t('history.view')}
                  </button>
                  {!s.voidedAt && (
                    <button type="button" className="small-btn danger" onClick={() => void doVoid(s.saleId)} data-testid="history-void">
                      {s.voidableBySelf ? t('history.void') : t('history.voidOwner')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <div className="history-receipt">
          <div className="done-grid">
            <ReceiptSummary sale={open} shopName={shopName} />
            <ReceiptPreview key={`${open.saleId}-${open.voidedAt ?? ''}`} saleId={open.saleId} />
          </div>
          <button type="button" onClick={() => setOpen(null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      {ask && (
        <OwnerPinDialog
          reason={t('owner.voidReason')}
          error={ask.error}
          onPin={(pin) => void doVoid(ask.saleId, pin)}
          onCancel={() => setAsk(null)}
        />
      )}
    </section>
  );
}
