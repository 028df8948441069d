import { useEffect, useEffectEvent } from 'react';
import { checkoutKeyAction, type CheckoutKeyAction, type CheckoutKeyContext } from './checkoutKeys';

/**
 * Listens for the checkout's keys on the window and runs what checkoutKeys.ts maps them to. The
 * listener is attached once; each key press sees the latest render's context and handlers.
 */
export function useCheckoutKeys(
  context: Omit<CheckoutKeyContext, 'inField' | 'inEmptyCodeField'>,
  run: Record<Exclude<CheckoutKeyAction, 'nothingToCancel'>, () => void>,
): void {
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
    const inEmptyCodeField =
      e.target instanceof HTMLInputElement && e.target.hasAttribute('data-code-entry') && e.target.value.trim() === '';
    const action = checkoutKeyAction(e.key, { ...context, inField, inEmptyCodeField });
    if (action === null) return;
    e.preventDefault();
    if (action !== 'nothingToCancel') run[action]();
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
