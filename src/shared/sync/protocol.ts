import { z } from 'zod';
import { signedManifestSchema } from '../voucher/manifest';

/** The till ↔ program protocol (DESIGN.md §5). Both sides validate every message with these. */

export const REJECT_REASONS = [
  'double_spend',
  'over_balance',
  'revoked',
  'expired',
  'category_not_eligible',
  'not_at_this_shop',
  'unknown_voucher',
  'sequence_gap',
  'bad_chain',
  'bad_signature',
  'bad_reversal',
  /** The issuer key that signed the voucher had been revoked by the time of sale. */
  'key_revoked',
  /** The per-category amounts are missing or do not add up to the amount redeemed. */
  'categories_mismatch',
  /** An amount or quantity is negative or above the bounds below. */
  'out_of_range',
  /** Offline, more than the campaign lets one voucher spend at one till. */
  'offline_limit_voucher',
  /** Offline, more than the campaign lets one till redeem between contacts with the program. */
  'offline_limit_device',
  /** Offline for longer than the campaign allows. */
  'offline_too_long',
  /** The record's id was used by an earlier record: it is never counted twice. */
  'duplicate_record',
  /** Dated later than the program received it (beyond the clock skew): a till's clock cannot be ahead of the upload. */
  'time_after_receipt',
  /** Dated before the till was enrolled. */
  'time_before_enrollment',
  /**
   * Dated outside what the till itself told the program: before a request it signed when its
   * journal had not reached this record yet, or after one it signed when the record existed.
   */
  'time_inconsistent',
  /** Dated earlier than the record before it on the till's own journal. */
  'time_out_of_order',
  /** Held for review, not rejected: an offline record older than the campaign's offline window when it reached the program. */
  'late_upload',
  /** An authorization without the voucher's own code (signed by the program), or with another voucher's. */
  'bad_token',
  /**
   * A campaign that pays by the program's list (`eligibility: 'apl'`): a line's barcode or shop item
   * is not on the list version the till had at the time, or is listed in a category the campaign
   * does not pay for, or was outside its validity then. Per-line reasons say which.
   */
  'line_not_listed',
  /** The record's item lines do not add up to its amount (or to its per-category amounts). */
  'lines_mismatch',
  /** A line's unit price is above the most the list lets a voucher pay for one unit. */
  'over_max_unit_price',
] as const;
/** What the program made of a record: paid when settled, refused with a reason, or kept for a person to review. */
export const RECORD_STATUSES = ['accepted', 'rejected', 'held'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The most any one record, category or authorization may carry: ￥1,000,000. */
export const MAX_RECORD_FEN = 100_000_000;
/** The most items of one category in one redemption. */
export const MAX_RECORD_QUANTITY = 1_000_000;
/** Category codes a record may name (there are a dozen today). */
export const MAX_RECORD_CATEGORIES = 32;
const categoryCode = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);
/** The most item lines one record carries. */
export const MAX_RECORD_LINES = 200;

export const enrollRequestSchema = z.object({
  /** The code part only (before the "."): the program's fingerprint stays with the till. */
  code: z.string().trim().min(4).max(40),
  deviceId: z.uuid(),
  /** Raw Ed25519 public key, base64url. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  name: z.string().max(60),
});

export const enrollResponseSchema = z.object({
  deviceId: z.string(),
  merchantId: z.string(),
  merchantName: z.string(),
  programId: z.string(),
  rootPublicKey: z.string(),
  manifest: signedManifestSchema,
});

export const authorizeRequestSchema = z.object({
  idempotencyKey: z
    .string()
    .min(8)
    .max(120)
    .regex(/^[A-Za-z0-9:_-]+$/),
  voucherId: z.string().regex(/^[0-9a-f]{32}$/),
  campaignId: z.number().int().min(1).max(0xffffffff),
  amountFen: z.number().int().positive().max(MAX_RECORD_FEN),
  /**
   * Proof of possession: the voucher's whole token as scanned. The program checks the issuer's
   * signature and that it names `voucherId`, so a till that knows only an id cannot hold a voucher.
   */
  token: z.string().min(1).max(512),
});

/** A voucher looked up by the holder code typed off its card (issue 13, item 4). */
export const holderLookupRequestSchema = z.object({ holderCode: z.string().trim().min(1).max(20) });
/** Holder tickets (holderTicket.ts), one per voucher under the code still usable at this shop; none: nothing found. */
export const holderLookupResponseSchema = z.object({ tickets: z.array(z.string().max(512)).max(20) });
export type HolderLookupResponse = z.output<typeof holderLookupResponseSchema>;

