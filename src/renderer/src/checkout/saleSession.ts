import type { PosApi } from '../../../shared/api/client';
import type { ApiError } from '../../../shared/api/errors';
import type { Item } from '../../../shared/api/schemas/catalog';
import { MAX_QUANTITY, type CompletedSale, type Quote, type QuoteVoucher } from '../../../shared/api/schemas/checkout';
import { normalizeScan } from '../../../shared/voucher/token';

/**
 * The sale in progress, as the renderer holds it, with no React in it so it can be tested on its
 * own: item ids, quantities, voucher strings and the plan. Every change asks core for a fresh
 * quote; core's answer is what the screen shows. React reads it through `subscribe` and
 * `getSnapshot` (useSyncExternalStore), see useSale.ts.
 *
 * What a reader could get wrong:
 * - The cart is updated synchronously, before any quote answers: a camera hit and a scanner burst
 *   that arrive together must both land, never overwrite each other.
 * - Quotes are sequenced: a slow answer never overwrites a newer one. A verdict for a scanned
 *   voucher is still taken from a stale answer (it is the only answer about that scan).
 * - A refused voucher is shown (the verdict), then left out of the sale.
 */
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

export interface SaleSounds {
  ok: () => void;
  error: () => void;
}

type Cart = Pick<SaleState, 'lines' | 'vouchers' | 'plan'>;

const emptyCart = (): Cart => ({ lines: [], vouchers: [], plan: 'max_cover' });
const emptyState = (): SaleState => ({ ...emptyCart(), quote: null, verdict: null, error: null, completed: null, busy: false });

export class SaleSession {
  private readonly api: PosApi;
  private readonly sounds: SaleSounds;
  private readonly newSaleId: () => string;
  private readonly listeners = new Set<() => void>();
  private state: SaleState = emptyState();
  /** Ahead of `state` while a quote is out: this is what the next request and the commit send. */
  private cart: Cart = emptyCart();
  private saleId: string;
  private seq = 0;
  /** The latest scan verdict, possibly from a stale answer; shown with the next current quote. */
  private latestVerdict: QuoteVoucher | null = null;
  /** Only a commit in flight blocks another commit; a quote in flight does not. */
  private committing = false;

  constructor(api: PosApi, sounds: SaleSounds, newSaleId: () => string = () => crypto.randomUUID()) {
    this.api = api;
    this.sounds = sounds;
    this.newSaleId = newSaleId;
    this.saleId = newSaleId();
  }

  // Arrow properties: React and the screen pass these around unbound.
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SaleState => this.state;

  readonly addItem = (item: Pick<Item, 'id'>, quantity = 1): void => {
    const cur = this.cart;
    const existing = cur.lines.find((l) => l.itemId === item.id);
    const lines = existing
      ? cur.lines.map((l) => (l === existing ? { ...l, quantity: Math.min(MAX_QUANTITY, l.quantity + quantity) } : l))
      : [...cur.lines, { itemId: item.id, quantity }];
    this.sounds.ok();
    this.change({ ...cur, lines });
  };

  readonly addVoucher = (raw: string): void => {
    const cur = this.cart;
    const token = normalizeScan(raw);
    // The same voucher scanned twice (camera or a double press) is one voucher.
    if (cur.vouchers.includes(token)) return;
    this.change({ ...cur, vouchers: [...cur.vouchers, token] }, token);
  };

  readonly setQuantity = (itemId: number, quantity: number): void => {
    const cur = this.cart;
    const lines =
      quantity <= 0
        ? cur.lines.filter((l) => l.itemId !== itemId)
        : cur.lines.map((l) => (l.itemId === itemId ? { ...l, quantity: Math.min(MAX_QUANTITY, quantity) } : l));
    this.change({ ...cur, lines });
  };

  readonly removeVoucher = (token: string): void => {
    this.change({ ...this.cart, vouchers: this.cart.vouchers.filter((v) => v !== token) });
  };

  readonly setPlan = (plan: SaleState['plan']): void => {
    this.change({ ...this.cart, plan });
  };

  /** Records the sale with the totals the cashier saw; null when there is nothing to record or it failed. */
  readonly commit = async (): Promise<CompletedSale | null> => {
    const cur = this.cart;
    const quote = this.state.quote;
    if (!quote?.committable || this.committing) return null;
    this.committing = true;
    this.update({ busy: true });
    const r = await this.api.commitSale({
      lines: cur.lines,
      vouchers: cur.vouchers,
      plan: cur.plan,
      clientSaleId: this.saleId,
      expect: {
        voucherPaidFen: quote.totals.voucherPaidFen,
        otherTenderFen: quote.totals.otherTenderFen,
        forfeitedFen: quote.totals.forfeitedFen,
      },
    });
    this.committing = false;
    if (!r.ok) {
      this.sounds.error();
      this.update({ busy: false, error: r.error });
      if (r.error.code === 'quote_changed') void this.requote();
      return null;
    }
    this.sounds.ok();
    this.update({ busy: false, completed: r.value });
    return r.value;
  };

  /** The next customer: an empty basket and a new client sale id. Answers still on their way are ignored. */
  readonly reset = (): void => {
    this.saleId = this.newSaleId();
    this.seq++;
    this.cart = emptyCart();
    this.latestVerdict = null;
    this.state = emptyState();
    this.emit();
  };

  readonly clearError = (): void => {
    this.update({ error: null });
  };

  private change(next: Cart, scanned?: string): void {
    if (this.state.completed) return;
    this.cart = next;
    void this.requote(scanned);
  }

  private async requote(scanned?: string): Promise<void> {
    const mine = ++this.seq;
    const sent = this.cart;
    this.update({ ...sent, busy: true });
    const r = await this.api.quoteSale({ lines: sent.lines, vouchers: sent.vouchers, plan: sent.plan });
    if (scanned !== undefined && r.ok) {
      const verdict = r.value.vouchers.find((v) => v.input === scanned) ?? null;
      this.latestVerdict = verdict;
      if (verdict && verdict.code !== 'valid') {
        // A refused voucher is shown, then left out of the sale.
        this.sounds.error();
        this.cart = { ...this.cart, vouchers: this.cart.vouchers.filter((v) => v !== scanned) };
      } else this.sounds.ok();
    }
    if (mine !== this.seq) return;
    if (!r.ok) {
      this.sounds.error();
      this.update({ busy: false, error: r.error });
      return;
    }
    const now = this.cart;
    const quote = { ...r.value, vouchers: r.value.vouchers.filter((v) => now.vouchers.includes(v.input)) };
    this.update({ ...now, quote, verdict: this.latestVerdict, error: null, busy: false });
  }

  private update(patch: Partial<SaleState>): void {
    this.state = { ...this.state, ...patch };
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
