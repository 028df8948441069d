import type { KeyObject } from 'node:crypto';
import {
  APL_FORMAT,
  APL_SIGNING_CONTEXT,
  SHOP_LIST_FORMAT,
  SHOP_LIST_SIGNING_CONTEXT,
  shopListDocumentSchema,
  signedAplSchema,
  signedShopListSchema,
  type AplDocument,
  type AplEntry,
  type ShopListDocument,
  type SignedApl,
  type SignedShopList,
} from '../shared/apl/apl';
import { ELIGIBLE_CATEGORIES } from '../shared/domain/categories';
import { sign, verify } from './ed25519';
import { firstIssue } from '../shared/validation/firstIssue';

/**
 * Trust in the program's lists (issue 11), for the till (which installs them) and the program
 * (which signs them). Like the manifest: the exact JSON text is signed, with a context prefix, so
 * nothing is re-serialised before it is checked. A list is installed only if its signature holds,
 * it belongs to this program (and, for a shop list, this shop), its version is above the one
 * installed, and a delta applies on top of exactly the version installed.
 *
 * The APL can hold hundreds of thousands of entries: after the signature, its text is parsed once
 * with JSON.parse and each entry checked by hand (a regex and a set lookup), not through zod, which
 * would cost seconds for 200,000 entries.
 */

export type ListRefusal =
  /** Not a `{ document, signature }` envelope (or a shop list's key id missing). */
  | 'bad_envelope'
  /** The signature does not verify with the key it must (root key; a shop list's named server key). */
  | 'bad_signature'
  /** A shop list signed by a key the manifest does not name. */
  | 'unknown_key'
  /** Signed, but not a list document of this format. */
  | 'malformed'
  /** Another program's (or another shop's) list. */
  | 'wrong_program'
  | 'wrong_merchant'
  /** Its version is not above the one installed: never go back (a replayed older list). */
  | 'not_newer'
  /** A delta whose base is not the version installed (or none is installed). */
  | 'wrong_base';

export type ListVerdict<T> = { ok: true; value: T } | { ok: false; refusal: ListRefusal; message: string };

const refuse = <T>(refusal: ListRefusal, message: string): ListVerdict<T> => ({ ok: false, refusal, message });

const APL_CONTEXT = Buffer.from(APL_SIGNING_CONTEXT, 'utf8');
const SHOP_CONTEXT = Buffer.from(SHOP_LIST_SIGNING_CONTEXT, 'utf8');

export const aplSigningInput = (document: string): Buffer => Buffer.concat([APL_CONTEXT, Buffer.from(document, 'utf8')]);
export const shopListSigningInput = (document: string): Buffer => Buffer.concat([SHOP_CONTEXT, Buffer.from(document, 'utf8')]);

/** Signs an APL document (the program's root key: the CLI holds it, the server never needs it). */
export function signApl(rootPrivateKey: KeyObject, doc: AplDocument): SignedApl {
  // Entries leave out what is null (the schema's default): a 200,000-entry list is half the size.
  const document = JSON.stringify({ ...doc, upserts: doc.upserts.map(compactEntry) });
  return { document, signature: sign(rootPrivateKey, aplSigningInput(document)).toString('base64url') };
}

function compactEntry(e: AplEntry): Partial<AplEntry> {
  const out: Partial<AplEntry> = { barcode: e.barcode, category: e.category };
  if (e.maxUnitPriceFen !== null) out.maxUnitPriceFen = e.maxUnitPriceFen;
  if (e.validFrom !== null) out.validFrom = e.validFrom;
  if (e.validUntil !== null) out.validUntil = e.validUntil;
  return out;
}

/** Signs a shop list with a server key the manifest names (the operator API approves online). */
export function signShopList(serverKey: { keyId: number; privateKey: KeyObject }, doc: ShopListDocument): SignedShopList {
  const document = JSON.stringify(doc);
  return { document, keyId: serverKey.keyId, signature: sign(serverKey.privateKey, shopListSigningInput(document)).toString('base64url') };
}

const GTIN = /^[0-9]{8,14}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const CATEGORY_SET: ReadonlySet<string> = new Set(ELIGIBLE_CATEGORIES);
const MAX_FEN = 0xffffffff;
const isInstant = (v: unknown): v is string => typeof v === 'string' && ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v));
const optionalInstant = (v: unknown): v is string | null | undefined => v === undefined || v === null || isInstant(v);
const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** One entry checked by hand, with the schema's defaults filled in; null when it is not an entry. */
function aplEntry(e: unknown): AplEntry | null {
  if (typeof e !== 'object' || e === null) return null;
  const o = e as Record<string, unknown>;
  const { barcode, category, maxUnitPriceFen, validFrom, validUntil } = o;
  if (typeof barcode !== 'string' || !GTIN.test(barcode)) return null;
  if (typeof category !== 'string' || !CATEGORY_SET.has(category)) return null;
  if (
    maxUnitPriceFen !== undefined &&
    maxUnitPriceFen !== null &&
    !(typeof maxUnitPriceFen === 'number' && Number.isInteger(maxUnitPriceFen) && maxUnitPriceFen >= 0 && maxUnitPriceFen <= MAX_FEN)
  )
    return null;
  if (!optionalInstant(validFrom) || !optionalInstant(validUntil)) return null;
  return {
    barcode,
    category: category as AplEntry['category'],
    maxUnitPriceFen: (maxUnitPriceFen as number | null | undefined) ?? null,
    validFrom: validFrom ?? null,
    validUntil: validUntil ?? null,
  };
}

