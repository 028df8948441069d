/**
 * Which pages the till may open in the shop's web browser. None today: the till links nowhere.
 * When a program publishes a help page, add its https origin here (exact origin, never a pattern),
 * so that a compromised page cannot make the till open any URL it likes (shell.openExternal runs
 * whatever handler the OS has for a scheme).
 */
export const EXTERNAL_ORIGINS: readonly string[] = [];

export function isAllowedExternal(url: string, allowed: readonly string[] = EXTERNAL_ORIGINS): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && allowed.includes(u.origin);
}
