import { z } from 'zod';
import { MAX_LINES, MAX_VOUCHER_CHARS, MAX_VOUCHERS_PER_SALE, planSchema, saleLineInputSchema } from '../../../shared/api/schemas/checkout';

/**
 * The sale in progress, kept on disk so a power cut, a crash or a reload mid-sale can offer to
 * carry on (DESIGN.md: "loses nothing"). Only what the renderer itself holds is kept: item ids,
 * quantities, the scanned voucher strings, the plan and the client sale id. Prices and verdicts are
 * asked of core again on resume. The sale id is kept too: if the sale had in fact been recorded
 * just before the power went, core knows it by that id and the till shows it instead of selling twice.
 *
 * localStorage, not sessionStorage: sessionStorage ends with the window, which is exactly when
 * the cart is needed. Voucher strings sit there only until the sale ends or is dropped.
 */
export const savedCartSchema = z.object({
  saleId: z.uuid(),
  lines: z.array(saleLineInputSchema).max(MAX_LINES),
  vouchers: z.array(z.string().max(MAX_VOUCHER_CHARS)).max(MAX_VOUCHERS_PER_SALE),
  plan: planSchema,
  savedAt: z.string().max(40),
});

export type SavedCart = z.output<typeof savedCartSchema>;

export interface CartStore {
  load(): SavedCart | null;
  save(cart: SavedCart): void;
  clear(): void;
}

export const CART_KEY = 'caretill.cart';

/** A CartStore over Web Storage. Anything unreadable (an older version, a hand edit) counts as no cart. */
/** The part of Web Storage the cart needs (localStorage in the app, a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function webCartStore(storage: KeyValueStorage, key = CART_KEY): CartStore {
  return {
    load() {
      try {
        const raw = storage.getItem(key);
        if (!raw) return null;
        const parsed = savedCartSchema.safeParse(JSON.parse(raw));
        if (parsed.success && (parsed.data.lines.length > 0 || parsed.data.vouchers.length > 0)) return parsed.data;
      } catch {
        // fall through: an unreadable cart is no cart
      }
      storage.removeItem(key);
      return null;
    },
    save(cart) {
      try {
        storage.setItem(key, JSON.stringify(cart));
      } catch {
        // Storage full or refused (private mode): the sale goes on, only a restart would lose it.
      }
    },
    clear() {
      storage.removeItem(key);
    },
  };
}

/** For tests and for a host without storage. */
export function memoryCartStore(): CartStore & { saved: SavedCart | null } {
  const store = {
    saved: null as SavedCart | null,
    load: () => store.saved,
    save: (cart: SavedCart) => {
      store.saved = cart;
    },
    clear: () => {
      store.saved = null;
    },
  };
  return store;
}
