import { useEffect, useState } from 'react';
import type { CompletedSale, SaleUpload } from '../../../shared/api/schemas/checkout';
import { useApi } from '../api/ApiContext';

/** How often a sale on screen asks again while the program has not answered for it. */
export const UPLOAD_POLL_MS = 2000;

/** The states that change by themselves: the upload runs in the background, the answer follows. */
const MOVING: ReadonlySet<SaleUpload> = new Set(['waiting', 'uploaded']);

/**
 * Where the sale on screen stands with the program, kept current: the sale as recorded says
 * "waiting", the upload follows a moment later (or hours later, offline), so while it is still on
 * its way core is asked again every UPLOAD_POLL_MS. The call is a polled one: a sale left on screen
 * keeps no idle session alive. A voided sale starts again from its own answer (its reversal waits).
 */
export function useSaleUpload(sale: CompletedSale): SaleUpload {
  const api = useApi();
  const key = `${sale.saleId}:${sale.voidedAt ?? ''}`;
  const [asked, setAsked] = useState<{ key: string; upload: SaleUpload } | null>(null);
  const upload = asked?.key === key ? asked.upload : sale.upload;
  const saleId = sale.saleId;
  useEffect(() => {
    if (!MOVING.has(upload)) return undefined;
    let stopped = false;
    const timer = setInterval(() => {
      void api.getSaleUpload({ saleId }).then((r) => {
        // A refusal (signed out, session over) leaves the last answer on screen.
        if (!stopped && r.ok) setAsked({ key, upload: r.value.upload });
      });
    }, UPLOAD_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, key, saleId, upload]);
  return upload;
}
