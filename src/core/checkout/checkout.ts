import { PosError } from '../../shared/api/errors';
import {
  MAX_VOUCHERS_PER_SALE,
  type CommitInput,
  type CompletedSale,
  type Quote,
  type QuoteLine,
  type QuoteVoucher,
  type SaleInput,
} from '../../shared/api/schemas/checkout';
import type { Campaign } from '../../shared/voucher/manifest';
import { holderCode, maskVoucherId, normalizeScan, type VoucherFields } from '../../shared/voucher/token';
import type { VoucherStatusCode } from '../../shared/voucher/verdict';
import type { Session } from '../auth/users';
import type { Catalog } from '../catalog/catalog';
import type { Db } from '../db/open';
import type { CategoryAmount, JournalRecord } from '../../trust/chain';
import { isNeverEligible } from '../../shared/domain/categories';
import type { ProgramLists } from '../catalog/programLists';
import type { Journal } from '../journal/journal';
import type { ManifestStore } from '../vouchers/manifestStore';
import type { SaleQueries } from '../sales/saleQueries';
import { DEFAULT_CLOCK_SKEW_MS, verifyVoucher } from '../../trust/verifyVoucher';
import { allocateWithAlternative, type AllocResult, type AllocVoucher } from './allocate';
import { VoucherStates } from './voucherState';

/** Largest basket a till accepts: ¥1,000,000. Above it, a quantity or a price is a typo. */
export const MAX_SALE_FEN = 100_000_000;

interface LineListing {
  code: string;
  unlisted?: 'not_listed' | 'over_max_price';
}

export interface CheckoutDeps {
  db: Db;
  catalog: Catalog;
  /** The program's lists (issue 11); without them every line is unlisted. */
  lists?: Pick<ProgramLists, 'listing' | 'versions'>;
  manifests: ManifestStore;
  journal: Journal;
  /** Reads a recorded sale back: what commit and void return. */
  queries: SaleQueries;
  merchantId: () => string | null;
  /** This till's device id: a voucher found by its holder code comes with a ticket made for this till only. */
  deviceId: () => string;
  /** Last successful contact with the program (ISO), for the max-hours-offline rule. */
  lastSyncAt: () => string | null;
  now: () => number;
  /** Runs inside the commit transaction (e.g. to queue receipts), so it commits with the sale or not at all. */
  onCommitted?: (saleId: string) => void;
}

interface ResolvedVoucher {
  quote: QuoteVoucher;
  fields?: VoucherFields;
  campaign?: Campaign;
  /** Index into the allocator's voucher list when the voucher takes part. */
  allocIndex?: number;
}

interface Computation {
  lines: QuoteLine[];
  /** Per line: the code a record names it by, and why the program's lists do not vouch for it (if so). */
  listings: LineListing[];
  vouchers: ResolvedVoucher[];
  alloc: AllocResult;
  alternative: AllocResult | null;
}

/**
 * The sale's commands: quote (what each voucher would pay), commit (record it for good) and void.
 * Reading sales back is SaleQueries' work. Stateless: the renderer sends item ids, quantities and scanned strings;
 * prices, eligibility and the allocation are always recomputed here, and recomputed again inside
 * the commit transaction, so what is recorded is what core computed, never what a client claimed.
 */
export class Checkout {
  private readonly states: VoucherStates;

  constructor(private readonly d: CheckoutDeps) {
    this.states = new VoucherStates(d.db);
  }

  /** `online`: the program will be asked to authorize, so this till's offline limits do not apply. */
  quote(input: SaleInput, online = false): Quote {
    const c = this.compute(input, online);
    return this.toQuote(c, input.plan);
  }

