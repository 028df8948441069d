import crypto, { type KeyObject } from 'node:crypto';

/**
 * Ed25519 with Node's crypto. Raw 32-byte public keys travel in manifests; KeyObjects are built
 * once per key (building one costs more than a verify) and cached by whoever holds them.
 */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/**
 * Keys by their text, most recent last. A program server verifies every till's request with that
 * till's key: building the KeyObject anew each time cost it more than the verify (a tenth of its CPU
 * under load). The cache is keyed by the key itself, so it can never answer for another key, and a
 * process holds no state another needs: a re-keyed till simply brings a new text.
 */
const keyCache = new Map<string, KeyObject>();
const KEY_CACHE_MAX = 8192;

export function publicKeyFromBase64url(text: string): KeyObject {
  const cached = keyCache.get(text);
  if (cached) return cached;
  const key = publicKeyFromRaw(Buffer.from(text, 'base64url'));
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(text, key);
  return key;
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

export function generateKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return crypto.generateKeyPairSync('ed25519');
}

export function sign(privateKey: KeyObject, data: Uint8Array): Buffer {
  return crypto.sign(null, data, privateKey);
}

export function verify(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return crypto.verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

export function privateKeyToPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function privateKeyFromPem(pem: string): KeyObject {
  return crypto.createPrivateKey(pem);
}
