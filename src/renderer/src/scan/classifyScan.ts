import { MAX_VOUCHER_CHARS } from '../../../shared/api/schemas/checkout';
import { checkBarcode } from '../../../shared/domain/barcode';
import { looksLikeHolderCode } from '../../../shared/voucher/holderTicket';

/**
 * What a scanned or typed string is, decided before anything is sent to core, so that a string no
 * request could carry (longer than the contract allows, Chinese text, markup) gets a clear answer
 * of its own and never reaches the sale:
 * - `voucher`: starts like a voucher token (CT1:…) and fits the contract; core gives its verdict.
 * - `holder_code`: the code printed under a card's QR ("7K2Q-9XMB"), typed when the QR will not scan;
 *   the program finds the voucher (online only).
 * - `barcode`: could be a product barcode or a shop's own code; core looks it up (and judges a check digit).
 * - `not_a_voucher`: starts like a voucher but is too long to be one (a paste gone wrong, a scanner stuck).
 * - `not_a_code`: neither a barcode nor a voucher ("中文券码", "<script>", a web address).
 */
export type ScanKind =
  | { kind: 'empty' }
  | { kind: 'voucher'; text: string }
  | { kind: 'holder_code'; code: string }
  | { kind: 'barcode'; code: string }
  | { kind: 'not_a_voucher'; shown: string }
  | { kind: 'not_a_code'; shown: string };

/** Voucher tokens start with CT and a version; anything else the scanners read is a product barcode (or nothing). */
export function looksLikeVoucher(code: string): boolean {
  return /^\s*CT\d{1,3}:/i.test(code);
}

/** How much of a refused string the cashier is shown: enough to recognise it, never a screenful. */
export const SHOWN_CHARS = 24;

export function shownPart(raw: string): string {
  const s = raw.trim().replace(/\s+/g, ' ');
  return s.length > SHOWN_CHARS ? `${s.slice(0, SHOWN_CHARS)}…` : s;
}

export function classifyScan(raw: string): ScanKind {
  if (raw.trim() === '') return { kind: 'empty' };
  if (looksLikeVoucher(raw)) {
    return raw.length > MAX_VOUCHER_CHARS ? { kind: 'not_a_voucher', shown: shownPart(raw) } : { kind: 'voucher', text: raw };
  }
  if (looksLikeHolderCode(raw)) return { kind: 'holder_code', code: raw.trim() };
  const checked = checkBarcode(raw);
  // A wrong check digit is still a barcode: core says so in its own words ("校验位不对").
  if (!checked.ok && checked.reason === 'format') return { kind: 'not_a_code', shown: shownPart(raw) };
  return { kind: 'barcode', code: raw.trim() };
}
