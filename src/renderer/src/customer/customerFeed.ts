import type { Locale } from '../../../shared/i18n/locales';
import type { SaleState } from '../checkout/saleSession';
import { customerViewOf, type CustomerView } from './customerView';

/**
 * Feeds the customer-facing display (客显) from the sale session: every change of the sale is
 * posted on a BroadcastChannel that the second window (the same app at `#customer`) listens to.
 * The display says "hello" when it opens, and is answered with the current view at once.
 * Same origin only (BroadcastChannel never leaves it), and no PosApi in the display at all.
 */
export const CUSTOMER_CHANNEL = 'caretill-customer';

export type CustomerMessage = { type: 'view'; view: CustomerView } | { type: 'hello' };

export interface ChannelLike {
  postMessage(message: CustomerMessage): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  close(): void;
}

export function isCustomerMessage(data: unknown): data is CustomerMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as { type?: unknown; view?: unknown };
  return m.type === 'hello' || (m.type === 'view' && typeof m.view === 'object' && m.view !== null);
}

export function startCustomerFeed(
  session: { subscribe: (listener: () => void) => () => void; getSnapshot: () => SaleState },
  context: () => { locale: Locale; shopName: string | null },
  channel: ChannelLike,
): { refresh: () => void; stop: () => void } {
  const send = () => {
    const { locale, shopName } = context();
    channel.postMessage({ type: 'view', view: customerViewOf(session.getSnapshot(), locale, shopName) });
  };
  channel.addEventListener('message', (e) => {
    if (isCustomerMessage(e.data) && e.data.type === 'hello') send();
  });
  const unsubscribe = session.subscribe(send);
  return {
    refresh: send,
    stop: () => {
      unsubscribe();
      channel.close();
    },
  };
}

/** The address of the customer display: this very page (http:// in the browser host, file:// in Electron) at `#customer`. */
export function customerDisplayUrl(href: string): string {
  return `${href.replace(/#.*$/, '')}#customer`;
}
