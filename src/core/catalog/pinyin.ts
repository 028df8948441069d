import { pinyin } from 'pinyin-pro';

/**
 * The pinyin initials a shopkeeper types to find an item (婴儿湿巾 → "yesj", 飞鹤奶粉1段 → "fhnf1d"):
 * Chinese characters give their first letter (pinyin-pro reads words in context, so 长虹 is "ch"),
 * Latin letters and digits stay as they are, everything else is dropped. Computed when an item is
 * saved and stored, so a search is a LIKE over a short column and never a conversion.
 */
export function pinyinInitials(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** A query worth matching against the initials: Latin letters (and digits) only. */
export function initialsQuery(query: string): string | null {
  const q = query.trim().toLowerCase().replace(/\s+/g, '');
  return /^[a-z][a-z0-9]*$/.test(q) ? q : null;
}
