import { z } from 'zod';
import { tenderTypeSchema } from './backoffice';
import { CATEGORIES } from '../../domain/categories';
import { VOUCHER_STATUS_CODES } from '../../voucher/verdict';

const fen = z.number().int();
const localized = z.object({ zh: z.string(), en: z.string() });

export const MAX_LINES = 200;
export const MAX_QUANTITY = 999;
export const MAX_VOUCHERS_PER_SALE = 12;
/** The longest scanned string core will judge as a voucher; a token is 160 characters. */
export const MAX_VOUCHER_CHARS = 4096;

export const saleLineInputSchema = z.object({
  itemId: z.number().int().positive(),
  quantity: z.number().int().min(1).max(MAX_QUANTITY),
});

export const planSchema = z.enum(['max_cover', 'least_forfeit']);

/** A basket as the renderer holds it: item ids, quantities and scanned voucher strings. Prices come from core. */
export const saleInputSchema = z.object({
  lines: z.array(saleLineInputSchema).max(MAX_LINES),
  vouchers: z.array(z.string().max(MAX_VOUCHER_CHARS)).max(MAX_VOUCHERS_PER_SALE),
  plan: planSchema.default('max_cover'),
});

export const lineStatusSchema = z.enum(['eligible', 'partial', 'not_eligible', 'no_voucher']);
export const lineReasonSchema = z.enum(['never_eligible', 'category_not_eligible', 'over_cap', 'not_listed', 'over_max_price']).nullable();

export const quoteLineSchema = z.object({
  itemId: z.number().int(),
  name: z.string(),
  category: z.enum(CATEGORIES),
  unit: z.string(),
  unitPriceFen: fen,
  quantity: z.number().int(),
  amountFen: fen,
  eligibleFen: fen,
  voucherPaidFen: fen,
  status: lineStatusSchema,
  reason: lineReasonSchema,
});

export const quoteVoucherSchema = z.object({
  /** The scanned string as normalised, so the renderer can match and remove it. */
  input: z.string(),
  code: z.enum(VOUCHER_STATUS_CODES),
  voucherId: z.string().nullable(),
  masked: z.string().nullable(),
  /** The holder code printed on the voucher card ("7K2Q-9XMB"): what a person compares. Null when unreadable. */
  holderCode: z.string().nullable().optional(),
  campaignId: z.number().int().nullable(),
  campaignName: localized.nullable(),
  kind: z.enum(['fixed', 'balance']).nullable(),
  faceValueFen: fen.nullable(),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  /** What the voucher could still pay before this sale (fixed: face; balance: remaining). */
  balanceBeforeFen: fen.nullable(),
  usedFen: fen,
  forfeitedFen: fen,
  balanceAfterFen: fen.nullable(),
  selected: z.boolean(),
});

export const totalsSchema = z.object({
  basketFen: fen,
  voucherPaidFen: fen,
  otherTenderFen: fen,
  forfeitedFen: fen,
});

export const quoteSchema = z.object({
  lines: z.array(quoteLineSchema),
  vouchers: z.array(quoteVoucherSchema),
  totals: totalsSchema,
  plan: planSchema,
  /** Offered when the proposal forfeits and a choice forfeiting less exists. */
  alternative: totalsSchema.extend({ plan: planSchema }).nullable(),
  /** True when at least one voucher pays something. */
  committable: z.boolean(),
});

export const commitInputSchema = saleInputSchema.extend({
  /** Made by the renderer per sale: committing twice (double Enter, a retry) records the sale once. */
  clientSaleId: z.uuid(),
  /** The totals the cashier confirmed; if core computes anything else, nothing is committed. */
  expect: totalsSchema.pick({ voucherPaidFen: true, otherTenderFen: true, forfeitedFen: true }),
  /** How the family paid the rest (recorded for the day close, not processed). */
  tenderType: tenderTypeSchema.optional(),
});

/**
 * Where a sale's journal records stand with the program, taken from the least advanced of them:
 * waiting (in no batch the program took yet), uploaded (taken, not answered), accepted, held for
 * the program's review, rejected; not_enrolled: waiting, and the till has no program to send to.
 */
export const saleUploadSchema = z.enum(['waiting', 'uploaded', 'accepted', 'held', 'rejected', 'not_enrolled']);

export const completedSaleSchema = z.object({
  saleId: z.string(),
  createdAt: z.string(),
  cashier: z.object({ id: z.number().int(), name: z.string() }),
  lines: z.array(quoteLineSchema),
  vouchers: z.array(
    z.object({
      voucherId: z.string(),
      masked: z.string(),
      /** The card's holder code; null for sales recorded before the till kept it. */
      holderCode: z.string().nullable().optional(),
      campaignId: z.number().int(),
      campaignName: localized,
      kind: z.enum(['fixed', 'balance']),
      usedFen: fen,
      forfeitedFen: fen,
      balanceAfterFen: fen.nullable(),
    }),
  ),
  totals: totalsSchema,
  records: z.array(
    z.object({
      seq: z.number().int(),
      id: z.string(),
      type: z.enum(['redeem', 'reverse']),
      hash: z.string(),
      /** The program's authorization id, or 'offline'. */
      authorization: z.string(),
    }),
  ),
  voidedAt: z.string().nullable(),
  /** Changes after the sale is recorded: the counter and today's sales ask again while it is waiting. */
  upload: saleUploadSchema,
});

export const saleSummarySchema = z.object({
  saleId: z.string(),
  createdAt: z.string(),
  cashierName: z.string(),
  totals: totalsSchema,
  voidedAt: z.string().nullable(),
  /** Whether the signed-in user may void it without the owner's PIN right now. */
  voidableBySelf: z.boolean(),
});

export type SaleInput = z.output<typeof saleInputSchema>;
export type Quote = z.output<typeof quoteSchema>;
export type QuoteLine = z.output<typeof quoteLineSchema>;
export type QuoteVoucher = z.output<typeof quoteVoucherSchema>;
export type CommitInput = z.output<typeof commitInputSchema>;
export type CompletedSale = z.output<typeof completedSaleSchema>;
export type SaleSummary = z.output<typeof saleSummarySchema>;
export type SaleUpload = z.output<typeof saleUploadSchema>;
export type Totals = z.output<typeof totalsSchema>;

/** A sale was redeemed online when the program authorized every redemption; one offline redemption makes it offline. */
export function redeemedOnline(sale: Pick<CompletedSale, 'records'>): boolean {
  const redeems = sale.records.filter((r) => r.type === 'redeem');
  return redeems.length > 0 && redeems.every((r) => r.authorization !== 'offline');
}

/** A voucher found by its typed holder code (issue 13, item 4): its ticket for the sale, and what the cashier is shown. */
export const holderVoucherSchema = z.object({
  ticket: z.string().max(512),
  masked: z.string(),
  holderCode: z.string(),
  campaignName: localized.nullable(),
  kind: z.enum(['fixed', 'balance']),
  faceValueFen: fen,
  validUntil: z.string(),
});
export type HolderVoucher = z.output<typeof holderVoucherSchema>;
