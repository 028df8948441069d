/**
 * Money is integer fen (分) everywhere; these helpers only format and parse at the edges.
 * Printed and PDF text uses the full-width yuan sign ￥ (U+FFE5), which GB18030 printers and
 * CJK fonts carry; the half-width ¥ (U+00A5) falls into the wrong code page on ESC/POS printers.
 */
export const YUAN_SIGN = '￥';

export function isFen(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n);
}

/** 12345 → "￥123.45"; -5 → "-￥0.05". */
export function formatYuan(fen: number): string {
  if (!isFen(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  return `${sign}${YUAN_SIGN}${yuan.toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

/** "50", "50.5", "50.05", "￥1,200.00" → fen; null when it is not an amount with at most 2 decimals. */
export function parseYuan(text: string): number | null {
  const t = text
    .trim()
    .replace(/^[￥¥]/, '')
    .replace(/,/g, '');
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
