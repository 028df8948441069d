import { useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { ZReport } from '../../../shared/api/schemas/backoffice';
import { parseYuan } from '../../../shared/domain/money';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';
import { ZReportView } from './ZReportView';

/**
 * Shift and day close (交班/日结): the float at the start, then the counted cash against what the
 * drawer should hold, and the Z-report, shown, printed and kept. Receipts or uploads still on their
 * way are named before the close, which then waits or goes ahead on the cashier's word.
 */
export function DayCloseScreen() {
  const api = useApi();
  const { t, err, money, dateTime, date, time } = useI18n();
  const shift = useCall(() => api.getShift({}), { intervalMs: 5000 });
  const [float, setFloat] = useState('');
  const [counted, setCounted] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState<ApiError | null>(null);
  const [closed, setClosed] = useState<ZReport | null>(null);
  const [printed, setPrinted] = useState(false);

  const open = async () => {
    const fen = parseYuan(float || '0');
    if (fen === null) return setError({ code: 'validation', message: '', field: 'args.openingFloatFen' });
    const r = await api.openShift({ openingFloatFen: fen });
    setError(r.ok ? null : r.error);
    shift.reload();
  };
  const close = async (confirmPending: boolean) => {
    const fen = parseYuan(counted || '0');
    if (fen === null) return setError({ code: 'validation', message: '', field: 'args.countedCashFen' });
    const r = await api.closeShift({ countedCashFen: fen, confirmPending });
    if (!r.ok) {
      if (r.error.code === 'close_pending') return setPending(r.error);
      return setError(r.error);
    }
    setError(null);
    setPending(null);
    setClosed(r.value);
    setCounted('');
    shift.reload();
  };
  const print = async (number: number) => {
    const r = await api.printZReport({ number });
    setError(r.ok ? null : r.error);
    setPrinted(r.ok);
  };

  if (closed) {
    return (
      <section className="panel" aria-labelledby="close-title">
        <h1 id="close-title">{t('close.done')}</h1>
        <ZReportView z={closed} />
        <div className="row-actions">
          <button type="button" className="primary" onClick={() => void print(closed.number)} data-testid="z-print">
            {t(printed ? 'close.reprint' : 'close.print')}
          </button>
          <button type="button" onClick={() => setClosed(null)} data-testid="z-back">
            {t('close.back')}
          </button>
        </div>
        {error && <p className="error-box">{err(error)}</p>}
      </section>
    );
  }

  const s = shift.state === 'ok' ? shift.value : null;
  return (
    <section className="panel" aria-labelledby="close-title">
      <h1 id="close-title">{t('close.title')}</h1>
      {s?.open && (
        <div className="cards" data-testid="shift-open">
          <div className="card">
            <div className="card-label">{t('close.shift', { number: s.open.number })}</div>
            <div className="card-value">{time(s.open.openedAt)}</div>
            <div className="muted small">
              {date(s.open.openedAt)} · {t('close.sales', { count: s.open.salesCount })}
            </div>
          </div>
          <div className="card">
            <div className="card-label">{t('zreport.float')}</div>
            <div className="card-value">{money(s.open.openingFloatFen)}</div>
          </div>
          <div className="card accepted">
            <div className="card-label">{t('zreport.expected')}</div>
            <div className="card-value" data-testid="expected-cash">
              {money(s.open.expectedCashFen)}
            </div>
          </div>
        </div>
      )}
      {!s?.open?.started && (
        <form
          className="form inline"
          onSubmit={(e) => {
            e.preventDefault();
            void open();
          }}
        >
          <label>
            {t('close.float')}
            <input inputMode="decimal" value={float} onChange={(e) => setFloat(e.target.value)} placeholder="0.00" data-testid="float" />
          </label>
          <button type="submit" data-testid="open-shift">
            {t('close.open')}
          </button>
        </form>
      )}
      <form
        className="form inline"
        onSubmit={(e) => {
          e.preventDefault();
          void close(false);
        }}
      >
        <label>
          {t('close.counted')}
          <input
            inputMode="decimal"
            value={counted}
            onChange={(e) => setCounted(e.target.value)}
            placeholder="0.00"
            required
            data-testid="counted"
          />
        </label>
        <button type="submit" className="primary" data-testid="close-shift">
          {t('close.close')}
        </button>
      </form>
      {pending && (
        <div className="error-box" role="alert" data-testid="close-pending">
          <p>{err(pending)}</p>
          <div className="row-actions">
            <button type="button" onClick={() => void close(true)} data-testid="close-anyway">
              {t('close.anyway')}
            </button>
            <button type="button" onClick={() => setPending(null)}>
              {t('close.wait')}
            </button>
          </div>
        </div>
      )}
      {error && <p className="error-box">{err(error)}</p>}
      {s?.lastClosed && <p className="muted">{t('close.last', { number: s.lastClosed.number, at: dateTime(s.lastClosed.closedAt) })}</p>}
    </section>
  );
}