  /**
   * Records the sale. `auth.online` with the program's authorization id per voucher, or offline
   * (within the campaign's offline limits). Everything is recomputed inside the transaction.
   */
  commit(
    input: CommitInput,
    cashier: Session,
    auth: { online: boolean; ids: ReadonlyMap<string, string> } = { online: false, ids: new Map() },
  ): CompletedSale {
    const existing = this.d.db.prepare<[string], { id: string }>('SELECT id FROM sales WHERE id = ?').get(input.clientSaleId);
    if (existing) return this.d.queries.get(existing.id);
    const run = this.d.db.transaction((): string => {
      // Recomputed inside the write transaction: nothing can change between check and write.
      const c = this.compute(input, auth.online);
      const quote = this.toQuote(c, input.plan);
      const chosen = input.plan === 'least_forfeit' && c.alternative ? c.alternative : c.alloc;
      if (!quote.committable) throw new PosError('sale_blocked', 'no voucher pays anything in this sale');
      if (
        chosen.voucherPaidFen !== input.expect.voucherPaidFen ||
        chosen.forfeitedFen !== input.expect.forfeitedFen ||
        chosen.otherTenderFen !== input.expect.otherTenderFen
      ) {
        throw new PosError('quote_changed', 'the sale changed since it was shown to the cashier');
      }
      const nowIso = new Date(this.d.now()).toISOString();
      const saleId = input.clientSaleId;
      this.d.db
        .prepare(
          'INSERT INTO sales (id, created_at, cashier_id, total_fen, voucher_paid_fen, other_tender_fen, forfeited_fen, tender_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          saleId,
          nowIso,
          cashier.id,
          chosen.basketFen,
          chosen.voucherPaidFen,
          chosen.otherTenderFen,
          chosen.forfeitedFen,
          input.tenderType ?? 'cash',
        );
      const insertLine = this.d.db.prepare(
        'INSERT INTO sale_lines (sale_id, line_no, item_id, name, category, unit, unit_price_fen, quantity, amount_fen, voucher_paid_fen, eligibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      c.lines.forEach((l, j) =>
        insertLine.run(
          saleId,
          j + 1,
          l.itemId,
          l.name,
          l.category,
          l.unit,
          l.unitPriceFen,
          l.quantity,
          l.amountFen,
          chosen.lines[j]!.voucherPaidFen,
          chosen.lines[j]!.status,
        ),
      );
      let first = true;
      for (const v of c.vouchers) {
        if (v.allocIndex === undefined || !v.fields) continue;
        const a = chosen.vouchers[v.allocIndex]!;
        if (!a.selected) continue;
        const categories: Record<string, CategoryAmount> = {};
        const recordLines: NonNullable<JournalRecord['lines']> = [];
        for (const p of a.perLine) {
          const line = c.lines[p.line]!;
          const cat = (categories[line.category] ??= { amountFen: 0, quantity: 0 });
          cat.amountFen += p.amountFen;
          cat.quantity += line.quantity;
          // What the money bought, item by item (issue 11): no beneficiary data, only the goods.
          recordLines.push({
            code: c.listings[p.line]!.code,
            name: line.name.slice(0, 60),
            quantity: line.quantity,
            unitPriceFen: line.unitPriceFen,
            amountFen: p.amountFen,
            category: line.category,
          });
        }
        this.d.journal.append({
          type: 'redeem',
          time: nowIso,
          cashierId: cashier.id,
          saleId,
          voucherId: v.fields.voucherId,
          campaignId: v.fields.campaignId,
          kind: v.fields.kind,
          amountFen: a.usedFen,
          forfeitedFen: a.forfeitedFen,
          categories,
          otherTenderFen: first ? chosen.otherTenderFen : 0,
          authorization: auth.online ? (auth.ids.get(v.fields.voucherId) ?? 'offline') : 'offline',
          reverses: null,
          lines: recordLines,
          listVersions: this.d.lists?.versions() ?? { apl: 0, shop: 0 },
        });
        first = false;
        const offline = !auth.online || !auth.ids.has(v.fields.voucherId);
        this.states.apply(v.fields, { spent: a.usedFen, forfeited: a.forfeitedFen, uses: 1, offline: offline ? a.usedFen : 0 }, nowIso);
      }
      this.d.onCommitted?.(saleId);
      return saleId;
    });
    return this.d.queries.get(run.immediate());
  }

