import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { User } from '../../../shared/api/schemas/auth';
import type { Item } from '../../../shared/api/schemas/catalog';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { useI18n } from '../i18n/I18nProvider';
import { attachWedge, looksLikeVoucher } from '../scan/wedge';
import { beepError, beepOk } from '../sound/beep';
import { BasketTable } from './BasketTable';
import { CameraBox } from './CameraBox';
import { ForfeitDialog } from './ForfeitDialog';
import { ItemFinder } from './ItemFinder';
import { QuickKeys } from './QuickKeys';
import { SaleDone } from './SaleDone';
import { TotalsPanel } from './TotalsPanel';
import { useCheckoutKeys } from './useCheckoutKeys';
import { useSale } from './useSale';
import { useVoidFlow } from './useVoidFlow';
import { VerdictCard } from './VerdictCard';
import { VoidLastButton, VoidOwnerDialog } from './VoidFlow';

const sounds = { ok: beepOk, error: beepError };

/**
 * The counter: scan goods and vouchers (wedge always on, camera optional, or typed), see each line's
 * eligibility and the allocation, confirm with Enter. This file wires the scanners to the sale and
 * lays out the counter; the sale itself is saleSession.ts, the keys checkoutKeys.ts, voiding
 * useVoidFlow.ts and the finished sale SaleDone.tsx.
 */
export function CheckoutScreen({ user, shopName }: { user: User; shopName: string | null }) {
  const api = useApi();
  const { t, err } = useI18n();
  const { sale, session } = useSale(api, sounds);
  const quickKeys = useCall(() => api.listQuickKeys({}));
  const [camera, setCamera] = useState(true);
  const [confirmForfeit, setConfirmForfeit] = useState(false);
  const [finder, setFinder] = useState<{ code: string | null } | null>(null);
  const [imeWarning, setImeWarning] = useState(false);
  const [notice, setNotice] = useState<ApiError | null>(null);
  const voids = useVoidFlow(api, setNotice);
  const rememberSale = voids.remember;
  const manual = useRef<HTMLInputElement>(null);

  const onCode = useCallback(
    async (code: string) => {
      setNotice(null);
      if (looksLikeVoucher(code)) return session.addVoucher(code);
      const r = await api.lookupBarcode({ code: code.trim() });
      if (r.ok) session.addItem(r.value);
      else if (r.error.code === 'unknown_barcode') {
        beepError();
        setFinder({ code: String(r.error.params?.code ?? code.trim()) });
      } else {
        beepError();
        setNotice(r.error);
      }
    },
    [api, session],
  );

  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  });
  useEffect(
    () =>
      attachWedge(window, {
        onScan: (c) => {
          if (!sale.completed) void onCodeRef.current(c);
        },
        onImeDetected: () => setImeWarning(true),
      }),
    [sale.completed],
  );
  const onCamera = useCallback((text: string) => void onCodeRef.current(text), []);

  const confirm = useCallback(async () => {
    if (!sale.quote?.committable || sale.busy) return;
    if (sale.quote.totals.forfeitedFen > 0 && !confirmForfeit) {
      setConfirmForfeit(true);
      return;
    }
    setConfirmForfeit(false);
    const done = await session.commit();
    if (done) rememberSale(done);
  }, [sale.quote, sale.busy, confirmForfeit, session, rememberSale]);

  const newSale = useCallback(() => {
    session.reset();
    setNotice(null);
  }, [session]);

  useCheckoutKeys(
    {
      dialogOpen: confirmForfeit || finder !== null || voids.ownerAsk !== null,
      completed: sale.completed !== null,
      hasError: sale.error !== null,
      hasBasket: sale.lines.length > 0 || sale.vouchers.length > 0,
    },
    {
      focusManualEntry: () => manual.current?.focus(),
      openItemFinder: () => setFinder({ code: null }),
      voidLastSale: () => void voids.voidLast(),
      toggleCamera: () => setCamera((c) => !c),
      confirmSale: () => void confirm(),
      startNewSale: newSale,
      dismissError: session.clearError,
    },
  );

  const submitManual = (e: FormEvent) => {
    e.preventDefault();
    const v = manual.current?.value ?? '';
    if (manual.current) manual.current.value = '';
    if (v.trim()) void onCode(v);
  };

  const pickItem = (item: Item) => {
    setFinder(null);
    session.addItem(item);
  };

  const quote = sale.quote;
  const keys = useMemo(() => (quickKeys.state === 'ok' ? quickKeys.value : []), [quickKeys]);

  if (sale.completed) {
    return <SaleDone completed={sale.completed} voids={voids} notice={notice} shopName={shopName} onNewSale={newSale} />;
  }

  return (
    <div className="checkout">
      <section className="basket-col" aria-label={t('basket.title')}>
        <form className="scan-entry" onSubmit={submitManual}>
          <input
            ref={manual}
            placeholder={t('checkout.manualPlaceholder')}
            aria-label={t('checkout.manual')}
            data-testid="manual-code"
            autoComplete="off"
            spellCheck={false}
          />
          <button type="submit">{t('checkout.add')}</button>
          <button type="button" onClick={() => setFinder({ code: null })}>
            {t('checkout.find')}
          </button>
        </form>
        {imeWarning && (
          <p className="warn-box" role="alert" data-testid="ime-warning">
            {t('checkout.imeWarning')}{' '}
            <button type="button" className="small-btn" onClick={() => setImeWarning(false)}>
              {t('common.ok')}
            </button>
          </p>
        )}
        {notice && (
          <p className="error-box" role="alert" data-testid="notice">
            {err(notice)}
          </p>
        )}
        <BasketTable quote={quote} onQuantity={session.setQuantity} />
        <QuickKeys keys={keys} onPick={session.addItem} />
      </section>
      <section className="voucher-col" aria-label={t('voucher.title')}>
        <div className="camera-head">
          <h2>{t('voucher.title')}</h2>
          <button type="button" onClick={() => setCamera((c) => !c)} aria-pressed={camera} data-testid="camera-toggle">
            {camera ? t('camera.turnOff') : t('camera.turnOn')}
          </button>
        </div>
        <CameraBox api={api} enabled={camera} onCode={onCamera} />
        <VerdictCard verdict={sale.verdict} />
        <TotalsPanel quote={quote} onPlan={session.setPlan} onRemoveVoucher={session.removeVoucher} />
        {sale.error && (
          <p className="error-box" role="alert" data-testid="sale-error">
            {err(sale.error)}
          </p>
        )}
        <button
          type="button"
          className="primary huge"
          disabled={!quote?.committable || sale.busy}
          onClick={() => void confirm()}
          data-testid="confirm"
        >
          {t('checkout.confirm')}
        </button>
        <p className="muted small keys-help">{t('checkout.keys')}</p>
        <VoidLastButton flow={voids} onReceipt={false} />
      </section>
      {confirmForfeit && quote && (
        <ForfeitDialog forfeitedFen={quote.totals.forfeitedFen} onConfirm={() => void confirm()} onBack={() => setConfirmForfeit(false)} />
      )}
      {finder && (
        <ItemFinder api={api} unknownCode={finder.code} isOwner={user.role === 'owner'} onPick={pickItem} onClose={() => setFinder(null)} />
      )}
      <VoidOwnerDialog flow={voids} />
    </div>
  );
}
