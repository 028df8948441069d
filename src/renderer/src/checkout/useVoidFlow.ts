import { useCallback, useState } from 'react';
import type { PosApi } from '../../../shared/api/client';
import type { ApiError } from '../../../shared/api/errors';
import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import { beepError, beepOk } from '../sound/beep';
import { voidOutcome } from './voidOutcome';

/** Where a void request stands: the cashier confirms what will be reversed, then, if core asks, the owner's PIN. */
export interface VoidRequest {
  sale: CompletedSale;
  step: 'confirm' | 'owner';
  /** The last refusal of the owner's PIN, shown in the PIN dialog. */
  error: ApiError | null;
  busy: boolean;
}

export interface VoidFlow {
  /** The last sale this till recorded (kept across "next customer"), voided or not. */
  lastSale: CompletedSale | null;
  remember: (sale: CompletedSale) => void;
  request: VoidRequest | null;
  /** Asks to void `sale` (the last sale when omitted): nothing is reversed before `confirm`. */
  ask: (sale?: CompletedSale) => void;
  /** Voids the sale being asked about; with the owner's PIN once core has asked for it. */
  confirm: (ownerPin?: string) => Promise<void>;
  cancel: () => void;
}

/**
 * Voiding a sale, from F4 at the counter or from today's sales: first a confirmation that shows
 * what will be reversed; then core decides (the cashier's own recent sale at once, otherwise the
 * owner's PIN, a wrong PIN asks again). Any other refusal is handed to `onNotice`; success clears
 * it and is handed to `onVoided`.
 */
export function useVoidFlow(api: PosApi, onNotice: (error: ApiError | null) => void, onVoided?: (sale: CompletedSale) => void): VoidFlow {
  const [lastSale, setLastSale] = useState<CompletedSale | null>(null);
  const [request, setRequest] = useState<VoidRequest | null>(null);

  const ask = useCallback(
    (sale?: CompletedSale) => {
      const target = sale ?? lastSale;
      if (!target || target.voidedAt) return;
      setRequest({ sale: target, step: 'confirm', error: null, busy: false });
    },
    [lastSale],
  );

  const confirm = useCallback(
    async (ownerPin?: string) => {
      if (!request || request.busy) return;
      const sale = request.sale;
      setRequest({ ...request, busy: true });
      const r = await api.voidSale(ownerPin === undefined ? { saleId: sale.saleId } : { saleId: sale.saleId, ownerPin });
      const outcome = voidOutcome(r, ownerPin !== undefined);
      if (outcome === 'voided' && r.ok) {
        beepOk();
        setLastSale((last) => (last?.saleId === r.value.saleId ? r.value : last));
        setRequest(null);
        onNotice(null);
        onVoided?.(r.value);
      } else if (outcome === 'ask_owner' && !r.ok) {
        beepError();
        setRequest({ sale, step: 'owner', error: ownerPin === undefined ? null : r.error, busy: false });
      } else if (!r.ok) {
        beepError();
        setRequest(null);
        onNotice(r.error);
      }
    },
    [api, request, onNotice, onVoided],
  );

  const cancel = useCallback(() => setRequest(null), []);

  return { lastSale, remember: setLastSale, request, ask, confirm, cancel };
}
