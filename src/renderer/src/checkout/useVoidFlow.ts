import { useCallback, useState } from 'react';
import type { PosApi } from '../../../shared/api/client';
import type { ApiError } from '../../../shared/api/errors';
import type { CompletedSale } from '../../../shared/api/schemas/checkout';
import { beepError, beepOk } from '../sound/beep';

export interface VoidFlow {
  /** The last sale this till recorded (kept across "next customer"), voided or not. */
  lastSale: CompletedSale | null;
  remember: (sale: CompletedSale) => void;
  /** Set while the owner's PIN is asked for; `error` is the last PIN attempt's refusal. */
  ownerAsk: { error: ApiError | null } | null;
  voidLast: (ownerPin?: string) => Promise<void>;
  cancelOwnerAsk: () => void;
}

/**
 * Voiding the last sale (F4): the cashier's own recent sale is voided at once; otherwise core says
 * the owner must approve, and the owner's PIN is asked for (a wrong PIN asks again). Any other
 * refusal is handed to `onNotice`, which the screen shows; success clears it.
 */
export function useVoidFlow(api: PosApi, onNotice: (error: ApiError | null) => void): VoidFlow {
  const [lastSale, setLastSale] = useState<CompletedSale | null>(null);
  const [ownerAsk, setOwnerAsk] = useState<{ error: ApiError | null } | null>(null);

  const voidLast = useCallback(
    async (ownerPin?: string) => {
      if (!lastSale) return;
      const r = await api.voidSale(ownerPin === undefined ? { saleId: lastSale.saleId } : { saleId: lastSale.saleId, ownerPin });
      if (r.ok) {
        beepOk();
        setLastSale(r.value);
        setOwnerAsk(null);
        onNotice(null);
      } else if (
        r.error.code === 'void_needs_owner' ||
        (ownerPin !== undefined && (r.error.code === 'pin_wrong' || r.error.code === 'locked_out'))
      ) {
        beepError();
        setOwnerAsk({ error: ownerPin === undefined ? null : r.error });
      } else {
        beepError();
        setOwnerAsk(null);
        onNotice(r.error);
      }
    },
    [api, lastSale, onNotice],
  );

  const cancelOwnerAsk = useCallback(() => setOwnerAsk(null), []);

  return { lastSale, remember: setLastSale, ownerAsk, voidLast, cancelOwnerAsk };
}
