import { z } from 'zod';
import { REJECT_REASONS, statementSchema } from '../../sync/protocol';

export const syncStateSchema = z.object({
  connection: z.enum(['not_enrolled', 'online', 'offline']),
  serverUrl: z.string().nullable(),
  merchantId: z.string().nullable(),
  merchantName: z.string().nullable(),
  pending: z.number().int(),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  progress: z.object({ total: z.number().int(), done: z.number().int() }).nullable(),
});

const recordWithReason = z.object({
  recordId: z.string(),
  seq: z.number().int(),
  time: z.string(),
  saleId: z.string(),
  voucherMasked: z.string(),
  type: z.enum(['redeem', 'reverse']),
  amountFen: z.number().int(),
  reason: z.enum(REJECT_REASONS),
});

export const settlementSchema = z.object({
  /** Net amounts (redemptions minus voids) by state. */
  totals: z.object({
    pendingFen: z.number().int(),
    acceptedFen: z.number().int(),
    /** Held by the program for a person to review: not paid yet, not refused. */
    heldFen: z.number().int(),
    rejectedFen: z.number().int(),
    paidFen: z.number().int(),
  }),
  /** Redemptions that stand, by state: voided ones and the void records themselves are not counted here. */
  counts: z.object({
    pending: z.number().int(),
    accepted: z.number().int(),
    held: z.number().int(),
    rejected: z.number().int(),
    paid: z.number().int(),
  }),
  /** Voids (reverse records) on this till, shown apart from the redemptions. */
  voids: z.number().int(),
  statements: z.array(
    statementSchema.pick({
      statementId: true,
      status: true,
      totalFen: true,
      recordCount: true,
      periodUntil: true,
      paidAt: true,
      payoutReference: true,
    }),
  ),
  batches: z.array(
    z.object({
      batchId: z.string(),
      fromSeq: z.number().int(),
      toSeq: z.number().int(),
      createdAt: z.string(),
      doneAt: z.string().nullable(),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
    }),
  ),
  /** Rejected records, each with the program's reason (message `reject.<reason>`, what to do `reject.todo.<reason>`). */
  rejected: z.array(recordWithReason),
  /** Records the program holds for review, each with its reason (the same messages). */
  held: z.array(recordWithReason),
});

export type SyncState = z.output<typeof syncStateSchema>;
export type Settlement = z.output<typeof settlementSchema>;
