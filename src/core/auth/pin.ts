import crypto from 'node:crypto';

/**
 * PIN hashing with scrypt (a memory-hard KDF in Node's crypto): a stolen till database does not
 * give away 4-6 digit PINs cheaply. Stored as "scrypt$N$r$p$salt$hash", so parameters can grow.
 */
const N = 1 << 14;
const R = 8;
const P = 1;
const KEYLEN = 32;

export function hashPin(pin: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(pin, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = crypto.scryptSync(pin, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return crypto.timingSafeEqual(actual, expected);
}

export const PIN_PATTERN = /^\d{4,8}$/;
