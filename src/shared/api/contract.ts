import { z } from 'zod';
import { LOCALES } from '../i18n/locales';
import { loginResultSchema, pinSchema, roleSchema, setupInputSchema, setupStateSchema, userSchema } from './schemas/auth';
import { itemInputSchema, itemSchema } from './schemas/catalog';
import { commitInputSchema, completedSaleSchema, quoteSchema, saleInputSchema, saleSummarySchema } from './schemas/checkout';
import { settlementSchema, syncStateSchema } from './schemas/sync';
import { printerSettingsSchema, printerStateSchema, printJobSchema, receiptPreviewSchema } from './schemas/printing';

/**
 * The PosApi contract: every method the UI may call, with zod schemas for its argument and
 * result and the role it needs. Core implements it (src/core/api), the bridges (Electron IPC,
 * HTTP host) are generic over it, so adding a method touches this file and core only.
 */

/** Who may call a method. Checked in core on every call, never only hidden in the UI. */
export type Access = 'public' | 'cashier' | 'owner';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  access: Access;
}

const noArgs = z.object({}).strict();

export const localeSchema = z.enum(LOCALES);

export const hostKindSchema = z.enum(['electron', 'node-host', 'direct']);

export const connectionStateSchema = z.enum(['not_enrolled', 'online', 'offline']);

export const diagnosticsSchema = z.object({
  appVersion: z.string(),
  dataDir: z.string(),
  databasePath: z.string(),
  schemaVersion: z.number().int().nonnegative(),
  host: hostKindSchema,
  platform: z.string(),
  runtime: z.string(),
  connection: connectionStateSchema,
  /** Version of the campaign manifest in force; null before the first sync. */
  manifestVersion: z.number().int().positive().nullable(),
  startedAt: z.string(),
});

export const statusSchema = z.object({
  cashier: z.object({ name: z.string(), role: z.enum(['cashier', 'owner']) }).nullable(),
  connection: connectionStateSchema,
  printer: z.enum(['not_configured', 'ready', 'error']),
  /** Receipts waiting for the printer. */
  printQueue: z.number().int().nonnegative(),
  pendingUploads: z.number().int().nonnegative(),
});

export const settingsSchema = z.object({
  locale: localeSchema,
  shopName: z.string().nullable(),
  timeZone: z.string(),
});

export const preferencesSchema = z.object({
  /** The camera the cashier chose for voucher scanning, remembered per till. */
  cameraId: z.string().max(512).nullable(),
});

export const journalCheckSchema = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  headSeq: z.number().int(),
  problem: z.string().nullable(),
});

const ok = z.object({});

