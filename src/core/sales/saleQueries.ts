import { PosError } from '../../shared/api/errors';
import type { CompletedSale, QuoteLine, SaleSummary, SaleUpload } from '../../shared/api/schemas/checkout';
import type { RecordStatus } from '../../shared/sync/protocol';
import type { Category } from '../../shared/domain/categories';
import { holderCode, maskVoucherId } from '../../shared/voucher/token';
import type { JournalRecord } from '../../trust/chain';
import type { Session } from '../auth/users';
import { VoucherStates } from '../checkout/voucherState';
import type { Db } from '../db/open';
import type { Journal } from '../journal/journal';
import type { ManifestStore } from '../vouchers/manifestStore';

/** A sale with its cashier's name, as both queries read it. */
interface SaleRow {
  id: string;
  created_at: string;
  cashier_id: number;
  cashier_name: string;
  total_fen: number;
  voucher_paid_fen: number;
  other_tender_fen: number;
  forfeited_fen: number;
  voided_at: string | null;
}

/** A cashier may void their own sale for this long; after it, or for another's sale, the owner decides. */
export const SELF_VOID_MS = 10 * 60 * 1000;

export interface SaleQueryDeps {
  db: Db;
  journal: Journal;
  manifests: ManifestStore;
  /** Whether the till has a program to upload to (a sale on a till never enrolled waits for that). */
  enrolled: () => boolean;
  now: () => number;
}

/**
 * Reading sales back: one sale (for the receipt, the history, commit's answer) and today's list.
 * Apart from the commands so that printing and history depend on reading only, and wiring runs
 * one way: queries ← printing ← checkout.
 */
export class SaleQueries {
  private readonly states: VoucherStates;

  constructor(private readonly d: SaleQueryDeps) {
    this.states = new VoucherStates(d.db);
  }

  voidableBySelf(actor: Session, saleCashierId: number, createdAt: string): boolean {
    if (actor.role === 'owner') return true;
    return actor.id === saleCashierId && this.d.now() - Date.parse(createdAt) <= SELF_VOID_MS;
  }

  get(saleId: string): CompletedSale {
    const sale = this.d.db
      .prepare<[string], SaleRow>('SELECT s.*, u.name AS cashier_name FROM sales s JOIN users u ON u.id = s.cashier_id WHERE s.id = ?')
      .get(saleId);
    if (!sale) throw new PosError('sale_not_found', `no sale ${saleId}`);
    const lines = this.d.db
      .prepare<
        [string],
        {
          item_id: number;
          name: string;
          category: string;
          unit: string;
          unit_price_fen: number;
          quantity: number;
          amount_fen: number;
          voucher_paid_fen: number;
          eligibility: QuoteLine['status'];
        }
      >('SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no')
      .all(saleId)
      .map<QuoteLine>((l) => ({
        itemId: l.item_id,
        name: l.name,
        category: l.category as Category,
        unit: l.unit,
        unitPriceFen: l.unit_price_fen,
        quantity: l.quantity,
        amountFen: l.amount_fen,
        eligibleFen: l.voucher_paid_fen,
        voucherPaidFen: l.voucher_paid_fen,
        status: l.eligibility,
        reason: null,
      }));
    const records = this.d.journal.bySale(saleId);
    const manifest = this.d.manifests.current();
    const vouchers = records
      .filter((r) => r.type === 'redeem')
      .map((r) => {
        const campaign = manifest?.campaigns.get(r.campaignId);
        const state = this.states.get(r.voucherId);
        return {
          voucherId: r.voucherId,
          masked: maskVoucherId(r.voucherId),
          holderCode: state?.holder_tag ? holderCode(state.holder_tag) : null,
          campaignId: r.campaignId,
          campaignName: campaign ? campaign.names : { zh: `活动 ${r.campaignId}`, en: `Campaign ${r.campaignId}` },
          kind: r.kind,
          usedFen: r.amountFen,
          forfeitedFen: r.forfeitedFen,
          balanceAfterFen: r.kind === 'balance' && state ? state.face_value_fen - state.spent_fen : null,
        };
      });
    return {
      saleId,
      createdAt: sale.created_at,
      cashier: { id: sale.cashier_id, name: sale.cashier_name },
      lines,
      vouchers,
      totals: {
        basketFen: sale.total_fen,
        voucherPaidFen: sale.voucher_paid_fen,
        otherTenderFen: sale.other_tender_fen,
        forfeitedFen: sale.forfeited_fen,
      },
      records: records.map((r: JournalRecord) => ({ seq: r.seq, id: r.id, type: r.type, hash: r.hash, authorization: r.authorization })),
      voidedAt: sale.voided_at,
      upload: this.upload(saleId),
    };
  }

  /**
   * Where the sale's records stand with the program (its redemptions and, once voided, its
   * reversals). A record is uploaded once a finished outbox batch covers its seq, and answered
   * once the program's verdict is in record_status; the sale is as far along as its least
   * advanced record, so a void waiting to go out makes the sale wait again.
   */
  upload(saleId: string): SaleUpload {
    const records = this.d.db
      .prepare<[string], { status: RecordStatus | null; sent: number }>(
        `SELECT s.status,
                EXISTS (SELECT 1 FROM outbox_batches b WHERE b.done_at IS NOT NULL AND j.seq BETWEEN b.from_seq AND b.to_seq) AS sent
           FROM journal j LEFT JOIN record_status s ON s.record_id = j.id
          WHERE j.sale_id = ?`,
      )
      .all(saleId);
    if (records.length === 0 && !this.d.db.prepare('SELECT 1 FROM sales WHERE id = ?').get(saleId)) {
      throw new PosError('sale_not_found', `no sale ${saleId}`);
    }
    if (records.length > 0 && records.every((r) => r.status !== null)) {
      if (records.some((r) => r.status === 'rejected')) return 'rejected';
      if (records.some((r) => r.status === 'held')) return 'held';
      return 'accepted';
    }
    if (records.length > 0 && records.every((r) => r.sent === 1 || r.status !== null)) return 'uploaded';
    return this.d.enrolled() ? 'waiting' : 'not_enrolled';
  }

  /** Sales since `sinceIso` (the start of the shop's day), newest first. */
  list(sinceIso: string, actor: Session): SaleSummary[] {
    return this.d.db
      .prepare<[string], SaleRow>(
        'SELECT s.*, u.name AS cashier_name FROM sales s JOIN users u ON u.id = s.cashier_id WHERE s.created_at >= ? ORDER BY s.created_at DESC LIMIT 500',
      )
      .all(sinceIso)
      .map((s) => ({
        saleId: s.id,
        createdAt: s.created_at,
        cashierName: s.cashier_name,
        totals: {
          basketFen: s.total_fen,
          voucherPaidFen: s.voucher_paid_fen,
          otherTenderFen: s.other_tender_fen,
          forfeitedFen: s.forfeited_fen,
        },
        voidedAt: s.voided_at,
        voidableBySelf: s.voided_at === null && this.voidableBySelf(actor, s.cashier_id, s.created_at),
      }));
  }
}
