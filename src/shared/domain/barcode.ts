/**
 * Barcodes a shop meets: EAN-13, EAN-8 and UPC-A (check digits verified), and the shop's own
 * internal codes. A UPC-A is stored as its EAN-13 form ("0" + 12 digits) so that a scanner set to
 * either output finds the same item.
 */
export type BarcodeCheck =
  { ok: true; code: string; kind: 'ean13' | 'ean8' | 'upca' | 'internal' } | { ok: false; reason: 'check_digit' | 'format' };

/** GS1 mod-10 check over all digits but the last. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = weight === 3 ? 1 : 3) sum += Number(digits[i]) * weight;
  return (10 - (sum % 10)) % 10;
}

const hasValidCheck = (code: string) => gs1CheckDigit(code.slice(0, -1)) === Number(code[code.length - 1]);

export function checkBarcode(raw: string): BarcodeCheck {
  const code = raw.trim().toUpperCase();
  if (/^\d+$/.test(code) && [8, 12, 13].includes(code.length)) {
    if (!hasValidCheck(code)) return { ok: false, reason: 'check_digit' };
    if (code.length === 13) return { ok: true, code, kind: 'ean13' };
    if (code.length === 12) return { ok: true, code: `0${code}`, kind: 'upca' };
    return { ok: true, code, kind: 'ean8' };
  }
  // Internal codes: letters, digits and dashes; all-digit codes of GS1 lengths are handled above.
  if (/^[A-Z0-9-]{3,24}$/.test(code)) return { ok: true, code, kind: 'internal' };
  return { ok: false, reason: 'format' };
}
