import type { ImportIssue, RowNote } from '../api/schemas/catalogImport';
import { checkBarcode } from '../domain/barcode';

/**
 * Cells of a product file, as Excel and WPS leave them: barcodes (check digit, scientific notation,
 * lost leading zeros) and prices. Shared by the till's product import and the program's APL import.
 */

type Params = Record<string, string | number>;

/** The highest price a file may give (¥100,000), unless the caller says otherwise. */
export const MAX_PRICE_FEN = 10_000_000;

/** Full-width digits and letters to ASCII, no spaces, no Excel text-forcing marks ('6901…, ="6901…"). */
export function cleanCode(text: string): string {
  let t = text.normalize('NFKC').replace(/\s+/g, '');
  const forced = /^="(.*)"$/.exec(t);
  if (forced) t = forced[1]!;
  return t.replace(/^'/, '');
}

export type BarcodeVerdict =
  { ok: true; code: string | null; note?: Omit<RowNote, 'row'> } | { ok: false; code: ImportIssue; params: Params };

/**
 * A barcode cell as a shop's file has it. Excel does two things to barcodes typed as numbers:
 * shows them as 6.90123E+12 (a CSV saved from that keeps only those six digits: unrecoverable, say
 * so) and drops leading zeros (0 + UPC-A, EAN-8 starting with 0: restored when the check digit
 * proves the zero was there).
 */
export function checkBarcodeCell(raw: string): BarcodeVerdict {
  let text = cleanCode(raw);
  if (text === '') return { ok: true, code: null };
  let note: Omit<RowNote, 'row'> | undefined;
  text = text.replace(/^(\d+)\.0+$/, '$1');
  const sci = /^(\d)(?:\.(\d+))?E\+?(\d{1,2})$/i.exec(text);
  if (sci) {
    const frac = sci[2] ?? '';
    const exp = Number(sci[3]);
    // Every digit still there only if the mantissa has as many decimals as the exponent says.
    if (frac.length < exp) return { ok: false, code: 'barcode_scientific', params: { text } };
    if (frac.length > exp) return { ok: false, code: 'barcode_format', params: { text } };
    note = { code: 'scientific_exact', params: { from: text, to: sci[1]! + frac } };
    text = sci[1]! + frac;
  }
  if (/^\d+$/.test(text) && [7, 10, 11].includes(text.length)) {
    const target = text.length === 7 ? 8 : 12;
    const padded = text.padStart(target, '0');
    const c = checkBarcode(padded);
    if (c.ok) return { ok: true, code: c.code, note: { code: 'leading_zero_restored', params: { from: text, to: c.code } } };
  }
  const c = checkBarcode(text);
  if (c.ok) return note ? { ok: true, code: c.code, note } : { ok: true, code: c.code };
  return c.reason === 'check_digit'
    ? { ok: false, code: 'barcode_check_digit', params: { text } }
    : { ok: false, code: 'barcode_format', params: { text: text.slice(0, 40) } };
}

export type PriceVerdict = { ok: true; fen: number } | { ok: false; code: ImportIssue; params: Params };

/** ¥12.50, ￥1,234.00, 12.5元, １２．５ and 12 are all prices; 12.345, 12,5 and "面议" are not. */
export function parsePriceCell(raw: string, maxFen: number = MAX_PRICE_FEN): PriceVerdict {
  const original = raw.trim();
  let t = original
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^(rmb|cny|人民币)/i, '')
    .replace(/[¥$]/g, '')
    .replace(/(元|rmb|cny)$/i, '');
  if (t === '') return { ok: false, code: 'price_blank', params: {} };
  if (t.startsWith('-')) return { ok: false, code: 'price_negative', params: { text: original.slice(0, 30) } };
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^(\d+\.?\d*|\.\d+)$/.test(t)) return { ok: false, code: 'price_malformed', params: { text: original.slice(0, 30) } };
  const yuan = Number(t);
  const fen = Math.round(yuan * 100);
  if (Math.abs(yuan * 100 - fen) > 1e-6) return { ok: false, code: 'price_malformed', params: { text: original.slice(0, 30) } };
  if (fen > maxFen) return { ok: false, code: 'price_too_large', params: { text: original.slice(0, 30) } };
  return { ok: true, fen };
}
