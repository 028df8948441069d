import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { User } from '../../../shared/api/schemas/auth';
import type { Item } from '../../../shared/api/schemas/catalog';
import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import { useApi } from '../api/ApiContext';
import { useCall } from '../api/useCall';
import { Modal } from '../components/Modal';
import { OwnerPinDialog } from '../components/OwnerPinDialog';
import { useI18n } from '../i18n/I18nProvider';
import { attachWedge, looksLikeVoucher } from '../scan/wedge';
import { beepError, beepOk } from '../sound/beep';
import { BasketTable } from './BasketTable';
import { CameraBox } from './CameraBox';
import { ItemFinder } from './ItemFinder';
import { ReceiptPreview } from '../printing/ReceiptPreview';
import { ReceiptSummary } from './ReceiptSummary';
import { TotalsPanel } from './TotalsPanel';
import { useSale } from './useSale';
import { VerdictCard } from './VerdictCard';

const sounds = { ok: beepOk, error: beepError };

/**
 * The counter: scan goods and vouchers (wedge always on, camera optional, or typed), see each line's
 * eligibility and the allocation, confirm with Enter. Keys: Enter confirm · Esc cancel ·
 * F2 type a code · F3 find an item · F4 void last sale · F9 camera on/off.
 */
export function CheckoutScreen({ user, shopName }: { user: User; shopName: string | null }) {
  const api = useApi();
  const { t, err, money } = useI18n();
  const { sale, addItem, addVoucher, setQuantity, removeVoucher, setPlan, commit, reset, clearError } = useSale(api, sounds);
  const quickKeys = useCall(() => api.listQuickKeys({}));
  const [camera, setCamera] = useState(true);
  const [confirmForfeit, setConfirmForfeit] = useState(false);
  const [finder, setFinder] = useState<{ code: string | null } | null>(null);
  const [imeWarning, setImeWarning] = useState(false);
  const [lastSale, setLastSale] = useState<CompletedSale | null>(null);
  const [voidAsk, setVoidAsk] = useState<{ error: ApiError | null } | null>(null);
  const [notice, setNotice] = useState<ApiError | null>(null);
  const manual = useRef<HTMLInputElement>(null);

  const onCode = useCallback(
    async (code: string) => {
      setNotice(null);
      if (looksLikeVoucher(code)) return addVoucher(code);
      const r = await api.lookupBarcode({ code: code.trim() });
      if (r.ok) addItem(r.value);
      else if (r.error.code === 'unknown_barcode') {
        beepError();
        setFinder({ code: String(r.error.params?.code ?? code.trim()) });
      } else {
        beepError();
        setNotice(r.error);
      }
    },
    [api, addItem, addVoucher],
  );

  const dialogOpen = confirmForfeit || finder !== null || voidAsk !== null;
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
    const done = await commit();
    if (done) setLastSale(done);
  }, [sale.quote, sale.busy, confirmForfeit, commit]);

  const voidLast = useCallback(
    async (ownerPin?: string) => {
      if (!lastSale) return;
      const r = await api.voidSale(ownerPin === undefined ? { saleId: lastSale.saleId } : { saleId: lastSale.saleId, ownerPin });
      if (r.ok) {
        beepOk();
        setLastSale(r.value);
        setVoidAsk(null);
        setNotice(null);
      } else if (
        r.error.code === 'void_needs_owner' ||
        (ownerPin !== undefined && (r.error.code === 'pin_wrong' || r.error.code === 'locked_out'))
      ) {
        beepError();
        setVoidAsk({ error: ownerPin === undefined ? null : r.error });
      } else {
        beepError();
        setVoidAsk(null);
        setNotice(r.error);
      }
    },
    [api, lastSale],
  );

  const newSale = useCallback(() => {
    reset();
    setNotice(null);
  }, [reset]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogOpen) return;
      const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
      if (e.key === 'F2') {
        e.preventDefault();
        manual.current?.focus();
      } else if (e.key === 'F3') {
        e.preventDefault();
        setFinder({ code: null });
      } else if (e.key === 'F4') {
        e.preventDefault();
        void voidLast();
      } else if (e.key === 'F9') {
        e.preventDefault();
        setCamera((c) => !c);
      } else if (e.key === 'Enter' && !inField) {
        e.preventDefault();
        if (sale.completed) newSale();
        else void confirm();
      } else if (e.key === 'Escape' && !inField) {
        e.preventDefault();
        if (sale.completed) newSale();
        else if (sale.error) clearError();
        else if (sale.lines.length || sale.vouchers.length) newSale();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialogOpen, confirm, voidLast, newSale, sale.completed, sale.error, sale.lines.length, sale.vouchers.length, clearError]);

  const submitManual = (e: FormEvent) => {
    e.preventDefault();
    const v = manual.current?.value ?? '';
    if (manual.current) manual.current.value = '';
    if (v.trim()) void onCode(v);
  };

  const pickItem = (item: Item) => {
    setFinder(null);
    addItem(item);
  };

  const quote = sale.quote;
  const keys = useMemo(() => (quickKeys.state === 'ok' ? quickKeys.value : []), [quickKeys]);

  if (sale.completed) {
    return (
      <div className="checkout done">
        <div className="done-grid">
          <ReceiptSummary sale={lastSale?.saleId === sale.completed.saleId ? lastSale : sale.completed} shopName={shopName} />
          <ReceiptPreview key={`${sale.completed.saleId}-${lastSale?.voidedAt ?? ''}`} saleId={sale.completed.saleId} />
        </div>
        <div className="actions">
          <button type="button" className="primary big" onClick={newSale} data-testid="new-sale" autoFocus>
            {t('checkout.newSale')}
          </button>
          {!lastSale?.voidedAt && (
            <button type="button" className="danger" onClick={() => void voidLast()} data-testid="void-last">
              {t('checkout.voidLast')}
            </button>
          )}
        </div>
        {notice && (
          <p className="error-box" role="alert">
            {err(notice)}
          </p>
        )}
        {voidAsk && (
          <OwnerPinDialog
            reason={t('owner.voidReason')}
            error={voidAsk.error}
            onPin={(pin) => void voidLast(pin)}
            onCancel={() => setVoidAsk(null)}
          />
        )}
      </div>
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
        <BasketTable quote={quote} onQuantity={setQuantity} />
        {keys.length > 0 && (
          <div className="quick-keys" aria-label={t('checkout.quickKeys')}>
            {keys.map((k) => (
              <button key={k.id} type="button" onClick={() => addItem(k)} data-testid={`quick-${k.name}`}>
                <span>{k.name}</span>
                <span className="muted small">{money(k.priceFen)}</span>
              </button>
            ))}
          </div>
        )}
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
        <TotalsPanel quote={quote} onPlan={setPlan} onRemoveVoucher={removeVoucher} />
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
        {lastSale && !lastSale.voidedAt && (
          <button type="button" className="link" onClick={() => void voidLast()} data-testid="void-last">
            {t('checkout.voidLastShort', { no: lastSale.saleId.slice(0, 8).toUpperCase() })}
          </button>
        )}
      </section>
      {confirmForfeit && quote && (
        <Modal
          title={t('forfeit.title')}
          onConfirm={() => void confirm()}
          onCancel={() => setConfirmForfeit(false)}
          testId="forfeit-confirm"
        >
          <p className="big warn-text">{t('forfeit.text', { amount: money(quote.totals.forfeitedFen) })}</p>
          <p>{t('forfeit.explain')}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void confirm()} data-testid="forfeit-ok">
              {t('forfeit.ok')}
            </button>
            <button type="button" onClick={() => setConfirmForfeit(false)}>
              {t('common.back')}
            </button>
          </div>
        </Modal>
      )}
      {finder && (
        <ItemFinder api={api} unknownCode={finder.code} isOwner={user.role === 'owner'} onPick={pickItem} onClose={() => setFinder(null)} />
      )}
      {voidAsk && (
        <OwnerPinDialog
          reason={t('owner.voidReason')}
          error={voidAsk.error}
          onPin={(pin) => void voidLast(pin)}
          onCancel={() => setVoidAsk(null)}
        />
      )}
    </div>
  );
}
