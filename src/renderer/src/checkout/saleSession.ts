import type { PosApi } from '../../../shared/api/client';
import type { ApiError } from '../../../shared/api/errors';
import type { Item } from '../../../shared/api/schemas/catalog';
import { MAX_QUANTITY, MAX_VOUCHER_CHARS, type CompletedSale, type Quote, type QuoteVoucher } from '../../../shared/api/schemas/checkout';
import { normalizeScan } from '../../../shared/voucher/token';
import { shownPart } from '../scan/classifyScan';
import type { CartStore, SavedCart } from './cartStore';

/**
 * The sale in progress, as the renderer holds it, with no React in it so it can be tested on its
 * own: item ids, quantities, voucher strings and the plan. Every change asks core for a fresh
 * quote; core's answer is what the screen shows. React reads it through `subscribe` and
 * `getSnapshot` (useSyncExternalStore), see useSale.ts. One session lives for the whole app (above
 * the tabs), so opening another screen never loses the basket; a CartStore keeps it across a restart.
 *
 * What a reader could get wrong:
 * - The cart is updated synchronously, before any quote answers: a camera hit and a scanner burst
 *   that arrive together must both land, never overwrite each other.
 * - Quotes are sequenced: a slow answer never overwrites a newer one. A verdict for a scanned
 *   voucher is still taken from a stale answer (it is the only answer about that scan).
 * - A refused voucher is shown (the verdict), then left out of the sale. So is a string no quote
 *   can carry (longer than the contract allows): it gets a verdict of its own and is never sent,
 *   and should core still refuse the request over one voucher, that voucher is dropped, so one bad
 *   scan can never block every later quote.
 * - A cart saved before a restart is offered, not applied: until the cashier resumes or drops it,
 *   scans are refused, so the saved cart is never overwritten by accident.
 */
export interface SaleLine {
  itemId: number;
  quantity: number;
}

/** A scanned string that cannot be a voucher at all, judged here without asking core. */
export interface LocalVerdict {
  local: true;
  code: 'not_a_voucher';
  /** The start of what was scanned, for the cashier to recognise. */
  shown: string;
}

export type Verdict = QuoteVoucher | LocalVerdict;

export const isLocalVerdict = (v: Verdict): v is LocalVerdict => 'local' in v;

export interface SaleState {
  lines: SaleLine[];
  vouchers: string[];
  plan: 'max_cover' | 'least_forfeit';
  quote: Quote | null;
  /** The verdict for the most recent voucher scan, valid or not. */
  verdict: Verdict | null;
  error: ApiError | null;
  completed: CompletedSale | null;
  busy: boolean;
  /** A sale left unfinished before a restart, waiting for the cashier to resume or drop it. */
  saved: { lines: number; vouchers: number; savedAt: string } | null;
}

export interface SaleSounds {
  ok: () => void;
  error: () => void;
  /** A sale recorded; `ok` when absent. */
  done?: () => void;
}

type Cart = Pick<SaleState, 'lines' | 'vouchers' | 'plan'>;

const emptyCart = (): Cart => ({ lines: [], vouchers: [], plan: 'max_cover' });
const emptyState = (): SaleState => ({
  ...emptyCart(),
  quote: null,
  verdict: null,
  error: null,
  completed: null,
  busy: false,
  saved: null,
});
const notAVoucher = (raw: string): LocalVerdict => ({ local: true, code: 'not_a_voucher', shown: shownPart(raw) });

export class SaleSession {
  private readonly api: PosApi;
  private readonly sounds: SaleSounds;
  private readonly newSaleId: () => string;
  private readonly store: CartStore | null;
  private readonly listeners = new Set<() => void>();
  private state: SaleState = emptyState();
  /** Ahead of `state` while a quote is out: this is what the next request and the commit send. */
  private cart: Cart = emptyCart();
  private saleId: string;
  private seq = 0;
  /** The latest scan verdict, possibly from a stale answer; shown with the next current quote. */
  private latestVerdict: Verdict | null = null;
  /** Only a commit in flight blocks another commit; a quote in flight does not. */
  private committing = false;
  private savedCart: SavedCart | null = null;

  constructor(api: PosApi, sounds: SaleSounds, newSaleId: () => string = () => crypto.randomUUID(), store: CartStore | null = null) {
    this.api = api;
    this.sounds = sounds;
    this.newSaleId = newSaleId;
    this.store = store;
    this.saleId = newSaleId();
    const saved = store?.load() ?? null;
    if (saved) {
      this.savedCart = saved;
      this.state = { ...this.state, saved: { lines: saved.lines.length, vouchers: saved.vouchers.length, savedAt: saved.savedAt } };
    }
  }

  // Arrow properties: React and the screen pass these around unbound.
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SaleState => this.state;

