import { z } from 'zod';

/** The back office (DESIGN.md §3 "Shift and Z-report", issue: back office): shapes that cross PosApi. */

export const TENDER_TYPES = ['cash', 'wechat', 'alipay', 'card', 'other'] as const;
export const tenderTypeSchema = z.enum(TENDER_TYPES);
export type TenderType = z.output<typeof tenderTypeSchema>;

const fen = z.number().int();
const amountByKey = z.record(z.string(), fen);

export const zReportSchema = z.object({
  /** The Z number: the shift's id, never reset. */
  number: z.number().int().positive(),
  openedAt: z.string(),
  closedAt: z.string(),
  openedBy: z.string(),
  closedBy: z.string(),
  cashiers: z.array(z.string()),
  sales: z.object({ count: z.number().int(), basketFen: fen, voucherFen: fen, otherTenderFen: fen, forfeitedFen: fen }),
  voids: z.object({ count: z.number().int(), voucherFen: fen, otherTenderFen: fen }),
  /** Net voucher amounts (redemptions minus voids in this shift's journal range). */
  voucherByCampaign: z.array(z.object({ campaignId: z.number().int(), name: z.string(), fen, count: z.number().int() })),
  voucherByCategory: amountByKey,
  otherTenderByType: amountByKey,
  cash: z.object({ openingFloatFen: fen, salesFen: fen, refundsFen: fen, expectedFen: fen, countedFen: fen, differenceFen: fen }),
  journal: z.object({ fromSeq: z.number().int(), toSeq: z.number().int(), records: z.number().int(), headHash: z.string() }),
  /** What the program has said of this range's records at close time. */
  settlement: z.object({ pending: z.number().int(), accepted: z.number().int(), rejected: z.number().int(), paid: z.number().int() }),
  batches: z.array(z.object({ batchId: z.string(), fromSeq: z.number().int(), toSeq: z.number().int(), done: z.boolean() })),
});
export type ZReport = z.output<typeof zReportSchema>;

export const shiftStateSchema = z.object({
  open: z
    .object({
      number: z.number().int(),
      /** False while nobody has opened it (sales since the last close belong to it all the same). */
      started: z.boolean(),
      openedAt: z.string(),
      openedBy: z.string(),
      openingFloatFen: fen,
      /** What the drawer should hold now: float + cash sales − cash refunds. */
      expectedCashFen: fen,
      salesCount: z.number().int(),
    })
    .nullable(),
  lastClosed: z.object({ number: z.number().int(), closedAt: z.string() }).nullable(),
  /** Work not finished yet, which a day close waits for or names. */
  pending: z.object({ printing: z.number().int(), uploads: z.number().int() }),
});
export type ShiftState = z.output<typeof shiftStateSchema>;

export const REPORT_GROUPS = ['day', 'week', 'month', 'campaign', 'category', 'cashier', 'item'] as const;
export const reportGroupSchema = z.enum(REPORT_GROUPS);
export type ReportGroup = z.output<typeof reportGroupSchema>;

export const reportRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  sales: z.number().int(),
  basketFen: fen,
  voucherFen: fen,
  otherTenderFen: fen,
  forfeitedFen: fen,
  quantity: z.number().int(),
});
export const reportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: reportGroupSchema,
  rows: z.array(reportRowSchema),
  totals: reportRowSchema.omit({ key: true, label: true }),
});
export type Report = z.output<typeof reportSchema>;
export type ReportRow = z.output<typeof reportRowSchema>;

export const dashboardSchema = z.object({
  /** Basket total, voucher total, vouchers redeemed and customers served (sales) today, voided sales left out. */
  today: z.object({ salesFen: fen, voucherFen: fen, vouchers: z.number().int(), customers: z.number().int() }),
  sameDayLastWeek: z.object({ salesFen: fen, voucherFen: fen, vouchers: z.number().int(), customers: z.number().int() }),
  /** 24 buckets in the shop's zone: voucher and total amounts per hour today. */
  byHour: z.array(z.object({ hour: z.number().int(), salesFen: fen, voucherFen: fen })),
  settlement: z.object({ pendingFen: fen, rejectedToActOn: z.number().int(), paidThisMonthFen: fen }),
});
export type Dashboard = z.output<typeof dashboardSchema>;

export const exportFileSchema = z.object({
  fileName: z.string(),
  mimeType: z.string(),
  /** The file's bytes, base64: it crosses IPC and HTTP as JSON like everything else. */
  base64: z.string(),
});
export type ExportFile = z.output<typeof exportFileSchema>;

export const backupInfoSchema = z.object({
  file: z.string(),
  createdAt: z.string(),
  headSeq: z.number().int(),
  bytes: z.number().int(),
  verified: z.boolean(),
  problem: z.string().nullable(),
});
export const backupStateSchema = z.object({
  folder: z.string(),
  secondFolder: z.string().nullable(),
  keep: z.number().int(),
  last: backupInfoSchema.nullable(),
  /** The second folder (a USB stick) could not be written at the last backup; sales are never blocked by it. */
  secondFolderProblem: z.string().nullable(),
  backups: z.array(backupInfoSchema),
});
export type BackupInfo = z.output<typeof backupInfoSchema>;
export type BackupState = z.output<typeof backupStateSchema>;
