import { z } from 'zod';
import { ELIGIBLE_CATEGORIES } from '../domain/categories';
import { VOUCHER_KINDS } from './token';

/**
 * The signed campaign manifest (DESIGN.md §3): everything a till needs to judge a voucher offline,
 * like WIC's approved product list. It travels as a SignedManifest: the manifest's exact JSON
 * text plus an Ed25519 signature over it by the program's root key, so no canonical-JSON step can
 * ever disagree between signer and verifier.
 */
export const MANIFEST_FORMAT = 'caretill-manifest/1';
export const MANIFEST_SIGNING_CONTEXT = 'caretill/manifest/v1\0';

const isoInstant = z.iso.datetime({ offset: true });
const localized = z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) });
const fen = z.number().int().nonnegative().max(0xffffffff);

export const issuerKeySchema = z.object({
  keyId: z.number().int().min(0).max(0xffff),
  /** Raw 32-byte Ed25519 public key, base64url. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  validFrom: isoInstant,
  /** For a revoked key, the time of revocation (its window ends there). */
  validUntil: isoInstant,
  /**
   * Set when the program revoked the key (say, it leaked). A till that has seen this refuses the
   * key's tokens whatever its clock says; tills that predate the field still stop at validUntil.
   */
  revokedAt: isoInstant.optional(),
  reason: z.string().max(200).optional(),
});

/**
 * A key the program server signs its replies to tills with (authorizations, batch answers,
 * status, "nothing newer"). Named here, in the root-signed manifest, so a till trusts a reply only
 * from the program it enrolled with, and the root key itself never has to be online.
 */
export const serverKeySchema = z.object({
  keyId: z.number().int().min(1).max(0xffff),
  /** Raw 32-byte Ed25519 public key, base64url. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

export const perVisitCapSchema = z
  .object({
    maxQuantity: z.number().int().positive().optional(),
    maxAmountFen: fen.optional(),
  })
  .refine((c) => c.maxQuantity !== undefined || c.maxAmountFen !== undefined, 'a cap needs maxQuantity or maxAmountFen');

export const offlineLimitsSchema = z.object({
  /** Most one voucher may spend at this till while offline. */
  perVoucherFen: fen,
  /** Most this till may redeem offline, in all, between syncs. */
  perDeviceTotalFen: fen,
  /** After this long without a sync, the till stops redeeming offline. */
  maxHoursOffline: z
    .number()
    .positive()
    .max(24 * 90),
});

export const campaignSchema = z.object({
  id: z.number().int().min(1).max(0xffffffff),
  names: localized,
  funder: localized,
  validFrom: isoInstant,
  validUntil: isoInstant,
  kind: z.enum(VOUCHER_KINDS),
  eligibleCategories: z.array(z.enum(ELIGIBLE_CATEGORIES)).min(1),
  perVisitCaps: z.partialRecord(z.enum(ELIGIBLE_CATEGORIES), perVisitCapSchema).default({}),
  /** Merchant ids allowed to redeem; ["*"] means every enrolled merchant. */
  merchants: z.array(z.string().min(1).max(64)).min(1),
  offline: offlineLimitsSchema,
  /**
   * Who decides what a voucher pays for (issue 11). `apl`: a line is eligible only if its barcode is
   * on the program's approved product list, or it is one of the shop's approved proposals, in a
   * category this campaign allows; the listed category wins over the shop's own. `shop`: the shop's
   * own category, for small programs that trust their shops (and manifests from before the list).
   */
  eligibility: z.enum(['apl', 'shop']).default('shop'),
});

export const revocationSchema = z.object({
  voucherId: z.string().regex(/^[0-9a-f]{32}$/),
  revokedAt: isoInstant,
  reason: z.string().max(200).optional(),
});

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  programId: z.string().min(1).max(64),
  programName: localized,
  /** Strictly increasing; a till never installs a version lower than the one it has. */
  version: z.number().int().positive(),
  issuedAt: isoInstant,
  keys: z.array(issuerKeySchema),
  campaigns: z.array(campaignSchema),
  revoked: z.array(revocationSchema),
  /** Server keys in use (more than one while a key is being replaced). Manifests before replies were signed have none. */
  serverKeys: z.array(serverKeySchema).max(8).default([]),
});

export const signedManifestSchema = z.object({
  /** The manifest as JSON text; the signature covers MANIFEST_SIGNING_CONTEXT ‖ UTF-8(manifest). */
  manifest: z
    .string()
    .min(2)
    .max(8 * 1024 * 1024),
  /** Ed25519 signature, base64url. */
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});

export type IssuerKey = z.output<typeof issuerKeySchema>;
export type ServerKey = z.output<typeof serverKeySchema>;
export type Campaign = z.output<typeof campaignSchema>;
export type CampaignInput = z.input<typeof campaignSchema>;
export type Manifest = z.output<typeof manifestSchema>;
export type SignedManifest = z.output<typeof signedManifestSchema>;
