import type { Locale } from '../../../shared/i18n/locales';

/**
 * What the till says aloud (语音播报), as text: amounts read the way Chinese payment speakers read
 * them ("五十元", "二百二十四元五角"), never "¥50.00", which a speech engine reads digit by digit
 * or as "yen". Pure, so the words are tested without a voice.
 */
const DIGITS = '零一二三四五六七八九';
const SMALL_UNITS = ['', '十', '百', '千'];

/** 1–9999 as Chinese numerals, with one 零 for each run of inner zeros ("一千零五", "三百零八"). */
function section(n: number): string {
  let out = '';
  let zero = false;
  for (let u = 3; u >= 0; u--) {
    const d = Math.floor(n / 10 ** u) % 10;
    if (d === 0) {
      if (out) zero = true;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += DIGITS[d]! + SMALL_UNITS[u]!;
  }
  return out;
}

/** A whole number as it is read aloud: 10 → 十, 15 → 十五, 110 → 一百一十, 10005 → 一万零五. */
export function chineseNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a whole number of yuan: ${n}`);
  if (n === 0) return '零';
  const groups: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 10_000)) groups.unshift(rest % 10_000);
  const bigUnits = ['', '万', '亿', '万亿'];
  let out = '';
  groups.forEach((g, i) => {
    const unit = bigUnits[groups.length - 1 - i]!;
    if (g === 0) return;
    // A group below a thousand after a higher group is read with a 零: 一万零五十.
    if (out && g < 1000 && !out.endsWith('零')) out += '零';
    out += section(g) + unit;
  });
  // 一十 at the very start is said 十 (十元, 十五元), but inside a number it stays (一百一十).
  return out.startsWith('一十') ? out.slice(1) : out;
}

/** An amount in fen as spoken: 5000 → 五十元, 3990 → 三十九元九角, 1005 → 十元零五分, 50 → 五角. */
export function spokenYuan(fen: number, locale: Locale): string {
  if (locale === 'en') {
    const yuan = (fen / 100).toFixed(2).replace(/\.00$/, '');
    return `${yuan} yuan`;
  }
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const fenPart = fen % 10;
  let out = yuan > 0 ? `${chineseNumber(yuan)}元` : '';
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  if (fenPart > 0) out += `${yuan > 0 && jiao === 0 ? '零' : ''}${DIGITS[fenPart]}分`;
  return out || '零元';
}

/**
 * The part of a refusal worth saying aloud: its first sentence without the bracketed detail.
 * "这张券已过期（有效期至 2026/02/01）。请勿收取。" → "这张券已过期".
 */
export function spokenReason(text: string): string {
  const first = text.split(/[。！？!?]|\.(?:\s|$)/)[0] ?? text;
  return first
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
