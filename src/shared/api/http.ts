import type { Transport } from './client';

/** The HTTP form of PosApi, shared by the Node host and the renderer's HTTP client. */
export const API_PREFIX = '/api/';
/** Header carrying the signed-in user's session token. */
export const SESSION_HEADER = 'x-caretill-session';

/**
 * PosApi over HTTP: POST {baseUrl}/api/{method} with the launch token and the session. The one
 * HTTP transport, used by the renderer (baseUrl '' = the host that served the page) and by the
 * tests that drive the Node host. The reply is returned raw; createPosApi validates it.
 */
export function httpTransport(o: { baseUrl: string; launchToken: string; fetch?: typeof fetch }): Transport {
  const base = o.baseUrl.replace(/\/$/, '');
  const doFetch = o.fetch ?? fetch;
  return async (method, args, session) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${o.launchToken}` };
    if (session) headers[SESSION_HEADER] = session;
    const res = await doFetch(`${base}${API_PREFIX}${method}`, { method: 'POST', headers, body: JSON.stringify({ args }) });
    return res.json();
  };
}
