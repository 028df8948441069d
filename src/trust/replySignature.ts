import crypto, { type KeyObject } from 'node:crypto';
import { sign, verify } from './ed25519';

/**
 * The program's signature on its replies to a till (DESIGN.md §5, "trust in both directions").
 * Whoever answers a till's request must prove to be the program: the reply is signed with a
 * server key that the root-signed manifest names, over the HTTP status, the request it answers,
 * the ETag (for "nothing newer") and the reply body's digest. Binding to the request (the till's
 * own request signature, which covers its time and body) means an "approved" captured for one
 * request is worthless for any other; an unsigned or wrongly signed reply is no contact at all.
 */
const FORMAT = 'caretill-reply/1';

export interface ReplyFacts {
  status: number;
  /** What the reply answers: requestBinding() of the till's signed request, or enrollBinding() of an enrollment. */
  binding: string;
  etag: string | null;
  body: Uint8Array;
}

/** The binding of a reply to a signed request: the till's signature over that request. */
export const requestBinding = (requestSignature: string): string => `request:${requestSignature}`;

/** The binding of a reply to an enrollment (not signed: the till's key is not known yet): the request body's digest. */
export const enrollBinding = (requestBody: Uint8Array | string): string =>
  `enroll:${crypto.createHash('sha256').update(requestBody).digest('hex')}`;

export function replySigningInput(r: ReplyFacts): Buffer {
  const digest = crypto.createHash('sha256').update(r.body).digest('hex');
  return Buffer.from(`${FORMAT}\n${r.status}\n${r.binding}\n${r.etag ?? ''}\n${digest}`, 'utf8');
}

export function signReply(privateKey: KeyObject, r: ReplyFacts): string {
  return sign(privateKey, replySigningInput(r)).toString('base64url');
}

/**
 * Whether the reply is signed by one of `keys` (the server keys of the manifest the till trusts).
 * `keyId` and `signature` are the reply's headers as received; anything missing or malformed is false.
 */
export function verifyReply(keys: ReadonlyMap<number, KeyObject>, keyId: string | null, signature: string | null, r: ReplyFacts): boolean {
  if (!keyId || !signature || !/^[1-9][0-9]{0,4}$/.test(keyId) || !/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  const key = keys.get(Number(keyId));
  return key !== undefined && verify(key, replySigningInput(r), Buffer.from(signature, 'base64url'));
}
