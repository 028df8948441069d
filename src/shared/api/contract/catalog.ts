import { z } from 'zod';
import { itemInputSchema, itemSchema } from '../schemas/catalog';
import { noArgs, type DomainContract } from './spec';

/** The shop's goods and services: barcode look-up, quick keys, search, editing. */
export const catalogContract = {
  lookupBarcode: { input: z.object({ code: z.string().max(64) }).strict(), output: itemSchema, access: 'cashier' },
  listQuickKeys: { input: noArgs, output: z.array(itemSchema), access: 'cashier' },
  searchItems: { input: z.object({ query: z.string().max(80) }).strict(), output: z.array(itemSchema), access: 'cashier' },
  saveItem: { input: itemInputSchema, output: itemSchema, access: 'owner' },
} as const satisfies DomainContract;