  /** Voids a sale with one `reverse` record per redemption. Own sale within 10 minutes, else the owner. */
  /**
   * `ownerApproved`: the owner's PIN was checked for this void before it started (SaleFlow.void).
   * The check never runs in here: a wrong PIN would roll back its own failure count.
   */
  void(saleId: string, actor: Session, ownerApproved: boolean): CompletedSale {
    this.d.db
      .transaction(() => {
        const sale = this.d.db
          .prepare<[string], { cashier_id: number; created_at: string; voided_at: string | null }>(
            'SELECT cashier_id, created_at, voided_at FROM sales WHERE id = ?',
          )
          .get(saleId);
        if (!sale) throw new PosError('sale_not_found', `no sale ${saleId}`);
        if (sale.voided_at) throw new PosError('already_voided', `sale ${saleId} is already voided`);
        if (!this.d.queries.voidableBySelf(actor, sale.cashier_id, sale.created_at)) {
          if (!ownerApproved) throw new PosError('void_needs_owner', 'this void needs the owner');
        }
        const nowIso = new Date(this.d.now()).toISOString();
        for (const r of this.d.journal.bySale(saleId).filter((x) => x.type === 'redeem')) {
          this.d.journal.append({ ...r, type: 'reverse', time: nowIso, cashierId: actor.id, reverses: r.id });
          const face = this.states.get(r.voucherId)?.face_value_fen ?? r.amountFen + r.forfeitedFen;
          this.states.apply(
            { voucherId: r.voucherId, campaignId: r.campaignId, kind: r.kind, faceValueFen: face },
            { spent: -r.amountFen, forfeited: -r.forfeitedFen, uses: -1, offline: r.authorization === 'offline' ? -r.amountFen : 0 },
            nowIso,
          );
        }
        this.d.db.prepare('UPDATE sales SET voided_at = ?, voided_by = ? WHERE id = ?').run(nowIso, actor.id, saleId);
      })
      .immediate();
    return this.d.queries.get(saleId);
  }

  // ---------------------------------------------------------------------------------------------

