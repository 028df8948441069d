import { z } from 'zod';
import { CATEGORIES } from '../../domain/categories';

export const itemSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  priceFen: z.number().int(),
  unit: z.string(),
  category: z.enum(CATEGORIES),
  quickKey: z.boolean(),
  barcodes: z.array(z.string()),
});

export const itemInputSchema = z
  .object({
    id: z.number().int().positive().optional(),
    name: z.string().trim().min(1).max(80),
    priceFen: z.number().int().min(0).max(10_000_000),
    unit: z.string().trim().min(1).max(8),
    category: z.enum(CATEGORIES),
    quickKey: z.boolean(),
    barcodes: z.array(z.string().trim().min(1).max(24)).max(10),
    /** 规格 (800g, 73cm); kept apart from the name so an import can fill it from its own column. */
    spec: z.string().trim().max(40).optional(),
  })
  .strict();

export type Item = z.output<typeof itemSchema>;
export type ItemInput = z.output<typeof itemInputSchema>;

/**
 * Whether the program will pay for an item. Until the program's approved product list (APL) and
 * shop proposals arrive every item is `not_listed`; the owner sees the column from day one.
 * - approved:   listed (`list` names the list and its version, `listedCategory` the category it is listed in)
 * - pending:    proposed by the shop, not yet decided
 * - refused:    the program said no (`reason`)
 * - not_listed: the program has not listed it; campaigns in `shop` mode still trust the shop's category
 */
export const ELIGIBILITY_STATES = ['approved', 'pending', 'refused', 'not_listed'] as const;
export const eligibilitySchema = z.object({
  state: z.enum(ELIGIBILITY_STATES),
  list: z.string().nullable(),
  listedCategory: z.enum(CATEGORIES).nullable(),
  reason: z.string().nullable(),
});
export type Eligibility = z.output<typeof eligibilitySchema>;

/** An item as the owner's Products screen shows it: the till's item plus what only the owner needs. */
export const productSchema = itemSchema.extend({
  spec: z.string(),
  active: z.boolean(),
  updatedAt: z.string(),
  eligibility: eligibilitySchema,
});
export type Product = z.output<typeof productSchema>;

export const PRODUCT_FILTERS = ['active', 'retired', 'quick'] as const;
export const productListInputSchema = z
  .object({
    /** Name, spec, pinyin initials ("nf" finds 奶粉) or barcode digits. */
    query: z.string().max(80).default(''),
    filter: z.enum(PRODUCT_FILTERS).default('active'),
    category: z.enum(CATEGORIES).nullable().default(null),
    offset: z.number().int().min(0).max(1_000_000).default(0),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export const productListSchema = z.object({ total: z.number().int(), rows: z.array(productSchema) });
export type ProductList = z.output<typeof productListSchema>;
