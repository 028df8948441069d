import { z } from 'zod';
import {
  backupInfoSchema,
  backupStateSchema,
  dashboardSchema,
  exportFileSchema,
  reportGroupSchema,
  reportSchema,
  shiftStateSchema,
  zReportSchema,
} from '../schemas/backoffice';
import { noArgs, type DomainContract } from './spec';

/** A calendar day in the shop's zone. */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const fen = z.number().int().min(0).max(100_000_000);
const period = { from: day, to: day };

/** The owner's back office: day close and Z-reports, dashboard, reports and exports, backups. */
export const backofficeContract = {
  getShift: { input: noArgs, output: shiftStateSchema, access: 'cashier', polled: true },
  openShift: { input: z.object({ openingFloatFen: fen }).strict(), output: shiftStateSchema, access: 'cashier' },
  closeShift: {
    input: z.object({ countedCashFen: fen, confirmPending: z.boolean().default(false) }).strict(),
    output: zReportSchema,
    access: 'cashier',
  },
  getZReport: { input: z.object({ number: z.number().int().positive() }).strict(), output: zReportSchema, access: 'cashier' },
  printZReport: {
    input: z.object({ number: z.number().int().positive() }).strict(),
    output: z.object({ jobs: z.array(z.number().int()) }),
    access: 'cashier',
  },
  listZReports: {
    input: noArgs,
    output: z.array(
      z.object({
        number: z.number().int(),
        openedAt: z.string(),
        closedAt: z.string(),
        voucherFen: z.number().int(),
        differenceFen: z.number().int(),
      }),
    ),
    access: 'owner',
  },
  getDashboard: { input: noArgs, output: dashboardSchema, access: 'owner', polled: true },
  getReport: { input: z.object({ ...period, groupBy: reportGroupSchema }).strict(), output: reportSchema, access: 'owner' },
  exportReport: {
    input: z
      .object({
        ...period,
        what: z.enum(['report', 'journal']),
        groupBy: reportGroupSchema.default('day'),
        format: z.enum(['xlsx', 'csv']),
      })
      .strict(),
    output: exportFileSchema,
    access: 'owner',
  },
  getBackups: { input: noArgs, output: backupStateSchema, access: 'owner' },
  backupNow: { input: noArgs, output: backupInfoSchema, access: 'owner' },
  saveBackupSettings: {
    input: z
      .object({
        secondFolder: z.string().trim().max(500).nullable(),
        keep: z.number().int().min(1).max(365),
        retentionDays: z.number().int().min(30).max(3650),
      })
      .strict(),
    output: backupStateSchema,
    access: 'owner',
  },
  /** After a restore or on a new PC: this till's records the program holds, checked and written back. */
  recoverFromProgram: {
    input: noArgs,
    output: z.object({ inserted: z.number().int(), headSeq: z.number().int(), problem: z.string().nullable() }),
    access: 'owner',
  },
  stageRestore: {
    input: z.object({ file: z.string().trim().min(1).max(500) }).strict(),
    output: z.object({ headSeq: z.number().int() }),
    access: 'owner',
  },
} as const satisfies DomainContract;