  private compute(input: SaleInput, online: boolean): Computation {
    const { lines, listings } = this.priceLines(input);
    const manifest = this.d.manifests.current();
    const now = this.d.now();
    const lastSync = this.d.lastSyncAt();
    const seen = new Set<string>();
    const allocVouchers: AllocVoucher[] = [];
    const deviceRemaining = new Map<number, number>();
    if (input.vouchers.length > MAX_VOUCHERS_PER_SALE) throw new PosError('too_many_vouchers', 'too many vouchers');

    const vouchers = input.vouchers.map((raw): ResolvedVoucher => {
      const normalized = normalizeScan(raw);
      const verdict = verifyVoucher(normalized, {
        manifest,
        merchantId: this.d.merchantId(),
        deviceId: this.d.deviceId(),
        nowMs: now,
        skewMs: DEFAULT_CLOCK_SKEW_MS,
      });
      const fields = verdict.ok ? verdict.voucher : verdict.voucher;
      // Stryker disable next-line OptionalChaining: a verdict carries fields only when checked against a manifest, so it is never null here
      const campaign = verdict.ok ? verdict.campaign : fields ? manifest?.campaigns.get(fields.campaignId) : undefined;
      const state = fields ? this.states.get(fields.voucherId) : undefined;
      const balanceBefore = fields
        ? fields.kind === 'fixed'
          ? state && state.uses > 0
            ? 0
            : fields.faceValueFen
          : fields.faceValueFen - (state?.spent_fen ?? 0)
        : null;
      const base: QuoteVoucher = {
        input: normalized,
        code: verdict.ok ? 'valid' : verdict.code,
        voucherId: fields?.voucherId ?? null,
        masked: fields ? maskVoucherId(fields.voucherId) : null,
        holderCode: fields ? holderCode(fields.holderTag) : null,
        campaignId: fields?.campaignId ?? null,
        campaignName: campaign?.names ?? null,
        kind: fields?.kind ?? null,
        faceValueFen: fields?.faceValueFen ?? null,
        validFrom: fields ? new Date(fields.validFrom * 1000).toISOString() : null,
        validUntil: fields ? new Date(fields.validUntil * 1000).toISOString() : null,
        balanceBeforeFen: balanceBefore,
        usedFen: 0,
        forfeitedFen: 0,
        balanceAfterFen: balanceBefore,
        selected: false,
      };
      if (!verdict.ok || !campaign) return { quote: base };
      const refuse = (code: VoucherStatusCode): ResolvedVoucher => ({ quote: { ...base, code }, fields: verdict.voucher, campaign });
      if (seen.has(verdict.voucher.voucherId)) return refuse('duplicate_in_sale');
      seen.add(verdict.voucher.voucherId);
      if (verdict.voucher.kind === 'fixed' && state && state.uses > 0) return refuse('already_used');
      // Stryker disable next-line ConditionalExpression: a fixed voucher has nothing left only once used, refused just above
      if (verdict.voucher.kind === 'balance' && (balanceBefore ?? 0) <= 0) return refuse('balance_exhausted');
      const fixed = verdict.voucher.kind === 'fixed';
      let available = fixed ? verdict.voucher.faceValueFen : (balanceBefore ?? 0);
      // Only the program vouches for a voucher found by its holder code: no offline use at all.
      if (!online && verdict.byHolderCode) return refuse('needs_online');
      if (!online) {
        // Offline limits (DESIGN.md §5), for sales the program cannot authorize right now.
        // A till that never heard from the program has been offline for ever.
        if (lastSync === null || now - Date.parse(lastSync) > campaign.offline.maxHoursOffline * 3_600_000)
          return refuse('offline_too_long');
        const offlineLeftVoucher = campaign.offline.perVoucherFen - (state?.offline_spent_fen ?? 0);
        if (fixed ? verdict.voucher.faceValueFen > offlineLeftVoucher : offlineLeftVoucher <= 0) return refuse('offline_limit_voucher');
        // Stryker disable next-line ConditionalExpression: only a cache (nothing changes the figure within a quote)
        if (!deviceRemaining.has(campaign.id))
          deviceRemaining.set(campaign.id, Math.max(0, campaign.offline.perDeviceTotalFen - this.offlineExposure(campaign.id, lastSync)));
        if (deviceRemaining.get(campaign.id)! <= 0) return refuse('offline_limit_device');
        // Stryker disable next-line ConditionalExpression: a fixed voucher above what is left was refused just above, so the minimum is its face value
        if (!fixed) available = Math.min(available, offlineLeftVoucher);
      }
      allocVouchers.push({
        kind: verdict.voucher.kind,
        campaign,
        faceValueFen: verdict.voucher.faceValueFen,
        availableFen: available,
        validUntil: verdict.voucher.validUntil,
      });
      return { quote: base, fields: verdict.voucher, campaign, allocIndex: allocVouchers.length - 1 };
    });

    const allocLines = lines.map((l, j) => ({
      category: l.category,
      unitPriceFen: l.unitPriceFen,
      quantity: l.quantity,
      ...(listings[j]!.unlisted ? { unlisted: listings[j]!.unlisted } : {}),
    }));
    // Both plans, whichever is asked for: the cashier is offered the other. (At most
    // MAX_VOUCHERS_PER_SALE vouchers make at most 2^12 combinations, within what allocate tries.)
    const { main, alternative } = allocateWithAlternative(allocLines, allocVouchers, deviceRemaining);
    return { lines, listings, vouchers, alloc: main, alternative };
  }