/** The APL document schema (src/shared/apl/apl.ts), checked by hand for speed. */
export function parseAplDocument(text: string): ListVerdict<AplDocument> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refuse('malformed', 'the list is not JSON');
  }
  if (typeof json !== 'object' || json === null) return refuse('malformed', 'the list is not an object');
  const d = json as Record<string, unknown>;
  if (d.format !== APL_FORMAT) return refuse('malformed', `not an APL (${String(d.format).slice(0, 40)})`);
  if (typeof d.programId !== 'string' || d.programId.length < 1 || d.programId.length > 64) return refuse('malformed', 'programId');
  if (!positiveInt(d.version)) return refuse('malformed', 'version');
  if (d.base !== null && !positiveInt(d.base)) return refuse('malformed', 'base');
  if (d.base !== null && d.base >= d.version) return refuse('malformed', 'a delta’s base must be below its version');
  if (!isInstant(d.issuedAt)) return refuse('malformed', 'issuedAt');
  if (!Array.isArray(d.upserts) || !Array.isArray(d.removals)) return refuse('malformed', 'upserts and removals must be lists');
  if (d.base === null && d.removals.length > 0) return refuse('malformed', 'a whole list removes nothing');
  const upserts: AplEntry[] = new Array<AplEntry>(d.upserts.length);
  for (let i = 0; i < d.upserts.length; i++) {
    const e = aplEntry(d.upserts[i]);
    if (!e) return refuse('malformed', `upserts.${i}: not a list entry`);
    upserts[i] = e;
  }
  for (let i = 0; i < d.removals.length; i++) {
    const r: unknown = d.removals[i];
    if (typeof r !== 'string' || !GTIN.test(r)) return refuse('malformed', `removals.${i}: not a barcode`);
  }
  return {
    ok: true,
    value: {
      format: APL_FORMAT,
      programId: d.programId,
      version: d.version,
      base: d.base as number | null,
      issuedAt: d.issuedAt,
      upserts,
      removals: d.removals as string[],
    },
  };
}

/**
 * A signed APL (a whole list or a delta) as received: checked against the program's root key and
 * what is installed. `installed`: the version the till has (null: none yet). `programId`: the
 * program the till is enrolled with (checked when given).
 */
export function verifySignedApl(
  signed: unknown,
  rootPublicKey: KeyObject,
  installed: { version: number } | null,
  opts: { programId?: string } = {},
): ListVerdict<AplDocument> {
  const envelope = signedAplSchema.safeParse(signed);
  if (!envelope.success) return refuse('bad_envelope', 'not a signed list');
  const { document, signature } = envelope.data;
  if (!verify(rootPublicKey, aplSigningInput(document), Buffer.from(signature, 'base64url')))
    return refuse('bad_signature', 'the list’s signature does not verify with the program key');
  const parsed = parseAplDocument(document);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (opts.programId !== undefined && doc.programId !== opts.programId)
    return refuse('wrong_program', `a list of program ${doc.programId}, not ${opts.programId}`);
  if (installed && doc.version <= installed.version)
    return refuse('not_newer', `list version ${doc.version} is not newer than the installed ${installed.version}`);
  if (doc.base !== null && doc.base !== installed?.version)
    return refuse(
      'wrong_base',
      `a change from version ${doc.base}, but ${installed ? `version ${installed.version}` : 'no list'} is installed`,
    );
  return { ok: true, value: doc };
}

/**
 * The entries after installing `doc` on top of `current` (the installed entries by barcode; null
 * when none). A whole list replaces; a delta removes then upserts. `current` is not changed.
 * The caller has verified `doc` (verifySignedApl), base included.
 */
export function applyApl(current: ReadonlyMap<string, AplEntry> | null, doc: AplDocument): Map<string, AplEntry> {
  const next = doc.base === null || !current ? new Map<string, AplEntry>() : new Map(current);
  for (const b of doc.removals) next.delete(b);
  for (const e of doc.upserts) next.set(e.barcode, e);
  return next;
}

/**
 * A merchant's signed shop list: signed by one of the program's server keys (`serverKeys`, from
 * the manifest the till trusts), for this merchant, newer than `installedVersion` (0: none).
 */
export function verifySignedShopList(
  signed: unknown,
  serverKeys: ReadonlyMap<number, KeyObject>,
  merchantId: string,
  installedVersion: number,
  opts: { programId?: string } = {},
): ListVerdict<ShopListDocument> {
  const envelope = signedShopListSchema.safeParse(signed);
  if (!envelope.success) return refuse('bad_envelope', 'not a signed shop list');
  const { document, keyId, signature } = envelope.data;
  const key = serverKeys.get(keyId);
  if (!key) return refuse('unknown_key', `server key ${keyId} is not named by the manifest`);
  if (!verify(key, shopListSigningInput(document), Buffer.from(signature, 'base64url')))
    return refuse('bad_signature', 'the shop list’s signature does not verify');
  let json: unknown;
  try {
    json = JSON.parse(document);
  } catch {
    return refuse('malformed', 'the shop list is not JSON');
  }
  if ((json as { format?: unknown } | null)?.format !== SHOP_LIST_FORMAT) return refuse('malformed', 'not a shop list');
  const parsed = shopListDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    return refuse('malformed', `${path.join('.')}: ${message}`);
  }
  const doc = parsed.data;
  if (opts.programId !== undefined && doc.programId !== opts.programId)
    return refuse('wrong_program', `a shop list of program ${doc.programId}, not ${opts.programId}`);
  if (doc.merchantId !== merchantId) return refuse('wrong_merchant', `the shop list of ${doc.merchantId}, not ${merchantId}`);
  if (doc.version <= installedVersion)
    return refuse('not_newer', `shop list version ${doc.version} is not newer than the installed ${installedVersion}`);
  return { ok: true, value: doc };
}
