import { PosError } from '../../shared/api/errors';
import type { CommitInput, CompletedSale, Quote, SaleInput } from '../../shared/api/schemas/checkout';
import type { Session, Users } from '../auth/users';
import type { Checkout } from '../checkout/checkout';
import type { Journal } from '../journal/journal';
import type { PrintService } from '../printing/printService';
import type { Logger } from '../system/log';
import type { SaleQueries } from './saleQueries';
import { SyncFailure } from '../sync/client';
import { toPosError, type SyncService } from '../sync/syncService';

export interface SaleFlowDeps {
  checkout: Checkout;
  queries: SaleQueries;
  journal: Journal;
  users: Users;
  sync: SyncService;
  printing: PrintService;
  log: Logger;
  now: () => number;
}

/**
 * The sale as a workflow across domains (DESIGN.md §5, §6):
 *   authorize online (or fall back to offline) → commit → give reservations back if the commit
 *   fails → print → upload.
 * The commit is the only step that must succeed; printing and uploading follow in the background
 * and can never undo or block a recorded redemption.
 */
/** Verdicts that may only mean "this till has not heard of it yet": worth asking the program. */
const NEWER_MANIFEST_MIGHT_KNOW = new Set(['unknown_campaign', 'unknown_key', 'no_manifest']);
/** A forged key id must not make every scan a round trip: at most one refresh in this window. */
export const MANIFEST_REFRESH_MIN_MS = 15_000;

export class SaleFlow {
  private lastRefreshAt = -Infinity;

  constructor(private readonly d: SaleFlowDeps) {}

  /**
   * What the cashier sees before confirming. A voucher of a campaign (or issuer key) published
   * since the last sync is judged again after fetching the manifest at once, when the program is
   * reachable: the cashier should not have to wait for the next sync or ask the owner to press it.
   */
  async quote(input: SaleInput): Promise<Quote> {
    const online = () => this.d.sync.connection() === 'online';
    const first = this.d.checkout.quote(input, online());
    if (!first.vouchers.some((v) => NEWER_MANIFEST_MIGHT_KNOW.has(v.code)) || !this.d.sync.enrolled()) return first;
    const now = this.d.now();
    if (now - this.lastRefreshAt < MANIFEST_REFRESH_MIN_MS) return first;
    this.lastRefreshAt = now;
    try {
      const installed = await this.d.sync.refreshManifest(3000);
      if (installed === null) return first; // nothing newer: the verdict stands
    } catch (err) {
      // Offline or refused: the verdict stands, and it already tells the cashier what to do.
      this.d.log.info({ err: err instanceof Error ? err.message : String(err) }, 'manifest refresh for an unknown voucher failed');
      return first;
    }
    return this.d.checkout.quote(input, online());
  }

  async commit(input: CommitInput, cashier: Session): Promise<CompletedSale> {
    const ids = await this.authorizeOnline(input);
    let sale: CompletedSale;
    try {
      sale = this.d.checkout.commit(input, cashier, { online: ids !== null, ids: ids ?? new Map() });
    } catch (e) {
      this.releaseAll(ids, 'commit failed');
      throw e;
    }
    this.d.printing.kick();
    this.d.sync.syncSoon('sale committed');
    return sale;
  }

  /**
   * Voids with reverse records; gives the program's reservations back at once (the reversals
   * upload either way). A void that needs the owner checks the owner's PIN first, outside the
   * void's transaction, so every wrong PIN is counted for good.
   */
  void(saleId: string, actor: Session, ownerPin: string | undefined): CompletedSale {
    const current = this.d.queries.get(saleId); // sale_not_found
    if (current.voidedAt) throw new PosError('already_voided', `sale ${saleId} is already voided`);
    const needsOwner = !this.d.queries.voidableBySelf(actor, current.cashier.id, current.createdAt);
    if (needsOwner && ownerPin === undefined) throw new PosError('void_needs_owner', 'this void needs the owner');
    if (needsOwner) this.d.users.approveAsOwner(ownerPin!, actor);
    const sale = this.d.checkout.void(saleId, actor, needsOwner);
    for (const r of this.d.journal.bySale(saleId)) {
      if (r.type === 'redeem' && r.authorization !== 'offline') this.d.sync.releaseSoon(r.authorization, 'sale voided');
    }
    this.d.sync.syncSoon('sale voided');
    return sale;
  }

  /**
   * Asks the program to reserve what each voucher pays in this sale, each with its token as proof
   * of possession; the hold lasts minutes and is captured by the record's upload right after the
   * commit, or given back if the commit fails or the sale is voided. Null when the till is not
   * enrolled or the program cannot be reached: the sale then goes offline, within offline limits.
   * A decline (used elsewhere, over balance, …) stops the sale with the program's reason.
   */
  private async authorizeOnline(input: CommitInput): Promise<Map<string, string> | null> {
    if (!this.d.sync.enrolled()) return null;
    const quote = this.d.checkout.quote(input, true);
    const ids = new Map<string, string>();
    try {
      for (const v of quote.vouchers) {
        if (!v.selected || !v.voucherId || v.campaignId === null || v.usedFen <= 0) continue;
        // The token as scanned (normalised by the quote) proves the voucher is here, not just its id.
        const r = await this.d.sync.authorize(`${input.clientSaleId}:${v.voucherId}`, v.voucherId, v.campaignId, v.usedFen, v.input);
        if (r.status === 'declined') {
          this.releaseAll(ids, 'another voucher was declined');
          throw new PosError('voucher_declined', `program declined ${v.masked}: ${r.reason}`, {
            params: { voucher: v.masked ?? '', reason: r.reason },
          });
        }
        ids.set(v.voucherId, r.authorizationId);
      }
      return ids;
    } catch (e) {
      if (e instanceof SyncFailure && e.kind === 'offline') {
        this.releaseAll(ids, 'program unreachable mid-authorization');
        return null;
      }
      throw e instanceof PosError ? e : toPosError(e);
    }
  }

  private releaseAll(ids: ReadonlyMap<string, string> | null, reason: string): void {
    for (const id of ids?.values() ?? []) this.d.sync.releaseSoon(id, reason);
  }
}
