import { base45Decode, base45Encode } from './base45';

/**
 * The voucher token carried by the QR code (DESIGN.md §4).
 *
 *   "CT1:" + Base45( payload[40] ‖ Ed25519 signature[64] )            → 160 characters, QR 7-M
 *
 * payload (big-endian):
 *   0      1  header: high nibble = layout version (1), low nibble = kind (0 fixed, 1 balance)
 *   1     16  voucher id (128-bit random)
 *   17     4  campaign id (uint32)
 *   21     4  face value in fen (uint32)
 *   25     4  valid from, Unix seconds (uint32)
 *   29     4  valid until, Unix seconds (uint32)
 *   33     5  holder tag (40-bit pseudonym; never a name or ID number)
 *   38     2  issuer key id (uint16)
 *
 * The signature covers SIGNING_CONTEXT ‖ payload, so a signature made for anything else (a
 * manifest, another program's format) can never pass as a voucher's.
 */
export const TOKEN_PREFIX = 'CT';
export const TOKEN_VERSION = 1;
export const TOKEN_HEADER = `${TOKEN_PREFIX}${TOKEN_VERSION}:`;
export const PAYLOAD_BYTES = 40;
export const SIGNATURE_BYTES = 64;
export const TOKEN_BYTES = PAYLOAD_BYTES + SIGNATURE_BYTES;
export const TOKEN_CHARS = TOKEN_HEADER.length + Math.ceil(TOKEN_BYTES / 2) * 3;
export const SIGNING_CONTEXT = new TextEncoder().encode('caretill/voucher/v1\0');

export const VOUCHER_KINDS = ['fixed', 'balance'] as const;
export type VoucherKind = (typeof VOUCHER_KINDS)[number];

export interface VoucherFields {
  /** 32 lowercase hex characters. */
  voucherId: string;
  campaignId: number;
  kind: VoucherKind;
  faceValueFen: number;
  /** Unix seconds, inclusive. */
  validFrom: number;
  /** Unix seconds, inclusive. */
  validUntil: number;
  /** 10 lowercase hex characters (40 bits); shown to people as a holder code. */
  holderTag: string;
  keyId: number;
}

export interface DecodedToken {
  fields: VoucherFields;
  /** The exact signed bytes: SIGNING_CONTEXT ‖ payload. */
  signedBytes: Uint8Array;
  signature: Uint8Array;
}

/** Why a string is not a well-formed token; the checks that need keys and a manifest live in core. */
export type TokenFormatError = 'empty' | 'wrong_prefix' | 'unsupported_version' | 'malformed';

export type DecodeResult = { ok: true; token: DecodedToken } | { ok: false; reason: TokenFormatError };

const HEX = /^[0-9a-f]+$/;

export function encodePayload(f: VoucherFields): Uint8Array {
  checkFields(f);
  const p = new Uint8Array(PAYLOAD_BYTES);
  const v = new DataView(p.buffer);
  p[0] = (TOKEN_VERSION << 4) | VOUCHER_KINDS.indexOf(f.kind);
  p.set(hexToBytes(f.voucherId), 1);
  v.setUint32(17, f.campaignId);
  v.setUint32(21, f.faceValueFen);
  v.setUint32(25, f.validFrom);
  v.setUint32(29, f.validUntil);
  p.set(hexToBytes(f.holderTag), 33);
  v.setUint16(38, f.keyId);
  return p;
}

/** The bytes an issuer signs for these fields. */
export function signingInput(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(SIGNING_CONTEXT.length + payload.length);
  out.set(SIGNING_CONTEXT, 0);
  out.set(payload, SIGNING_CONTEXT.length);
  return out;
}

export function encodeToken(payload: Uint8Array, signature: Uint8Array): string {
  if (payload.length !== PAYLOAD_BYTES || signature.length !== SIGNATURE_BYTES) throw new RangeError('bad payload or signature length');
  const bytes = new Uint8Array(TOKEN_BYTES);
  bytes.set(payload, 0);
  bytes.set(signature, PAYLOAD_BYTES);
  return TOKEN_HEADER + base45Encode(bytes);
}

