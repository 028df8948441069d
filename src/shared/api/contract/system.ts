import { z } from 'zod';
import { LOCALES } from '../../i18n/locales';
import { noArgs, type DomainContract } from './spec';

/** The till itself: diagnostics, status bar, language, per-till preferences, the support log. */

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
  /** Where the log file lives, for a support call. */
  logFile: z.string(),
  /** This till's device id: what the program's operator needs to make a recovery code. */
  deviceId: z.string(),
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
  /** Voice announcements (语音播报) of redemptions and refusals; only the owner may change it. */
  voice: z.boolean(),
});

export const logTailSchema = z.object({
  file: z.string(),
  /** JSON lines, newest last. */
  lines: z.array(z.string()),
});

export const systemContract = {
  getDiagnostics: { input: noArgs, output: diagnosticsSchema, access: 'public' },
  getStatus: { input: noArgs, output: statusSchema, access: 'public' },
  getSettings: { input: noArgs, output: settingsSchema, access: 'public' },
  setLocale: { input: z.object({ locale: localeSchema }).strict(), output: settingsSchema, access: 'public' },
  // The log holds no secrets (see core/system/log.ts); the diagnostics screen is reachable before sign-in.
  getLogTail: {
    input: z.object({ lines: z.number().int().min(1).max(5000).default(50) }).strict(),
    output: logTailSchema,
    access: 'public',
  },
  getPreferences: { input: noArgs, output: preferencesSchema, access: 'cashier' },
  setPreferences: { input: preferencesSchema.partial().strict(), output: preferencesSchema, access: 'cashier' },
} as const satisfies DomainContract;

export type Diagnostics = z.output<typeof diagnosticsSchema>;
export type Status = z.output<typeof statusSchema>;
export type Settings = z.output<typeof settingsSchema>;
export type HostKind = z.output<typeof hostKindSchema>;
export type Preferences = z.output<typeof preferencesSchema>;
export type LogTail = z.output<typeof logTailSchema>;
