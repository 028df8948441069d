import { useCallback, useRef, useState } from 'react';
import type { PosApi } from '../../../shared/api/client';
import type { ApiError } from '../../../shared/api/errors';
import type { Item } from '../../../shared/api/schemas/catalog';
import type { CompletedSale, Quote, QuoteVoucher } from '../../../shared/api/schemas/checkout';
import { normalizeScan } from '../../../shared/voucher/token';

export interface SaleLine {
  itemId: number;
  quantity: number;
}

export interface SaleState {
  lines: SaleLine[];
  vouchers: string[];
  plan: 'max_cover' | 'least_forfeit';
  quote: Quote | null;
  /** The verdict for the most recent voucher scan, valid or not. */
  verdict: QuoteVoucher | null;
  error: ApiError | null;
  completed: CompletedSale | null;
  busy: boolean;
}

type Cart = Pick<SaleState, 'lines' | 'vouchers' | 'plan'>;

const empty = (): SaleState => ({
  lines: [],
  vouchers: [],
  plan: 'max_cover',
  quote: null,
  verdict: null,
  error: null,
  completed: null,
  busy: false,
});

/**
 * The sale in progress, as the renderer holds it: item ids, quantities, voucher strings and the
 * plan. Every change asks core for a fresh quote; core's answer is what the screen shows. Quotes
 * are sequenced so a slow answer never overwrites a newer one.
 */
export function useSale(api: PosApi, sounds: { ok: () => void; error: () => void }) {
  const [s, setS] = useState<SaleState>(empty);
  const saleId = useRef<string>(crypto.randomUUID());
  const seq = useRef(0);
  // The basket itself lives here, updated synchronously: a camera hit and a scanner burst that
  // arrive before React re-renders must both land, never overwrite each other.
  const cart = useRef<Cart>({ lines: [], vouchers: [], plan: 'max_cover' });
  const verdictRef = useRef<QuoteVoucher | null>(null);
  const completedRef = useRef(false);
  const busyRef = useRef(false);
  const quoteRef = useRef<Quote | null>(null);

  const requote = useCallback(
    async (scanned?: string): Promise<void> => {
      const mine = ++seq.current;
      const sent = cart.current;
      setS((p) => ({ ...p, ...sent, busy: true }));
      const r = await api.quoteSale({ lines: sent.lines, vouchers: sent.vouchers, plan: sent.plan });
      if (scanned !== undefined && r.ok) {
        const verdict = r.value.vouchers.find((v) => v.input === scanned) ?? null;
        verdictRef.current = verdict;
        if (verdict && verdict.code !== 'valid') {
          // A refused voucher is shown, then left out of the sale.
          sounds.error();
          cart.current = { ...cart.current, vouchers: cart.current.vouchers.filter((v) => v !== scanned) };
        } else sounds.ok();
      }
      if (mine !== seq.current) return;
      if (!r.ok) {
        sounds.error();
        setS((p) => ({ ...p, busy: false, error: r.error }));
        return;
      }
      const now = cart.current;
      const quote = { ...r.value, vouchers: r.value.vouchers.filter((v) => now.vouchers.includes(v.input)) };
      quoteRef.current = quote;
      setS((p) => ({ ...p, ...now, quote, verdict: verdictRef.current, error: null, busy: false }));
    },
    [api, sounds],
  );

  const change = useCallback(
    (next: Cart, scanned?: string) => {
      if (completedRef.current) return;
      cart.current = next;
      void requote(scanned);
    },
    [requote],
  );

  const addItem = useCallback(
    (item: Pick<Item, 'id'>, quantity = 1) => {
      const cur = cart.current;
      const existing = cur.lines.find((l) => l.itemId === item.id);
      const lines = existing
        ? cur.lines.map((l) => (l === existing ? { ...l, quantity: Math.min(999, l.quantity + quantity) } : l))
        : [...cur.lines, { itemId: item.id, quantity }];
      sounds.ok();
      change({ ...cur, lines });
    },
    [change, sounds],
  );

  const addVoucher = useCallback(
    (raw: string) => {
      const cur = cart.current;
      const token = normalizeScan(raw);
      // The same voucher scanned twice (camera or a double press) is one voucher.
      if (cur.vouchers.includes(token)) return;
      change({ ...cur, vouchers: [...cur.vouchers, token] }, token);
    },
    [change],
  );

  const setQuantity = useCallback(
    (itemId: number, quantity: number) => {
      const cur = cart.current;
      const lines =
        quantity <= 0
          ? cur.lines.filter((l) => l.itemId !== itemId)
          : cur.lines.map((l) => (l.itemId === itemId ? { ...l, quantity: Math.min(999, quantity) } : l));
      change({ ...cur, lines });
    },
    [change],
  );

  const removeVoucher = useCallback(
    (token: string) => change({ ...cart.current, vouchers: cart.current.vouchers.filter((v) => v !== token) }),
    [change],
  );

  const setPlan = useCallback((plan: SaleState['plan']) => change({ ...cart.current, plan }), [change]);

  const commit = useCallback(async (): Promise<CompletedSale | null> => {
    const cur = cart.current;
    const quote = quoteRef.current;
    if (!quote?.committable || busyRef.current) return null;
    busyRef.current = true;
    setS((p) => ({ ...p, busy: true }));
    const r = await api.commitSale({
      lines: cur.lines,
      vouchers: cur.vouchers,
      plan: cur.plan,
      clientSaleId: saleId.current,
      expect: {
        voucherPaidFen: quote.totals.voucherPaidFen,
        otherTenderFen: quote.totals.otherTenderFen,
        forfeitedFen: quote.totals.forfeitedFen,
      },
    });
    busyRef.current = false;
    if (!r.ok) {
      sounds.error();
      setS((p) => ({ ...p, busy: false, error: r.error }));
      if (r.error.code === 'quote_changed') void requote();
      return null;
    }
    sounds.ok();
    completedRef.current = true;
    setS((p) => ({ ...p, busy: false, completed: r.value }));
    return r.value;
  }, [api, requote, sounds]);

  const reset = useCallback(() => {
    saleId.current = crypto.randomUUID();
    seq.current++;
    cart.current = { lines: [], vouchers: [], plan: 'max_cover' };
    verdictRef.current = null;
    quoteRef.current = null;
    completedRef.current = false;
    setS(empty());
  }, []);

  const clearError = useCallback(() => setS((p) => ({ ...p, error: null })), []);

  return { sale: s, addItem, addVoucher, setQuantity, removeVoucher, setPlan, commit, reset, clearError };
}