  readonly addItem = (item: Pick<Item, 'id'>, quantity = 1): void => {
    if (!this.accepting()) return;
    const cur = this.cart;
    const existing = cur.lines.find((l) => l.itemId === item.id);
    const lines = existing
      ? cur.lines.map((l) => (l === existing ? { ...l, quantity: Math.min(MAX_QUANTITY, l.quantity + quantity) } : l))
      : [...cur.lines, { itemId: item.id, quantity }];
    this.sounds.ok();
    this.change({ ...cur, lines });
  };

  readonly addVoucher = (raw: string): void => {
    if (!this.accepting()) return;
    // No request could carry it: say so here and keep it out of the sale.
    if (raw.length > MAX_VOUCHER_CHARS) return this.refuseScan(raw);
    const cur = this.cart;
    const token = normalizeScan(raw);
    // The same voucher scanned twice (camera or a double press) is one voucher.
    if (cur.vouchers.includes(token)) return;
    this.change({ ...cur, vouchers: [...cur.vouchers, token] }, token);
  };

  /** A scan that starts like a voucher but cannot be one: its verdict, and nothing else changes. */
  readonly refuseScan = (raw: string): void => {
    if (this.state.completed) return;
    this.sounds.error();
    this.latestVerdict = notAVoucher(raw);
    this.update({ verdict: this.latestVerdict });
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
    (this.sounds.done ?? this.sounds.ok)();
    this.store?.clear();
    this.update({ busy: false, completed: r.value });
    return r.value;
  };

  /** The next customer: an empty basket and a new client sale id. Answers still on their way are ignored. */
  readonly reset = (): void => {
    this.saleId = this.newSaleId();
    this.seq++;
    this.cart = emptyCart();
    this.latestVerdict = null;
    // A cart offered for resuming stays offered: only the cashier's answer ends it.
    if (!this.savedCart) this.store?.clear();
    this.state = { ...emptyState(), saved: this.state.saved };
    this.emit();
  };

  /** The recorded sale on screen was voided: it is shown as voided, at the counter and on the customer display. */
  readonly markVoided = (sale: CompletedSale): void => {
    if (this.state.completed?.saleId === sale.saleId) this.update({ completed: sale });
  };

  readonly clearError = (): void => {
    this.update({ error: null });
  };

  /**
   * Carries on with the cart saved before a restart. If core has that sale already (the power went
   * after it was recorded), the recorded sale is shown instead and returned.
   */
  readonly resume = async (): Promise<CompletedSale | null> => {
    const saved = this.savedCart;
    if (!saved) return null;
    this.savedCart = null;
    this.update({ saved: null, busy: true });
    const recorded = await this.api.getSale({ saleId: saved.saleId });
    if (recorded.ok) {
      this.store?.clear();
      this.saleId = this.newSaleId();
      this.update({ busy: false, completed: recorded.value });
      return recorded.value;
    }
    this.saleId = saved.saleId;
    this.change({ lines: saved.lines, vouchers: saved.vouchers, plan: saved.plan });
    return null;
  };

  /** The cashier does not want the saved cart: it is forgotten. */
  readonly discardSaved = (): void => {
    if (!this.savedCart) return;
    this.savedCart = null;
    this.store?.clear();
    this.update({ saved: null });
  };

  private accepting(): boolean {
    if (this.state.completed) return false;
    if (this.savedCart) {
      this.sounds.error();
      return false;
    }
    return true;
  }

  private change(next: Cart, scanned?: string): void {
    if (this.state.completed || this.savedCart) return;
    this.setCart(next);
    void this.requote(scanned);
  }

  private setCart(next: Cart): void {
    this.cart = next;
    if (!this.store) return;
    if (next.lines.length === 0 && next.vouchers.length === 0) this.store.clear();
    else this.store.save({ saleId: this.saleId, ...next, savedAt: new Date().toISOString() });
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
        this.setCart({ ...this.cart, vouchers: this.cart.vouchers.filter((v) => v !== scanned) });
      } else this.sounds.ok();
    }
    if (!r.ok) {
      // Core refused the request because of one voucher string: drop it and price the rest.
      const bad = r.error.code === 'validation' ? /^args\.vouchers\.(\d+)/.exec(r.error.field ?? '') : null;
      const culprit = bad ? sent.vouchers[Number(bad[1])] : undefined;
      if (culprit !== undefined) {
        // Several answers in flight may name the same string: it is refused (and beeped) once.
        if (this.cart.vouchers.includes(culprit)) {
          this.sounds.error();
          this.latestVerdict = notAVoucher(culprit);
          this.setCart({ ...this.cart, vouchers: this.cart.vouchers.filter((v) => v !== culprit) });
          this.update({ verdict: this.latestVerdict });
        }
        if (mine === this.seq) void this.requote();
        return;
      }
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
