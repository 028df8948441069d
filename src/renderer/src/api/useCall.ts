import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { Result } from '../../../shared/api/result';

export type CallState<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: ApiError };

/**
 * Runs one PosApi call on mount (and on reload/interval), keeping the last good value visible
 * while a refresh is under way so the screen does not flicker.
 */
export function useCall<T>(call: () => Promise<Result<T>>, options: { intervalMs?: number } = {}): CallState<T> & { reload: () => void } {
  const [state, setState] = useState<CallState<T>>({ state: 'loading' });
  const callRef = useRef(call);
  // Keep the latest closure without re-running the effect on every render (declared first, so it runs first).
  useEffect(() => {
    callRef.current = call;
  });

  const reload = useCallback(() => {
    let cancelled = false;
    callRef.current().then(
      (r) => {
        if (!cancelled) setState(r.ok ? { state: 'ok', value: r.value } : { state: 'error', error: r.error });
      },
      (e: unknown) => {
        if (!cancelled) setState({ state: 'error', error: { code: 'internal', message: String(e) } });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    const cancel = reload();
    if (!options.intervalMs) return cancel;
    const timer = setInterval(reload, options.intervalMs);
    return () => {
      cancel();
      clearInterval(timer);
    };
  }, [reload, options.intervalMs]);

  return { ...state, reload: () => void reload() };
}
