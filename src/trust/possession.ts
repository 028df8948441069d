import type { KeyObject } from 'node:crypto';
import { decodeToken, type VoucherFields } from '../shared/voucher/token';
import { verify } from './ed25519';

/**
 * Proof that a till holds a voucher, not just its id (issue 10, item 6): the whole token as
 * scanned, signed by the issuer key the program used for that voucher, naming that very voucher.
 * A voucher id is printed (masked) on receipts and travels in every record; the token is what the
 * family carries. `issuerKey` gives the public key of a key id, or null when there is none.
 */
export function provesPossession(
  token: string,
  expected: Pick<VoucherFields, 'voucherId' | 'campaignId' | 'keyId'>,
  issuerKey: (keyId: number) => KeyObject | null,
): boolean {
  const decoded = decodeToken(token);
  if (!decoded.ok) return false;
  const { fields, signedBytes, signature } = decoded.token;
  if (fields.voucherId !== expected.voucherId || fields.campaignId !== expected.campaignId || fields.keyId !== expected.keyId) return false;
  const key = issuerKey(fields.keyId);
  return key !== null && verify(key, signedBytes, signature);
}
