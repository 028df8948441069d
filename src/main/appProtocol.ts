import { protocol } from 'electron';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RENDERER_CSP } from '../shared/csp';
import { APP_HOST, APP_SCHEME } from './appOrigin';

/**
 * app://caretill/… serves the built renderer from inside the package, instead of file://. The
 * scheme is standard (relative URLs, its own origin, storage) and secure (the camera needs a secure
 * context); it is not CORS-enabled, so no other origin can read from it. Every request is mapped
 * onto the renderer folder and refused when it would leave it.
 */
export function registerAppScheme(): void {
  // Must run before the app is ready.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererRoot, request.method, request.url));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export async function rendererResponse(root: string, method: string, url: string): Promise<Response> {
  if (method !== 'GET' && method !== 'HEAD') return new Response(null, { status: 405 });
  const file = resolveRendererPath(root, url);
  if (file === null) return new Response(null, { status: 403 });
  const type = TYPES[path.extname(file).toLowerCase()];
  if (!type) return new Response(null, { status: 404 });
  let body: Buffer;
  try {
    body = await fs.readFile(file);
  } catch {
    return new Response(null, { status: 404 });
  }
  return new Response(method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': type,
      'Content-Security-Policy': RENDERER_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    },
  });
}

/**
 * The file under `root` that an app:// URL names, or null when the URL is not ours or would reach
 * outside `root`: `..` (also percent-encoded), an absolute or drive path, a backslash, a NUL byte.
 * The URL parser already folds plain `..` segments; what arrives encoded is checked after decoding.
 */
export function resolveRendererPath(root: string, url: string, p: path.PlatformPath = path): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(u.pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\//, '');
  const segments = relative.split('/');
  const unsafe = (s: string) => s === '' || s === '.' || s === '..' || /[\\:\0]/.test(s);
  if (segments.some(unsafe)) return null;
  const base = p.resolve(root);
  const target = p.resolve(base, ...segments);
  const inside = p.relative(base, target);
  if (inside === '' || inside.startsWith('..') || p.isAbsolute(inside)) return null;
  return target;
}
