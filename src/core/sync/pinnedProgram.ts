import { PosError } from '../../shared/api/errors';
import { isAllowedServerUrl, type EnrollResponse } from '../../shared/sync/protocol';
import { publicKeyFromBase64url } from '../../trust/ed25519';
import { pinMatches, splitEnrollmentCode } from '../../trust/enrollmentCode';
import { trustManifest } from '../../trust/trustedManifest';
import type { ReplyKeys } from './client';

/**
 * Enrollment with a pinned program (issue 10, item 4). The code the operator gives carries the
 * program's pin (a fingerprint of its root key, src/trust/enrollmentCode.ts); the till keeps the
 * pin and sends only the one-time part. A server is the program only if its root key matches the
 * pin, that key signed its manifest, and the reply is signed by a server key that manifest names.
 */

/** The code's two parts, once the code and the address pass; nothing has been sent yet. */
export function checkEnrollment(serverUrl: string, code: string): { code: string; pin: string } {
  const parts = splitEnrollmentCode(code);
  if (!parts) throw new PosError('enroll_code_no_pin', 'the enrollment code carries no program fingerprint', { field: 'code' });
  if (!isAllowedServerUrl(serverUrl))
    throw new PosError('insecure_server_url', 'the program address must use https (plain http only on this machine)', {
      field: 'serverUrl',
    });
  return parts;
}

/** The keys an enrollment reply must be signed with, or PosError when the server is not the pinned program. */
export const pinnedReplyKeys =
  (pin: string) =>
  (reply: EnrollResponse | null): ReplyKeys => {
    if (!reply || !pinMatches(pin, reply.rootPublicKey))
      throw new PosError('program_key_mismatch', "the server's program key does not match the enrollment code's fingerprint");
    return trustManifest(reply.manifest, publicKeyFromBase64url(reply.rootPublicKey)).serverKeys;
  };
