/**
 * The signed-in user's session token. Kept in sessionStorage so a reload keeps the cashier signed
 * in, but a new window (or a restarted till, whose core forgets sessions) asks for the PIN again.
 */
const KEY = 'caretill.session';
let current: string | undefined = sessionStorage.getItem(KEY) ?? undefined;

export const sessionToken = (): string | undefined => current;

export function setSessionToken(token: string | undefined): void {
  current = token;
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}
