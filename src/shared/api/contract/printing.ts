import { z } from 'zod';
import { printerSettingsSchema, printerStateSchema, printJobSchema, receiptPreviewSchema } from '../schemas/printing';
import { noArgs, type DomainContract } from './spec';

const saleId = z.string().max(64);
const jobs = z.object({ jobs: z.array(z.number().int()) });
const printer = z.object({ settings: printerSettingsSchema, state: printerStateSchema });

/** Receipts and the printer: preview, print, reprint, settings, test page, the queue. */
export const printingContract = {
  getReceipt: {
    input: z.object({ saleId, copy: z.enum(['beneficiary', 'shop']).default('beneficiary') }).strict(),
    output: receiptPreviewSchema,
    access: 'cashier',
  },
  printReceipt: {
    input: z.object({ saleId, copy: z.enum(['beneficiary', 'shop', 'both']).default('beneficiary') }).strict(),
    output: jobs,
    access: 'cashier',
  },
  getPrinter: { input: noArgs, output: printer, access: 'cashier' },
  savePrinter: { input: printerSettingsSchema, output: printer, access: 'owner' },
  printTest: { input: noArgs, output: jobs, access: 'owner' },
  listPrintJobs: { input: noArgs, output: z.array(printJobSchema), access: 'cashier', polled: true },
  retryPrinting: { input: noArgs, output: printerStateSchema, access: 'cashier' },
  cancelPrintJob: { input: z.object({ jobId: z.number().int().positive() }).strict(), output: printerStateSchema, access: 'owner' },
} as const satisfies DomainContract;
