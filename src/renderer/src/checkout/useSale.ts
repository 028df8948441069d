import { useState, useSyncExternalStore } from 'react';
import type { PosApi } from '../../../shared/api/client';
import { SaleSession, type SaleSounds, type SaleState } from './saleSession';

export type { SaleLine, SaleSounds, SaleState } from './saleSession';

/**
 * One SaleSession per mounted checkout, read through useSyncExternalStore. The session owns no
 * timers, listeners or connections, so there is nothing to tear down: StrictMode's extra
 * mount-unmount-mount in development keeps the same session and simply subscribes again (a
 * dispose() in an effect cleanup would kill the session the remount goes on using).
 * `api` and `sounds` are taken at mount; both are app-wide constants.
 */
export function useSale(api: PosApi, sounds: SaleSounds): { sale: SaleState; session: SaleSession } {
  const [session] = useState(() => new SaleSession(api, sounds));
  const sale = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return { sale, session };
}
