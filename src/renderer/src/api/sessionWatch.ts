import type { PosApi } from '../../../shared/api/client';

/**
 * Core ends idle sessions (15 min for the owner, 8 h for a cashier by default). When any call comes
 * back `session_expired`, the app asks for the PIN again over the screen it is on, so the sale in
 * progress stays where it is. This wrapper is how the app hears of it, whichever call noticed first.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export function onSessionExpired(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function watchSessionExpiry(api: PosApi): PosApi {
  const watched: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const [name, call] of Object.entries(api) as Array<
    [string, (args: unknown) => Promise<{ ok: boolean; error?: { code: string } }>]
  >) {
    watched[name] = async (args) => {
      const r = await call(args);
      if (!r.ok && r.error?.code === 'session_expired') for (const l of listeners) l();
      return r;
    };
  }
  return watched as unknown as PosApi;
}
