import { z } from 'zod';
import { ELIGIBLE_CATEGORIES } from '../domain/categories';

/**
 * The program's approved product list (APL, issue 11): what a voucher may pay for, decided by the
 * program and not by the shop's own category labels, as US eWIC pushes its APL to every till.
 *
 * Two signed lists reach a till:
 * - the **APL**, one for the whole program: barcode → category (optional maximum unit price and
 *   validity). Signed by the program's root key, like the manifest (the operator imports it with the
 *   CLI, where the root key lives). Served whole, or as a delta from the version a till has.
 * - the **shop list**, one per merchant: the shop's own approved proposals (goods without a barcode,
 *   services, a barcode the APL lacks). Signed by a server key the manifest names, because an
 *   operator approves proposals through the online operator API, where the root key never is.
 *
 * Each travels as `{ document, signature }`: the document's exact JSON text and an Ed25519 signature
 * over context ‖ UTF-8(document), so signer and verifier never disagree about a canonical form.
 */
export const APL_FORMAT = 'caretill-apl/1';
export const APL_SIGNING_CONTEXT = 'caretill/apl/v1\0';
export const SHOP_LIST_FORMAT = 'caretill-shop-list/1';
export const SHOP_LIST_SIGNING_CONTEXT = 'caretill/shop-list/v1\0';

const isoInstant = z.iso.datetime({ offset: true });
const fen = z.number().int().nonnegative().max(0xffffffff);

/** A GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) as digits: leading zeros kept, check digit valid (checked by importers). */
export const gtinSchema = z.string().regex(/^[0-9]{8,14}$/);

/** The code a list entry or a record line names: a barcode, or `shop:<proposal id>` for a shop's approved proposal. */
export const SHOP_CODE_PREFIX = 'shop:';
export const lineCodeSchema = z.union([gtinSchema, z.string().regex(/^shop:[0-9a-f-]{36}$/)]);
export const shopCode = (proposalId: string): string => `${SHOP_CODE_PREFIX}${proposalId}`;

export const aplEntrySchema = z.object({
  barcode: gtinSchema,
  category: z.enum(ELIGIBLE_CATEGORIES),
  /** The most a voucher pays for one unit; null: no limit. */
  maxUnitPriceFen: fen.nullable().default(null),
  validFrom: isoInstant.nullable().default(null),
  validUntil: isoInstant.nullable().default(null),
});

/**
 * A version of the APL. `base: null` is the whole list (`upserts` holds every entry, `removals` is
 * empty); `base: n` is a delta that turns version n into `version`. A till applies a delta only on
 * top of exactly `base`, and installs nothing whose version is not above its own.
 */
export const aplDocumentSchema = z.object({
  format: z.literal(APL_FORMAT),
  programId: z.string().min(1).max(64),
  version: z.number().int().positive(),
  base: z.number().int().positive().nullable(),
  issuedAt: isoInstant,
  upserts: z.array(aplEntrySchema).max(2_000_000),
  /** Barcodes no longer listed (deltas only). */
  removals: z.array(gtinSchema).max(2_000_000),
});

export const signedAplSchema = z.object({
  document: z
    .string()
    .min(2)
    .max(256 * 1024 * 1024),
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});

/** One of a shop's approved proposals, as its signed shop list carries it. */
export const shopEntrySchema = z.object({
  proposalId: z.uuid(),
  /** Set when the proposal was for a barcode the APL lacks; null for goods without one and services. */
  barcode: gtinSchema.nullable(),
  name: z.string().min(1).max(60),
  /** The approved price: the most a voucher pays for one unit. */
  priceFen: fen,
  category: z.enum(ELIGIBLE_CATEGORIES),
  validFrom: isoInstant.nullable().default(null),
  validUntil: isoInstant.nullable().default(null),
});

/** A merchant's shop list: always whole (it is small), versioned per merchant. */
export const shopListDocumentSchema = z.object({
  format: z.literal(SHOP_LIST_FORMAT),
  programId: z.string().min(1).max(64),
  merchantId: z.string().min(1).max(64),
  version: z.number().int().positive(),
  issuedAt: isoInstant,
  entries: z.array(shopEntrySchema).max(10_000),
});

export const signedShopListSchema = z.object({
  document: z
    .string()
    .min(2)
    .max(16 * 1024 * 1024),
  /** The server key that signed it (named by the manifest). */
  keyId: z.number().int().min(1).max(0xffff),
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});

// ------------------------------------------------------------------------------------------------
// Proposals: the owner proposes, the operator decides.

export const PROPOSAL_STATUSES = ['pending', 'approved', 'refused'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** What a till uploads for one proposal. The id is the till's (a UUID), so a resend is idempotent. */
export const proposalSchema = z.object({
  proposalId: z.uuid(),
  /** For a barcode the APL lacks; null for goods without a barcode and for services. */
  barcode: gtinSchema.nullable(),
  name: z.string().trim().min(1).max(60),
  priceFen: fen.refine((n) => n > 0, 'a price above zero'),
  category: z.enum(ELIGIBLE_CATEGORIES),
  unit: z.string().trim().max(10).nullable().default(null),
  note: z.string().trim().max(200).nullable().default(null),
  proposedAt: isoInstant,
});

export const proposalUploadSchema = z.object({ proposals: z.array(proposalSchema).min(1).max(500) });

/** A proposal's state as the program tells the till (and the operator). */
export const proposalStateSchema = z.object({
  proposalId: z.uuid(),
  status: z.enum(PROPOSAL_STATUSES),
  /** The operator's reason, for a refusal. */
  reason: z.string().max(200).nullable(),
  /** The category the operator approved it in (may differ from the one proposed). */
  category: z.enum(ELIGIBLE_CATEGORIES).nullable(),
  decidedAt: isoInstant.nullable(),
});

export const proposalStatesSchema = z.object({ proposals: z.array(proposalStateSchema) });

export type AplEntry = z.output<typeof aplEntrySchema>;
export type AplDocument = z.output<typeof aplDocumentSchema>;
export type SignedApl = z.output<typeof signedAplSchema>;
export type ShopEntry = z.output<typeof shopEntrySchema>;
export type ShopListDocument = z.output<typeof shopListDocumentSchema>;
export type SignedShopList = z.output<typeof signedShopListSchema>;
export type Proposal = z.output<typeof proposalSchema>;
export type ProposalState = z.output<typeof proposalStateSchema>;
