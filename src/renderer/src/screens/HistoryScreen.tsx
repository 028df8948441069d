import { useCallback, useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { ReceiptSummary } from '../checkout/ReceiptSummary';
import { useVoidFlow } from '../checkout/useVoidFlow';
import { VoidDialogs } from '../checkout/VoidFlow';
import { Modal } from '../components/Modal';
import { useI18n } from '../i18n/I18nProvider';
import { ReceiptPreview } from '../printing/ReceiptPreview';

/**
 * Today's sales with their totals; open one (its summary beside the receipt as printed, in a
 * dialog wide enough for both), void one: a confirmation showing what will be reversed first, then
 * the owner's PIN when the rules need it.
 */
export function HistoryScreen({ shopName }: { shopName: string | null }) {
  const api = useApi();
  const { t, money, time, err } = useI18n();
  const sales = useCall(() => api.listSalesToday({}));
  const [open, setOpen] = useState<CompletedSale | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [closing, setClosing] = useState<string | null>(null);
  const reload = sales.reload;
  const onVoided = useCallback(
    (sale: CompletedSale) => {
      setOpen((o) => (o ? sale : o));
      reload();
    },
    [reload],
  );
  const voids = useVoidFlow(api, setError, onVoided);

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

  const fetchSale = async (saleId: string): Promise<CompletedSale | null> => {
    const r = await api.getSale({ saleId });
    if (r.ok) return r.value;
    setError(r.error);
    return null;
  };
  const show = async (saleId: string) => {
    const sale = await fetchSale(saleId);
    if (sale) setOpen(sale);
  };
  const askVoid = async (saleId: string) => {
    const sale = await fetchSale(saleId);
    if (sale) voids.ask(sale);
  };

  if (sales.state === 'loading') return <p className="muted">{t('common.loading')}</p>;
  if (sales.state === 'error') return <p className="error-box">{err(sales.error)}</p>;
  const live = sales.value.filter((s) => !s.voidedAt);
  const sum = (k: 'voucherPaidFen' | 'otherTenderFen' | 'forfeitedFen') => live.reduce((a, s) => a + s.totals[k], 0);
  return (
    <section className="panel wide" aria-labelledby="history-title">
      <div className="panel-head">
        <h1 id="history-title">{t('history.title')}</h1>
        <button type="button" className="primary" onClick={() => void closeDay()} data-testid="close-day">
          {t('history.closeDay')}
        </button>
      </div>
      <p data-testid="history-summary">
        {t('history.summary', {
          count: live.length,
          voucher: money(sum('voucherPaidFen')),
          other: money(sum('otherTenderFen')),
          forfeited: money(sum('forfeitedFen')),
        })}
      </p>
      {closing && <p data-testid="close-day-result">{closing}</p>}
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
                  <button type="button" className="small-btn" onClick={() => void show(s.saleId)} data-testid="history-view">
                    {t('history.view')}
                  </button>
                  {!s.voidedAt && (
                    <button type="button" className="small-btn danger" onClick={() => void askVoid(s.saleId)} data-testid="history-void">
                      {s.voidableBySelf ? t('history.void') : t('history.voidOwner')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && !voids.request && (
        <Modal
          title={t('history.detail', { no: open.saleId.slice(0, 8).toUpperCase() })}
          onCancel={() => setOpen(null)}
          cancelLabel={t('common.close')}
          wide
          testId="sale-detail"
          actions={
            !open.voidedAt && (
              <button type="button" className="danger" onClick={() => voids.ask(open)} data-testid="detail-void">
                {t('history.void')}
              </button>
            )
          }
        >
          <div className="done-grid detail-grid">
            <ReceiptSummary sale={open} shopName={shopName} />
            <ReceiptPreview key={`${open.saleId}-${open.voidedAt ?? ''}`} saleId={open.saleId} />
          </div>
        </Modal>
      )}
      <VoidDialogs flow={voids} />
    </section>
  );
}
