import { z } from 'zod';
import { LOCALES } from '../i18n/locales';

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
  pendingUploads: z.number().int().nonnegative(),
});

export const settingsSchema = z.object({
  locale: localeSchema,
});

export const posApiContract = {
  getDiagnostics: { input: noArgs, output: diagnosticsSchema, access: 'public' },
  getStatus: { input: noArgs, output: statusSchema, access: 'public' },
  getSettings: { input: noArgs, output: settingsSchema, access: 'public' },
  setLocale: { input: z.object({ locale: localeSchema }).strict(), output: settingsSchema, access: 'public' },
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

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(posApiContract, name);
}
