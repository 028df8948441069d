import { createContext, useContext, useSyncExternalStore } from 'react';
import type { SaleSession, SaleState } from './saleSession';

export type { SaleLine, SaleSounds, SaleState } from './saleSession';

/** What SaleProvider shares with the screens: the one sale session, and the switch for voice announcements. */
export interface SaleContextValue {
  session: SaleSession;
  /** The owner's voice setting as last read (CheckoutScreen reads it, the owner's panel writes it). */
  setVoiceEnabled: (enabled: boolean) => void;
}

export const SaleContext = createContext<SaleContextValue | null>(null);

/**
 * The app's one SaleSession (made by SaleProvider, above the tabs), read through
 * useSyncExternalStore. The session owns no timers or connections; StrictMode's extra
 * mount-unmount-mount simply subscribes again.
 */
export function useSale(): { sale: SaleState; session: SaleSession; setVoiceEnabled: (enabled: boolean) => void } {
  const value = useContext(SaleContext);
  if (!value) throw new Error('useSale outside SaleProvider');
  const sale = useSyncExternalStore(value.session.subscribe, value.session.getSnapshot);
  return { sale, session: value.session, setVoiceEnabled: value.setVoiceEnabled };
}

/** The voice switch alone, for the owner's settings panel (no subscription to the sale). */
export function useVoiceSwitch(): ((enabled: boolean) => void) | null {
  return useContext(SaleContext)?.setVoiceEnabled ?? null;
}
