import { z } from 'zod';
import { proposeInputSchema, tillProposalSchema } from '../schemas/proposals';
import { exportFileSchema } from '../schemas/backoffice';
import { itemInputSchema, itemSchema, productListInputSchema, productListSchema, productSchema } from '../schemas/catalog';
import {
  importPreviewSchema,
  importProgressSchema,
  importRequestSchema,
  importResultSchema,
  MAX_IMPORT_BODY_BYTES,
} from '../schemas/catalogImport';
import { MAX_QUICK_KEYS, SHOP_TYPES } from '../../domain/shopTypes';
import { noArgs, type DomainContract } from './spec';

const sheetFormat = z.enum(['xlsx', 'csv']);

/** The shop's goods and services: barcode look-up, quick keys, search, editing, the owner's product list, import and export. */
export const catalogContract = {
  lookupBarcode: { input: z.object({ code: z.string().max(64) }).strict(), output: itemSchema, access: 'cashier' },
  listQuickKeys: { input: noArgs, output: z.array(itemSchema), access: 'cashier' },
  searchItems: { input: z.object({ query: z.string().max(80) }).strict(), output: z.array(itemSchema), access: 'cashier' },
  saveItem: { input: itemInputSchema, output: itemSchema, access: 'owner' },

  /** The owner's Products screen: pages of items (active, retired or quick keys), searched by name, pinyin initials or barcode. */
  listProducts: { input: productListInputSchema, output: productListSchema, access: 'owner' },
  /** Retire an item (it leaves the till; its sales stay) or bring it back. */
  setItemRetired: {
    input: z.object({ id: z.number().int().positive(), retired: z.boolean() }).strict(),
    output: productSchema,
    access: 'owner',
  },
  /** The quick keys now, and those suggested for a kind of shop (the shop's own type when none is given). */
  getQuickKeyPlan: {
    input: z.object({ shopType: z.enum(SHOP_TYPES).nullable().default(null) }).strict(),
    output: z.object({
      shopType: z.enum(SHOP_TYPES).nullable(),
      current: z.array(productSchema),
      suggested: z.array(productSchema),
    }),
    access: 'owner',
  },
  /** Makes exactly these items the quick keys and remembers the kind of shop. */
  saveQuickKeys: {
    input: z.object({ shopType: z.enum(SHOP_TYPES), itemIds: z.array(z.number().int().positive()).max(MAX_QUICK_KEYS) }).strict(),
    output: z.object({ count: z.number().int() }),
    access: 'owner',
  },

  /** Reads a product list (.xlsx, .xls, .csv) and checks every row; changes nothing. */
  previewImport: { input: importRequestSchema, output: importPreviewSchema, access: 'owner', maxBodyBytes: MAX_IMPORT_BODY_BYTES },
  /** Imports the good rows of the same file in one transaction; the bad ones are skipped and listed. */
  commitImport: { input: importRequestSchema, output: importResultSchema, access: 'owner', maxBodyBytes: MAX_IMPORT_BODY_BYTES },
  /** The skipped rows with their reasons, as a file to fix in Excel. */
  exportImportErrors: {
    input: importRequestSchema.extend({ format: sheetFormat }),
    output: exportFileSchema,
    access: 'owner',
    maxBodyBytes: MAX_IMPORT_BODY_BYTES,
  },
  /** How far the import under way has got (the screen polls it while a large file is read and checked). */
  getImportProgress: { input: noArgs, output: importProgressSchema, access: 'owner', polled: true },
  /** The active catalogue as the shop's own product list (XLSX, or CSV in UTF-8 with BOM), ready to edit and import back. */
  exportCatalog: { input: z.object({ format: sheetFormat }).strict(), output: exportFileSchema, access: 'owner' },
  /** Asks the program to approve an item for vouchers (goods without a barcode, services, a barcode the APL lacks); sent with the next sync. */
  proposeItem: { input: proposeInputSchema, output: tillProposalSchema, access: 'owner' },
  listProposals: { input: noArgs, output: z.array(tillProposalSchema), access: 'owner' },
  /** The program's lists installed here: versions and entries (0: none yet). */
  getProgramLists: {
    input: noArgs,
    output: z.object({
      aplVersion: z.number().int(),
      aplEntries: z.number().int(),
      shopVersion: z.number().int(),
      shopEntries: z.number().int(),
    }),
    access: 'owner',
  },
} as const satisfies DomainContract;