  private toQuote(c: Computation, plan: SaleInput['plan']): Quote {
    const chosen = plan === 'least_forfeit' && c.alternative ? c.alternative : c.alloc;
    const effectivePlan = chosen === c.alloc ? 'max_cover' : 'least_forfeit';
    const lines = c.lines.map((l, j) => ({
      ...l,
      eligibleFen: chosen.lines[j]!.eligibleFen,
      voucherPaidFen: chosen.lines[j]!.voucherPaidFen,
      status: chosen.lines[j]!.status,
      reason: chosen.lines[j]!.reason,
    }));
    const vouchers = c.vouchers.map((v) => {
      if (v.allocIndex === undefined) return v.quote;
      const a = chosen.vouchers[v.allocIndex]!;
      const before = v.quote.balanceBeforeFen ?? 0;
      return {
        ...v.quote,
        usedFen: a.usedFen,
        forfeitedFen: a.forfeitedFen,
        selected: a.selected,
        balanceAfterFen: v.quote.kind === 'fixed' ? (a.selected ? 0 : before) : before - a.usedFen,
      };
    });
    const other = chosen === c.alloc ? c.alternative : c.alloc;
    return {
      lines,
      vouchers,
      totals: {
        basketFen: chosen.basketFen,
        voucherPaidFen: chosen.voucherPaidFen,
        otherTenderFen: chosen.otherTenderFen,
        forfeitedFen: chosen.forfeitedFen,
      },
      plan: effectivePlan,
      alternative: other
        ? {
            plan: other.plan,
            basketFen: other.basketFen,
            voucherPaidFen: other.voucherPaidFen,
            otherTenderFen: other.otherTenderFen,
            forfeitedFen: other.forfeitedFen,
          }
        : null,
      committable: chosen.voucherPaidFen > 0,
    };
  }

  /**
   * Prices each line from the catalogue and asks the program's lists about it: a listed item is
   * judged by the category the program listed it in (the list wins over the shop's own label);
   * an unlisted one keeps the shop's category, which only campaigns in `shop` mode trust.
   */
  private priceLines(input: SaleInput): { lines: QuoteLine[]; listings: LineListing[] } {
    let total = 0;
    const nowIso = new Date(this.d.now()).toISOString();
    const listings: LineListing[] = [];
    const lines = input.lines.map((l): QuoteLine => {
      const item = this.d.catalog.get(l.itemId);
      const amount = item.priceFen * l.quantity;
      total += amount;
      if (!Number.isSafeInteger(amount) || amount > MAX_SALE_FEN || total > MAX_SALE_FEN)
        throw new PosError('amount_too_large', 'basket total too large', { params: { max: MAX_SALE_FEN } });
      const listing = this.d.lists?.listing(item, nowIso) ?? null;
      const own = item.barcodes.find((b) => /^[0-9]{8,14}$/.test(b));
      listings.push(
        listing
          ? {
              code: listing.code,
              ...(listing.maxUnitPriceFen !== null && item.priceFen > listing.maxUnitPriceFen
                ? { unlisted: 'over_max_price' as const }
                : {}),
            }
          : { code: own ?? `item:${item.id}`, unlisted: 'not_listed' },
      );
      return {
        itemId: item.id,
        name: item.name,
        category: listing && !isNeverEligible(item.category) ? listing.category : item.category,
        unit: item.unit,
        unitPriceFen: item.priceFen,
        quantity: l.quantity,
        amountFen: amount,
        eligibleFen: 0,
        voucherPaidFen: 0,
        status: 'no_voucher',
        reason: null,
      };
    });
    return { lines, listings };
  }

  /** Offline redemptions of a campaign at this till since the last sync, net of reversals. */
  private offlineExposure(campaignId: number, sinceIso: string): number {
    const row = this.d.db
      .prepare<[number, string], { n: number | null }>(
        "SELECT SUM(CASE type WHEN 'redeem' THEN amount_fen ELSE -amount_fen END) AS n FROM journal WHERE campaign_id = ? AND authorization = 'offline' AND time >= ?",
      )
      .get(campaignId, sinceIso)!; // an aggregate without GROUP BY always gives one row
    return row.n ?? 0;
  }
}
