import { base45Decode, base45Encode } from './base45';
import { bytesToHex, CROCKFORD, decodeToken, encodePayload, hexToBytes, PAYLOAD_BYTES, type VoucherFields } from './token';

/**
 * Typing the holder code (issue 13, item 4). The card prints a holder code ("7K2Q-9XMB") beside the
 * QR; when the QR is torn the cashier types the code and the program, which knows which voucher
 * carries it, answers with a **holder ticket**: the voucher's fields as the issuer signed them,
 * bound to this till and to the next half hour, signed by a program server key that the manifest
 * names. The program keeps no voucher tokens (issue 10), so it cannot hand the QR's token back; the
 * ticket plays its part in the sale instead. A ticket is good online only: the till cannot check a
 * holder code by itself, so every use is authorized by the program, which checks the ticket again.
 *
 *   "CTH1:" + Base45( payload[40] ‖ device digest[16] ‖ expires[4] ‖ server key id[2] ‖ signature[64] )
 *
 * The device digest is the first 16 bytes of SHA-256(device id): a ticket read off one till's
 * screen is worthless at another. The signature covers TICKET_SIGNING_CONTEXT ‖ everything before it.
 */
export const HOLDER_TICKET_HEADER = 'CTH1:';
export const DEVICE_DIGEST_BYTES = 16;
const BODY_BYTES = PAYLOAD_BYTES + DEVICE_DIGEST_BYTES + 4 + 2;
export const TICKET_BYTES = BODY_BYTES + 64;
export const TICKET_SIGNING_CONTEXT = new TextEncoder().encode('caretill/holder-ticket/v1\0');
/** How long a ticket serves: long enough for a sale, short enough that an old one is useless. */
export const HOLDER_TICKET_MS = 30 * 60_000;

export interface DecodedHolderTicket {
  fields: VoucherFields;
  /** 32 hex characters. */
  deviceDigest: string;
  /** Unix seconds. */
  expiresAt: number;
  serverKeyId: number;
  signedBytes: Uint8Array;
  signature: Uint8Array;
}

export function isHolderTicket(raw: string): boolean {
  return typeof raw === 'string' && raw.startsWith(HOLDER_TICKET_HEADER);
}

/** The bytes a server signs; `body` is payload ‖ device digest ‖ expires ‖ key id. */
function signingInput(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(TICKET_SIGNING_CONTEXT.length + body.length);
  out.set(TICKET_SIGNING_CONTEXT, 0);
  out.set(body, TICKET_SIGNING_CONTEXT.length);
  return out;
}

/** The ticket's body and the bytes to sign, for the program server. */
export function holderTicketBody(
  fields: VoucherFields,
  deviceDigest: string,
  expiresAt: number,
  serverKeyId: number,
): { body: Uint8Array; signedBytes: Uint8Array } {
  if (deviceDigest.length !== DEVICE_DIGEST_BYTES * 2) throw new RangeError('device digest must be 16 bytes');
  const body = new Uint8Array(BODY_BYTES);
  body.set(encodePayload(fields), 0);
  body.set(hexToBytes(deviceDigest), PAYLOAD_BYTES);
  const v = new DataView(body.buffer);
  v.setUint32(PAYLOAD_BYTES + DEVICE_DIGEST_BYTES, expiresAt);
  v.setUint16(PAYLOAD_BYTES + DEVICE_DIGEST_BYTES + 4, serverKeyId);
  return { body, signedBytes: signingInput(body) };
}

export function encodeHolderTicket(body: Uint8Array, signature: Uint8Array): string {
  if (body.length !== BODY_BYTES || signature.length !== 64) throw new RangeError('bad ticket body or signature length');
  const bytes = new Uint8Array(TICKET_BYTES);
  bytes.set(body, 0);
  bytes.set(signature, BODY_BYTES);
  return HOLDER_TICKET_HEADER + base45Encode(bytes);
}

/** Parses a ticket; null for anything that is not a well-formed one. Never throws. */
export function decodeHolderTicket(raw: string): DecodedHolderTicket | null {
  if (typeof raw !== 'string' || raw.length > 1024) return null;
  // Not trimmed: Base45 has a space among its characters.
  const s = raw;
  if (!s.startsWith(HOLDER_TICKET_HEADER)) return null;
  const bytes = base45Decode(s.slice(HOLDER_TICKET_HEADER.length));
  if (!bytes || bytes.length !== TICKET_BYTES) return null;
  const payload = bytes.subarray(0, PAYLOAD_BYTES);
  // The voucher payload decodes exactly as a token's: reuse that decoder with a dummy signature.
  const asToken = decodeToken(`CT1:${base45Encode(concat(payload, new Uint8Array(64)))}`);
  if (!asToken.ok) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    fields: asToken.token.fields,
    deviceDigest: bytesToHex(bytes.subarray(PAYLOAD_BYTES, PAYLOAD_BYTES + DEVICE_DIGEST_BYTES)),
    expiresAt: v.getUint32(PAYLOAD_BYTES + DEVICE_DIGEST_BYTES),
    serverKeyId: v.getUint16(PAYLOAD_BYTES + DEVICE_DIGEST_BYTES + 4),
    signedBytes: signingInput(bytes.slice(0, BODY_BYTES)),
    signature: bytes.slice(BODY_BYTES),
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// ------------------------------------------------------------------------------------------------
// The holder code itself.

/**
 * The holder tag a typed holder code stands for, or null when the text is not one. Forgiving as
 * Crockford Base32 is meant to be: any case, with or without the hyphen or spaces, O read as 0 and
 * I or L as 1 (the code never prints those letters).
 */
export function parseHolderCode(text: string): string | null {
  if (typeof text !== 'string' || text.length > 20) return null;
  const s = text.trim().toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== 8) return null;
  let n = 0n;
  for (const ch of s) {
    const d = CROCKFORD.indexOf(ch);
    if (d < 0) return null;
    n = (n << 5n) | BigInt(d);
  }
  return n.toString(16).padStart(10, '0');
}

/**
 * Whether a typed string should be taken for a holder code rather than a product barcode: it
 * parses, and it has the hyphen the card prints or a letter (eight digits alone are an EAN-8).
 */
export function looksLikeHolderCode(text: string): boolean {
  const t = text.trim();
  return parseHolderCode(t) !== null && (/^[0-9A-Za-z]{4}[\s-][0-9A-Za-z]{4}$/.test(t) || /[A-Za-z]/.test(t));
}
