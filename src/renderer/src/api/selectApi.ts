import { createPosApi, type PosApi } from '../../../shared/api/client';
import { httpTransport } from '../../../shared/api/http';
import type { CaretillBridge } from '../../../shared/api/ipc';

declare global {
  interface Window {
    caretill?: CaretillBridge;
  }
}

export type ApiKind = 'ipc' | 'http';

const TOKEN_KEY = 'caretill.launchToken';

/**
 * Picks the transport: Electron's preload bridge when present, else HTTP to the Node host that
 * served this page. The launch token arrives in the URL fragment (never sent to any server),
 * is kept in sessionStorage for reloads and then removed from the address bar.
 */
export function selectApi(session: () => string | undefined): { api: PosApi; kind: ApiKind } {
  const bridge = window.caretill;
  if (bridge) {
    return { kind: 'ipc', api: createPosApi((method, args, s) => bridge[method](args, s), session) };
  }
  const token = takeLaunchToken();
  // fetch is bound: called as a detached function, some browsers throw "Illegal invocation".
  const api = createPosApi(httpTransport({ baseUrl: '', launchToken: token, fetch: (...a) => fetch(...a) }), session);
  return { kind: 'http', api };
}

function takeLaunchToken(): string {
  const match = /(?:^#|&)token=([\w-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}
