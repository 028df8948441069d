import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { User } from '../../../shared/api/schemas/auth';
import type { Item } from '../../../shared/api/schemas/catalog';
import type { HolderVoucher } from '../../../shared/api/schemas/checkout';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { CustomerDisplayButton } from '../customer/CustomerDisplayButton';
import { useI18n } from '../i18n/I18nProvider';
import { classifyScan } from '../scan/classifyScan';
import { attachWedge } from '../scan/wedge';
import { beepError } from '../sound/beep';
import { BasketTable } from './BasketTable';
import { CameraBox } from './CameraBox';
import { ForfeitDialog } from './ForfeitDialog';
import { HolderPickDialog } from './HolderPickDialog';
import { ItemFinder } from './ItemFinder';
import { QuickKeys } from './QuickKeys';
import { ResumeDialog } from './ResumeDialog';
import { SaleDone } from './SaleDone';
import { TotalsPanel } from './TotalsPanel';
import { useCheckoutKeys } from './useCheckoutKeys';
import { useSale } from './useSale';
import { useVoidFlow } from './useVoidFlow';
import { VerdictCard } from './VerdictCard';
import { VoidDialogs, VoidLastButton } from './VoidFlow';

/** What the basket column says about the last scan when it was not a sale's business: core's refusal, or "not a code". */
type Notice = { error: ApiError } | { notACode: string } | { searching: string };

/** After a sale is recorded, scans are taken as the next customer's only after this long (a scanner's double read is not). */
const NEXT_SCAN_AFTER_MS = 1500;

/**
 * The counter: scan goods and vouchers (wedge always on, camera optional, or typed), see each line's
 * eligibility and the allocation, confirm with Enter. This file wires the scanners to the sale and
 * lays out the counter; the sale itself is saleSession.ts (held above the tabs by SaleProvider),
 * the keys checkoutKeys.ts, voiding useVoidFlow.ts and the finished sale SaleDone.tsx.
 */
