import { z } from 'zod';
import {
  commitInputSchema,
  completedSaleSchema,
  holderVoucherSchema,
  quoteSchema,
  saleInputSchema,
  saleSummarySchema,
  saleUploadSchema,
} from '../schemas/checkout';
import { noArgs, type DomainContract } from './spec';

export const journalCheckSchema = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  headSeq: z.number().int(),
  problem: z.string().nullable(),
});

const saleId = z.string().max(64);

/** The sale: quote, commit, void, today's sales, one sale and its upload, and the journal's own check. */
export const salesContract = {
  quoteSale: { input: saleInputSchema.strict(), output: quoteSchema, access: 'cashier' },
  commitSale: { input: commitInputSchema.strict(), output: completedSaleSchema, access: 'cashier' },
  voidSale: {
    input: z.object({ saleId, ownerPin: z.string().max(16).optional() }).strict(),
    output: completedSaleSchema,
    access: 'cashier',
  },
  listSalesToday: { input: noArgs, output: z.array(saleSummarySchema), access: 'cashier' },
  getSale: { input: z.object({ saleId }).strict(), output: completedSaleSchema, access: 'cashier' },
  /** Asked every few seconds while a sale on screen waits to upload: polled, so it keeps no idle session alive. */
  getSaleUpload: { input: z.object({ saleId }).strict(), output: z.object({ upload: saleUploadSchema }), access: 'cashier', polled: true },
  verifyJournal: { input: noArgs, output: journalCheckSchema, access: 'owner' },
  /** The vouchers under a holder code typed off a card whose QR will not scan; asks the program (online only). */
  findVoucherByHolderCode: {
    input: z.object({ code: z.string().max(40) }).strict(),
    output: z.object({ code: z.string(), vouchers: z.array(holderVoucherSchema) }),
    access: 'cashier',
  },
} as const satisfies DomainContract;

export type JournalCheck = z.output<typeof journalCheckSchema>;