export const authorizeResponseSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('approved'), authorizationId: z.string(), approvedFen: z.number().int() }),
  z.object({ status: z.literal('declined'), reason: z.enum(REJECT_REASONS) }),
]);

/**
 * One journal record (DESIGN.md §3): append-only, hash-chained. `bounded` adds the program's
 * bounds on every number; without them the shape is only well typed (see journalRecordWireSchema).
 */
function journalRecordShape(bounded: boolean) {
  const fen = bounded ? z.number().int().nonnegative().max(MAX_RECORD_FEN) : z.number().int();
  const quantity = bounded ? z.number().int().nonnegative().max(MAX_RECORD_QUANTITY) : z.number().int();
  return z.object({
    seq: z.number().int().positive(),
    id: z.uuid(),
    deviceId: z.string().max(64),
    type: z.enum(['redeem', 'reverse']),
    time: z.iso.datetime(),
    cashierId: z.number().int(),
    saleId: z.string().max(64),
    voucherId: z.string().regex(/^[0-9a-f]{32}$/),
    campaignId: z.number().int().min(1).max(0xffffffff),
    kind: z.enum(['fixed', 'balance']),
    amountFen: fen,
    forfeitedFen: fen,
    categories: z
      .record(categoryCode, z.object({ amountFen: fen, quantity }))
      .refine((c) => Object.keys(c).length <= MAX_RECORD_CATEGORIES, `at most ${MAX_RECORD_CATEGORIES} categories`),
    /** The sale's other tender (cash or card), carried on the sale's first record only, so sums never double. */
    otherTenderFen: fen,
    /** "offline", or the program's online authorization id. */
    authorization: z.string().max(80),
    /** For a reversal: the id of the record it reverses. */
    reverses: z.uuid().nullable(),
    prevHash: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    /**
     * Item-level detail (issue 11): for the lines this voucher paid for, what was bought. No
     * beneficiary data. Absent on records written before tills carried it (their hashes stay).
     * Reversals carry none.
     */
    lines: z
      .array(
        z.object({
          /** A barcode (digits), `shop:<proposal id>` for a shop's approved item, or `item:<till's item id>` for one on no list. */
          code: z.string().regex(/^([0-9]{8,14}|shop:[0-9a-f-]{36}|item:[0-9]{1,12})$/),
          name: z.string().max(60),
          quantity: quantity,
          unitPriceFen: fen,
          /** What this record's voucher paid on this line. */
          amountFen: fen,
          /** The category the till judged the line by (the list's, where the line is listed). */
          category: categoryCode,
        }),
      )
      .max(MAX_RECORD_LINES)
      .optional(),
    /** The list versions the till had installed when it recorded this (0: none), so intake judges lines by what the till knew. */
    listVersions: z.object({ apl: z.number().int().nonnegative(), shop: z.number().int().nonnegative() }).optional(),
  });
}

/** A valid journal record: the one definition; the till, the chain and the program use the type inferred from it. */
export const journalRecordSchema = journalRecordShape(true);
export const categoryAmountSchema = journalRecordSchema.shape.categories.valueType;

/**
 * A record as a batch carries it: well typed, not yet bounded. The program checks each record
 * against journalRecordSchema itself and rejects one that is out of range with a reason
 * (`out_of_range`), so that one bad record never turns the whole batch into a 400 that the till
 * would resend for ever.
 */
export const journalRecordWireSchema = journalRecordShape(false);

/**
 * Whether a record that journalRecordWireSchema accepted also meets journalRecordSchema: the bounds
 * are the only difference between the two. Checked directly, without parsing 10,000 records twice.
 */
export function withinRecordBounds(r: JournalRecord): boolean {
  const fen = (n: number) => n >= 0 && n <= MAX_RECORD_FEN;
  return (
    fen(r.amountFen) &&
    fen(r.forfeitedFen) &&
    fen(r.otherTenderFen) &&
    Object.values(r.categories).every((c) => fen(c.amountFen) && c.quantity >= 0 && c.quantity <= MAX_RECORD_QUANTITY) &&
    (r.lines ?? []).every((l) => fen(l.amountFen) && fen(l.unitPriceFen) && l.quantity >= 0 && l.quantity <= MAX_RECORD_QUANTITY)
  );
}

export const MAX_BATCH_RECORDS = 10_000;

export const batchRequestSchema = z.object({
  batchId: z.uuid(),
  deviceId: z.string().max(64),
  records: z.array(journalRecordWireSchema).min(1).max(MAX_BATCH_RECORDS),
  /** Ed25519 by the till's key over batchSigningInput(). */
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});