export const posApiContract = {
  getDiagnostics: { input: noArgs, output: diagnosticsSchema, access: 'public' },
  getStatus: { input: noArgs, output: statusSchema, access: 'public' },
  getSettings: { input: noArgs, output: settingsSchema, access: 'public' },
  setLocale: { input: z.object({ locale: localeSchema }).strict(), output: settingsSchema, access: 'public' },

  // first run and sign-in
  getSetupState: { input: noArgs, output: setupStateSchema, access: 'public' },
  setupShop: { input: setupInputSchema, output: loginResultSchema, access: 'public' },
  listUsers: { input: noArgs, output: z.array(userSchema), access: 'public' },
  login: {
    input: z.object({ userId: z.number().int().positive(), pin: z.string().max(16) }).strict(),
    output: loginResultSchema,
    access: 'public',
  },
  whoAmI: { input: noArgs, output: userSchema.nullable(), access: 'public' },
  logout: { input: noArgs, output: ok, access: 'cashier' },
  createUser: {
    input: z.object({ name: z.string().trim().min(1).max(40), role: roleSchema, pin: pinSchema }).strict(),
    output: userSchema,
    access: 'owner',
  },

  // catalogue
  lookupBarcode: { input: z.object({ code: z.string().max(64) }).strict(), output: itemSchema, access: 'cashier' },
  listQuickKeys: { input: noArgs, output: z.array(itemSchema), access: 'cashier' },
  searchItems: { input: z.object({ query: z.string().max(80) }).strict(), output: z.array(itemSchema), access: 'cashier' },
  saveItem: { input: itemInputSchema, output: itemSchema, access: 'owner' },

  // checkout
  quoteSale: { input: saleInputSchema.strict(), output: quoteSchema, access: 'cashier' },
  commitSale: { input: commitInputSchema.strict(), output: completedSaleSchema, access: 'cashier' },
  voidSale: {
    input: z.object({ saleId: z.string().max(64), ownerPin: z.string().max(16).optional() }).strict(),
    output: completedSaleSchema,
    access: 'cashier',
  },
  listSalesToday: { input: noArgs, output: z.array(saleSummarySchema), access: 'cashier' },
  getSale: { input: z.object({ saleId: z.string().max(64) }).strict(), output: completedSaleSchema, access: 'cashier' },
  verifyJournal: { input: noArgs, output: journalCheckSchema, access: 'owner' },

  // receipts and the printer
  getReceipt: {
    input: z.object({ saleId: z.string().max(64), copy: z.enum(['beneficiary', 'shop']).default('beneficiary') }).strict(),
    output: receiptPreviewSchema,
    access: 'cashier',
  },
  printReceipt: {
    input: z.object({ saleId: z.string().max(64), copy: z.enum(['beneficiary', 'shop', 'both']).default('beneficiary') }).strict(),
    output: z.object({ jobs: z.array(z.number().int()) }),
    access: 'cashier',
  },
  getPrinter: { input: noArgs, output: z.object({ settings: printerSettingsSchema, state: printerStateSchema }), access: 'cashier' },
  savePrinter: {
    input: printerSettingsSchema,
    output: z.object({ settings: printerSettingsSchema, state: printerStateSchema }),
    access: 'owner',
  },
  printTest: { input: noArgs, output: z.object({ jobs: z.array(z.number().int()) }), access: 'owner' },
  listPrintJobs: { input: noArgs, output: z.array(printJobSchema), access: 'cashier' },
  retryPrinting: { input: noArgs, output: printerStateSchema, access: 'cashier' },
  cancelPrintJob: { input: z.object({ jobId: z.number().int().positive() }).strict(), output: printerStateSchema, access: 'owner' },

  // the program: enrollment, sync, settlement
  enroll: {
    input: z
      .object({
        serverUrl: z.url({ protocol: /^https?$/ }).max(200),
        code: z.string().trim().min(4).max(40),
        name: z.string().trim().max(60).default(''),
      })
      .strict(),
    output: syncStateSchema,
    access: 'owner',
  },
  getSync: { input: noArgs, output: syncStateSchema, access: 'cashier' },
  syncNow: { input: noArgs, output: syncStateSchema, access: 'cashier' },
  getSettlement: { input: noArgs, output: settlementSchema, access: 'owner' },

  // per-till preferences
  getPreferences: { input: noArgs, output: preferencesSchema, access: 'cashier' },
  setPreferences: { input: preferencesSchema.partial().strict(), output: preferencesSchema, access: 'cashier' },
} as const satisfies Record<string, MethodSpec>;

export type PosApiContract = typeof posApiContract;
export type MethodName = keyof PosApiContract;
export type MethodInput<M extends MethodName> = z.input<PosApiContract[M]['input']>;
export type MethodArgs<M extends MethodName> = z.output<PosApiContract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<PosApiContract[M]['output']>;

export type Diagnostics = z.output<typeof diagnosticsSchema>;
export type Status = z.output<typeof statusSchema>;
export type Settings = z.output<typeof settingsSchema>;
export type HostKind = z.output<typeof hostKindSchema>;
export type Preferences = z.output<typeof preferencesSchema>;
export type JournalCheck = z.output<typeof journalCheckSchema>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(posApiContract, name);
}
