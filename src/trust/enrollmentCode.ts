import crypto from 'node:crypto';

/**
 * The one-time enrollment code an operator gives a shop, and the program fingerprint it carries:
 *
 *   ABCD-EFGH-JKMN.7K2Q-XM9B-P3RT-VW4Z
 *   └ one-time code ┘└ program pin: 80 bits of SHA-256 of the program's root public key ┘
 *
 * The till sends only the code part to the server it was told; the pin stays with the till, which
 * refuses a program whose root key does not hash to it. A server that is not the program (a fake
 * on the shop's network, a mistyped address) can accept any code but cannot produce a root key
 * with that fingerprint, so it can never become the till's program. Both parts are Crockford
 * Base32, typed by people: case, spaces and dashes are ignored, O reads as 0, I and L as 1.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_CHARS = 12;
export const PIN_CHARS = 16;
const PIN_CONTEXT = 'caretill/program-pin/v1\0';

export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** The first `chars` × 5 bits of `bytes` in Crockford Base32. */
export function crockford(bytes: Uint8Array, chars: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
    if (out.length === chars) break;
  }
  return out;
}

const groups = (s: string) => s.match(/.{1,4}/g)!.join('-');

/** A fresh one-time code: 60 random bits, as ABCD-EFGH-JKMN. */
export function newCode(): string {
  return groups(crockford(crypto.randomBytes(8), CODE_CHARS));
}

/** The program's pin: 16 Crockford characters of SHA-256 over its raw root public key (base64url). */
export function programPin(rootPublicKey: string): string {
  const raw = Buffer.from(rootPublicKey, 'base64url');
  return crockford(crypto.createHash('sha256').update(PIN_CONTEXT).update(raw).digest(), PIN_CHARS);
}

/** The code a till is given: the one-time code and the program's pin. */
export function codeWithPin(code: string, rootPublicKey: string): string {
  return `${code}.${groups(programPin(rootPublicKey))}`;
}

/** The two parts of a code as typed; null when it carries no pin (or not a well-formed one). */
export function splitEnrollmentCode(text: string): { code: string; pin: string } | null {
  const parts = text.trim().split('.');
  if (parts.length !== 2) return null;
  const code = normalizeCode(parts[0]!);
  const pin = normalizeCode(parts[1]!);
  const base32 = /^[0-9A-HJKMNP-TV-Z]+$/;
  if (code.length < 4 || code.length > 40 || !base32.test(code)) return null;
  if (pin.length !== PIN_CHARS || !base32.test(pin)) return null;
  return { code, pin };
}

/** Whether a root public key (raw Ed25519, base64url) is the one the pin names. */
export function pinMatches(pin: string, rootPublicKey: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(rootPublicKey) && programPin(rootPublicKey) === normalizeCode(pin);
}
