/**
 * Time is stored in UTC; the shop's zone (IANA name, default Asia/Shanghai) is used for display
 * and for "today". Platform-free: only Intl.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (east positive). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** The UTC instant at which the shop's current calendar day began. */
export function startOfShopDay(ms: number, timeZone: string): number {
  const local = ms + zoneOffsetMinutes(ms, timeZone) * 60000;
  const midnightLocal = Math.floor(local / 86_400_000) * 86_400_000;
  // Correct for a DST change between midnight and now (not in China, but in other zones).
  return midnightLocal - zoneOffsetMinutes(midnightLocal - zoneOffsetMinutes(ms, timeZone) * 60000, timeZone) * 60000;
}

/** The UTC instant at which a calendar day ('YYYY-MM-DD') begins in the shop's zone. */
export function shopDayStart(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const utcMidnight = Date.UTC(y!, m! - 1, d!);
  // The offset at that local midnight: look it up near the instant, then once more across a DST change.
  const guess = utcMidnight - zoneOffsetMinutes(utcMidnight, timeZone) * 60000;
  return utcMidnight - zoneOffsetMinutes(guess, timeZone) * 60000;
}
