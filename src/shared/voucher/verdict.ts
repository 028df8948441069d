import type { Campaign } from './manifest';
import type { VoucherFields } from './token';

/**
 * Every reason a scanned string can be refused, one stable code each (DESIGN.md §4). The codes
 * are keys of `verdict.<code>` messages in the catalogues, which tell the cashier what to do.
 */
export const REFUSAL_CODES = [
  // the string itself
  'empty',
  'wrong_prefix',
  'unsupported_version',
  'malformed',
  // trust
  'no_manifest',
  'unknown_key',
  'key_not_valid',
  'key_revoked',
  'bad_signature',
  // a holder ticket (a voucher found by its typed holder code): made for another till, or too old
  'ticket_other_till',
  'ticket_expired',
  // the program's rules
  'unknown_campaign',
  'kind_mismatch',
  'revoked',
  'not_yet_valid',
  'expired',
  'campaign_not_active',
  'not_at_this_shop',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Refusals that depend on this till's state and the sale at hand (checked in checkout). */
export const CHECKOUT_REFUSAL_CODES = [
  'duplicate_in_sale',
  'already_used',
  'balance_exhausted',
  'offline_too_long',
  'offline_limit_voucher',
  'offline_limit_device',
  /** Found by its holder code: only the program can vouch for it, so it needs the program now. */
  'needs_online',
] as const;

export type CheckoutRefusalCode = (typeof CHECKOUT_REFUSAL_CODES)[number];

/** What the verdict card shows for a voucher in a sale. */
export const VOUCHER_STATUS_CODES = ['valid', ...REFUSAL_CODES, ...CHECKOUT_REFUSAL_CODES] as const;
export type VoucherStatusCode = (typeof VOUCHER_STATUS_CODES)[number];

export type VoucherVerdict =
  /** `byHolderCode`: a holder ticket, good online only (holderTicket.ts). */
  | { ok: true; voucher: VoucherFields; campaign: Campaign; byHolderCode?: true }
  /** `voucher` is present once the signature has been checked, so the UI may show what it was. */
  | { ok: false; code: RefusalCode; voucher?: VoucherFields };
