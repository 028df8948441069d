import crypto, { type KeyObject } from 'node:crypto';
import {
  decodeHolderTicket,
  encodeHolderTicket,
  holderTicketBody,
  HOLDER_TICKET_MS,
  type DecodedHolderTicket,
} from '../shared/voucher/holderTicket';
import type { VoucherFields } from '../shared/voucher/token';
import { sign, verify } from './ed25519';

/** The first 16 bytes of SHA-256(device id), hex: what binds a holder ticket to one till. */
export function deviceDigest(deviceId: string): string {
  return crypto.createHash('sha256').update(deviceId, 'utf8').digest('hex').slice(0, 32);
}

/** The program server's side: a ticket for `fields`, good at `deviceId` until now + HOLDER_TICKET_MS. */
export function signHolderTicket(
  key: { keyId: number; privateKey: KeyObject },
  fields: VoucherFields,
  deviceId: string,
  nowMs: number,
): string {
  const expiresAt = Math.floor((nowMs + HOLDER_TICKET_MS) / 1000);
  const { body, signedBytes } = holderTicketBody(fields, deviceDigest(deviceId), expiresAt, key.keyId);
  return encodeHolderTicket(body, sign(key.privateKey, signedBytes));
}

export type TicketRefusal = 'malformed' | 'bad_signature' | 'ticket_other_till' | 'ticket_expired';

/**
 * Checks a holder ticket as both sides do: well formed, signed by one of the program's server keys,
 * made for this till, not past its time (with the clock tolerance). What the voucher's fields then
 * allow (campaign, validity, revocation, this shop) is judged as for a scanned token.
 */
export function verifyHolderTicket(
  raw: string,
  ctx: { serverKeys: ReadonlyMap<number, KeyObject>; deviceId: string | null; nowMs: number; skewMs: number },
): { ok: true; ticket: DecodedHolderTicket } | { ok: false; code: TicketRefusal; fields?: VoucherFields } {
  const ticket = decodeHolderTicket(raw);
  if (!ticket) return { ok: false, code: 'malformed' };
  const key = ctx.serverKeys.get(ticket.serverKeyId);
  if (!key || !verify(key, ticket.signedBytes, ticket.signature)) return { ok: false, code: 'bad_signature' };
  if (ctx.deviceId === null || ticket.deviceDigest !== deviceDigest(ctx.deviceId))
    return { ok: false, code: 'ticket_other_till', fields: ticket.fields };
  if (ctx.nowMs - ctx.skewMs > ticket.expiresAt * 1000) return { ok: false, code: 'ticket_expired', fields: ticket.fields };
  return { ok: true, ticket };
}
