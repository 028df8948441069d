/**
 * Where the window's page comes from, and the one test of "is this our page" that navigation,
 * permissions and IPC all use. The packaged renderer is served over app://caretill (appProtocol.ts),
 * never file://: a file:// page shares its origin with every file on the disk. The electron-vite
 * dev server is used only when the app is not packaged and the URL is on this machine, so setting
 * ELECTRON_RENDERER_URL on a shop's PC can never hand a foreign page our IPC and camera.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'caretill';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export interface PageSource {
  /** What the window loads. */
  url: string;
  /** scheme://host[:port] of that page; only URLs with this origin count as ours. */
  origin: string;
  /** The electron-vite dev server (development only). */
  dev: boolean;
  /** Why a dev URL that was set is not used, for the log. */
  ignoredDevUrl?: 'packaged' | 'not_loopback';
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function pageSource(isPackaged: boolean, env: NodeJS.ProcessEnv): PageSource {
  const packaged: PageSource = { url: APP_ENTRY, origin: APP_ORIGIN, dev: false };
  const devUrl = env.ELECTRON_RENDERER_URL;
  if (!devUrl) return packaged;
  if (isPackaged) return { ...packaged, ignoredDevUrl: 'packaged' };
  const u = parse(devUrl);
  if (!u || u.protocol !== 'http:' || !LOOPBACK.has(u.hostname) || u.username || u.password) {
    return { ...packaged, ignoredDevUrl: 'not_loopback' };
  }
  return { url: u.href, origin: originOf(u), dev: true };
}

/** True when `url` (a page, frame or requesting origin) has exactly the given origin. */
export function hasOrigin(url: string, origin: string): boolean {
  const u = parse(url);
  return u !== null && originOf(u) === origin;
}

// WHATWG URL gives "null" as the origin of a non-special scheme such as app:, so build it ourselves.
const originOf = (u: URL): string => `${u.protocol}//${u.host}`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