export function CheckoutScreen({ user, shopName }: { user: User; shopName: string | null }) {
  const api = useApi();
  const { t, err } = useI18n();
  const { sale, session, setVoiceEnabled } = useSale();
  const quickKeys = useCall(() => api.listQuickKeys({}));
  const prefs = useCall(() => api.getPreferences({}));
  const [camera, setCamera] = useState(true);
  const [confirmForfeit, setConfirmForfeit] = useState(false);
  const [finder, setFinder] = useState<{ code: string | null } | null>(null);
  const [imeWarning, setImeWarning] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [holderPick, setHolderPick] = useState<{ code: string; vouchers: HolderVoucher[] } | null>(null);
  const showError = useCallback((e: ApiError | null) => setNotice(e ? { error: e } : null), []);
  const voids = useVoidFlow(api, showError, session.markVoided);
  const rememberSale = voids.remember;
  const manual = useRef<HTMLInputElement>(null);
  const completedAt = useRef(0);

  useEffect(() => {
    if (prefs.state === 'ok') setVoiceEnabled(prefs.value.voice);
  }, [prefs, setVoiceEnabled]);

  const onCode = useCallback(
    async (raw: string) => {
      setNotice(null);
      const scan = classifyScan(raw);
      if (scan.kind === 'empty') return;
      if (scan.kind === 'voucher') return session.addVoucher(scan.text);
      if (scan.kind === 'not_a_voucher') return session.refuseScan(raw);
      if (scan.kind === 'holder_code') {
        // The QR would not scan and the cashier typed the card's holder code: the program finds the voucher.
        setNotice({ searching: scan.code });
        const found = await api.findVoucherByHolderCode({ code: scan.code });
        setNotice(null);
        if (!found.ok) {
          beepError();
          setNotice({ error: found.error });
        } else if (found.value.vouchers.length === 1) session.addVoucher(found.value.vouchers[0]!.ticket);
        else setHolderPick(found.value);
        return;
      }
      if (scan.kind === 'not_a_code') {
        beepError();
        setNotice({ notACode: scan.shown });
        return;
      }
      const r = await api.lookupBarcode({ code: scan.code });
      if (r.ok) session.addItem(r.value);
      else if (r.error.code === 'unknown_barcode') {
        beepError();
        setFinder({ code: String(r.error.params?.code ?? scan.code) });
      } else {
        beepError();
        setNotice({ error: r.error });
      }
    },
    [api, session],
  );

  const newSale = useCallback(() => {
    session.reset();
    setNotice(null);
  }, [session]);

  const onCodeRef = useRef(onCode);
  const newSaleRef = useRef(newSale);
  const completedRef = useRef(sale.completed !== null);
  useEffect(() => {
    onCodeRef.current = onCode;
    newSaleRef.current = newSale;
    if (sale.completed && !completedRef.current) completedAt.current = Date.now();
    completedRef.current = sale.completed !== null;
  });
  useEffect(
    () =>
      attachWedge(window, {
        onScan: (c) => {
          if (completedRef.current) {
            // The receipt is on screen: a scan is the next customer's first item (not a double read of the last voucher).
            if (Date.now() - completedAt.current < NEXT_SCAN_AFTER_MS) return;
            newSaleRef.current();
          }
          void onCodeRef.current(c);
        },
        onImeDetected: () => setImeWarning(true),
      }),
    [],
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

  const resume = useCallback(async () => {
    const recorded = await session.resume();
    if (recorded) rememberSale(recorded);
  }, [session, rememberSale]);

  useCheckoutKeys(
    {
      dialogOpen: confirmForfeit || finder !== null || holderPick !== null || voids.request !== null || sale.saved !== null,
      completed: sale.completed !== null,
      hasError: sale.error !== null,
      hasBasket: sale.lines.length > 0 || sale.vouchers.length > 0,
    },
    {
      focusManualEntry: () => manual.current?.focus(),
      openItemFinder: () => setFinder({ code: null }),
      voidLastSale: () => voids.ask(),
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
    // The field keeps the focus for the next code; Enter on the empty field confirms (checkoutKeys.ts).
    if (v.trim()) void onCode(v);
  };

  const pickItem = (item: Item) => {
    setFinder(null);
    session.addItem(item);
  };

  const quote = sale.quote;
  const keys = useMemo(() => (quickKeys.state === 'ok' ? quickKeys.value : []), [quickKeys]);
  const voidDialogs = <VoidDialogs flow={voids} />;

  if (sale.completed) {
    return (
      <SaleDone
        completed={sale.completed}
        voids={voids}
        notice={notice && 'error' in notice ? notice.error : null}
        shopName={shopName}
        onNewSale={newSale}
      />
    );
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
            data-code-entry=""
            autoComplete="off"
            spellCheck={false}
            onKeyDown={(e) => {
              // Esc in a field with text clears it; in the empty field it is the counter's Esc.
              if (e.key === 'Escape' && e.currentTarget.value) e.currentTarget.value = '';
            }}
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
        {notice && 'searching' in notice && (
          <p className="info-box" role="status" data-testid="notice-searching">
            {t('holderPick.searching', { code: notice.searching })}
          </p>
        )}
        {notice && !('searching' in notice) && (
          <p className="error-box" role="alert" data-testid="notice">
            {'error' in notice ? err(notice.error) : t('scan.notACode', { shown: notice.notACode })}
          </p>
        )}
        <div className="basket-scroll">
          <BasketTable quote={quote} onQuantity={session.setQuantity} />
        </div>
        <QuickKeys keys={keys} onPick={session.addItem} />
        <p className="muted small keys-help">{t('checkout.keys')}</p>
      </section>
      <section className="voucher-col" aria-label={t('voucher.title')}>
        <div className="camera-head">
          <h2>{t('voucher.title')}</h2>
          <CustomerDisplayButton />
          <button type="button" onClick={() => setCamera((c) => !c)} aria-pressed={camera} data-testid="camera-toggle">
            {camera ? t('camera.turnOff') : t('camera.turnOn')}
          </button>
        </div>
        <div className="voucher-scroll">
          <CameraBox api={api} enabled={camera} onCode={onCamera} />
          <VerdictCard verdict={sale.verdict} />
          <TotalsPanel quote={quote} onPlan={session.setPlan} onRemoveVoucher={session.removeVoucher} />
          {sale.error && (
            <p className="error-box" role="alert" data-testid="sale-error">
              {err(sale.error)}
            </p>
          )}
        </div>
        <div className="confirm-bar">
          <button
            type="button"
            className="primary huge"
            disabled={!quote?.committable || sale.busy}
            onClick={() => void confirm()}
            data-testid="confirm"
          >
            {t('checkout.confirm')}
          </button>
          <VoidLastButton flow={voids} onReceipt={false} />
        </div>
      </section>
      {confirmForfeit && quote && (
        <ForfeitDialog forfeitedFen={quote.totals.forfeitedFen} onConfirm={() => void confirm()} onBack={() => setConfirmForfeit(false)} />
      )}
      {finder && (
        <ItemFinder api={api} unknownCode={finder.code} isOwner={user.role === 'owner'} onPick={pickItem} onClose={() => setFinder(null)} />
      )}
      {holderPick && (
        <HolderPickDialog
          code={holderPick.code}
          vouchers={holderPick.vouchers}
          onPick={(v) => {
            setHolderPick(null);
            session.addVoucher(v.ticket);
          }}
          onCancel={() => setHolderPick(null)}
        />
      )}
      {sale.saved && <ResumeDialog saved={sale.saved} onResume={() => void resume()} onDiscard={session.discardSaved} />}
      {voidDialogs}
    </div>
  );
}