export const recordResultSchema = z.object({
  id: z.string(),
  status: z.enum(RECORD_STATUSES),
  reason: z.enum(REJECT_REASONS).nullable(),
  /** For a record refused over its item lines: which lines, and why (index into the record's lines). */
  lines: z.array(z.object({ index: z.number().int().nonnegative(), reason: z.enum(REJECT_REASONS) })).optional(),
});

export const batchResponseSchema = z.object({
  batchId: z.string(),
  results: z.array(recordResultSchema),
  headSeq: z.number().int(),
});

/** A settlement statement as the program reports it to a merchant's tills. */
export const statementSchema = z.object({
  statementId: z.string(),
  status: z.enum(['draft', 'approved', 'paid']),
  totalFen: z.number().int(),
  recordCount: z.number().int(),
  periodUntil: z.string(),
  createdAt: z.string(),
  approvedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  payoutReference: z.string().nullable(),
});

export const statusResponseSchema = z.object({
  /** Record states changed since the cursor asked for. */
  records: z.array(recordResultSchema.extend({ statementId: z.string().nullable() })),
  statements: z.array(statementSchema),
  cursor: z.string(),
});

/** A till's own records, as the program holds them: for a till restored from a backup or a new PC. */
export const recoveryResponseSchema = z.object({
  records: z.array(
    z.object({
      record: journalRecordSchema,
      status: z.enum(['accepted', 'rejected', 'held']),
      reason: z.string().max(60).nullable(),
      statementId: z.string().max(80).nullable(),
    }),
  ),
  /** More records follow: ask again after the last seq. */
  more: z.boolean(),
});
export type RecoveryResponse = z.output<typeof recoveryResponseSchema>;

export type JournalRecord = z.output<typeof journalRecordSchema>;
export type CategoryAmount = z.output<typeof categoryAmountSchema>;
export type EnrollRequest = z.output<typeof enrollRequestSchema>;
export type EnrollResponse = z.output<typeof enrollResponseSchema>;
export type AuthorizeRequest = z.output<typeof authorizeRequestSchema>;
export type AuthorizeResponse = z.output<typeof authorizeResponseSchema>;
export type BatchRequest = z.output<typeof batchRequestSchema>;
export type BatchResponse = z.output<typeof batchResponseSchema>;
export type StatusResponse = z.output<typeof statusResponseSchema>;

/** What the till signs for a batch: every record's id and hash, which cover their content and the chain. */
export function batchSigningInput(b: Pick<BatchRequest, 'batchId' | 'deviceId' | 'records'>): string {
  return `caretill-batch/1\n${b.batchId}\n${b.deviceId}\n${b.records.map((r) => `${r.seq}:${r.id}:${r.hash}`).join('\n')}`;
}

/** The head of a till's journal: its last record's seq and hash (0 and the genesis hash when empty). */
export interface JournalHead {
  seq: number;
  hash: string;
}

/** The head as the HEAD_HEADER carries it: `seq:hash`. */
export const formatHead = (h: JournalHead): string => `${h.seq}:${h.hash}`;

export function parseHead(text: unknown): JournalHead | null {
  const m = typeof text === 'string' ? /^(0|[1-9][0-9]{0,14}):([0-9a-f]{64})$/.exec(text) : null;
  return m ? { seq: Number(m[1]), hash: m[2]! } : null;
}

/**
 * What the till signs for every request: method, path, time, the body's digest and its journal
 * head. Version 2 added the head: the program keeps it as a checkpoint with its own clock, so a
 * record's claimed time can be held against what the till had recorded when (DESIGN.md §5).
 */
export function requestSigningInput(method: string, path: string, timestamp: string, bodySha256: string, head: JournalHead): string {
  return `caretill-request/2\n${method.toUpperCase()}\n${path}\n${timestamp}\n${bodySha256}\n${formatHead(head)}`;
}

export const DEVICE_HEADER = 'x-caretill-device';
export const TIME_HEADER = 'x-caretill-time';
export const SIGNATURE_HEADER = 'x-caretill-signature';
/** The till's journal head when it signed the request (`seq:hash`), covered by the signature. */
export const HEAD_HEADER = 'x-caretill-head';
/** The program's reply signature (see src/trust/replySignature.ts) and the id of the server key that made it. */
export const REPLY_SIGNATURE_HEADER = 'x-caretill-reply-signature';
export const REPLY_KEY_HEADER = 'x-caretill-reply-key';

/**
 * Where a till may reach its program: `https://` anywhere, plain `http://` only on this machine
 * (127.0.0.0/8, localhost, ::1), as the demo program runs. Voucher tokens travel in authorizations.
 */
export function isAllowedServerUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  if (u.protocol !== 'http:') return false;
  return u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(u.hostname);
}