/**
 * Normalises what a scanner typed: drops the Enter/Tab/CR/LF a scanner appends and the BOM or
 * zero-width characters some phones add, and undoes Caps Lock (Base45 has no lower case, so
 * upper-casing loses nothing). Spaces are kept: Base45 uses them.
 */
export function normalizeScan(raw: string): string {
  let s = raw.replace(/^[\r\n\t\uFEFF\u200B]+|[\r\n\t\uFEFF\u200B]+$/g, '');
  if (/^ct\d/i.test(s) && /[a-z]/.test(s)) s = s.toUpperCase();
  return s;
}

/** Parses any string into a token or a format error; never throws, whatever the input. */
export function decodeToken(raw: string): DecodeResult {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'empty' };
  if (raw.length > 4096) return { ok: false, reason: 'malformed' };
  const s = normalizeScan(raw);
  if (s.length === 0) return { ok: false, reason: 'empty' };
  const m = /^CT(\d{1,3}):/.exec(s);
  if (!m) return { ok: false, reason: 'wrong_prefix' };
  if (Number(m[1]) !== TOKEN_VERSION) return { ok: false, reason: 'unsupported_version' };
  const body = s.slice(m[0].length);
  if (s.length !== TOKEN_CHARS) return { ok: false, reason: 'malformed' };
  const bytes = base45Decode(body);
  if (!bytes || bytes.length !== TOKEN_BYTES) return { ok: false, reason: 'malformed' };
  const payload = bytes.subarray(0, PAYLOAD_BYTES);
  const header = payload[0]!;
  if (header >> 4 !== TOKEN_VERSION) return { ok: false, reason: 'unsupported_version' };
  const kindIndex = header & 0x0f;
  const kind = VOUCHER_KINDS[kindIndex];
  if (!kind) return { ok: false, reason: 'malformed' };
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const fields: VoucherFields = {
    voucherId: bytesToHex(payload.subarray(1, 17)),
    campaignId: v.getUint32(17),
    kind,
    faceValueFen: v.getUint32(21),
    validFrom: v.getUint32(25),
    validUntil: v.getUint32(29),
    holderTag: bytesToHex(payload.subarray(33, 38)),
    keyId: v.getUint16(38),
  };
  if (fields.validUntil < fields.validFrom || fields.faceValueFen === 0) return { ok: false, reason: 'malformed' };
  return { ok: true, token: { fields, signedBytes: signingInput(payload), signature: bytes.slice(PAYLOAD_BYTES) } };
}

function checkFields(f: VoucherFields): void {
  const u32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
  if (f.voucherId.length !== 32 || !HEX.test(f.voucherId)) throw new RangeError('voucherId must be 32 lowercase hex characters');
  if (f.holderTag.length !== 10 || !HEX.test(f.holderTag)) throw new RangeError('holderTag must be 10 lowercase hex characters');
  if (!u32(f.campaignId) || !u32(f.faceValueFen) || !u32(f.validFrom) || !u32(f.validUntil))
    throw new RangeError('numeric field out of range');
  if (f.faceValueFen === 0) throw new RangeError('faceValueFen must be positive');
  if (f.validUntil < f.validFrom) throw new RangeError('validUntil before validFrom');
  if (!Number.isInteger(f.keyId) || f.keyId < 0 || f.keyId > 0xffff) throw new RangeError('keyId must be a uint16');
  if (!VOUCHER_KINDS.includes(f.kind)) throw new RangeError('unknown kind');
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Crockford Base32, for codes people read aloud: no I, L, O, U. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The holder code printed on a card: the 40-bit holder tag as 8 Crockford characters, "7K2Q-9XMB". */
export function holderCode(holderTag: string): string {
  let n = BigInt(`0x${holderTag}`);
  let s = '';
  for (let i = 0; i < 8; i++) {
    s = CROCKFORD[Number(n & 31n)]! + s;
    n >>= 5n;
  }
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** A voucher id as shown on screens and receipts: enough to find it, not enough to forge a lookup. */
export function maskVoucherId(voucherId: string): string {
  return `${voucherId.slice(0, 4)}…${voucherId.slice(-4)}`.toUpperCase();
}
