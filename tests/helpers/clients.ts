import { createPosApi, type PosApi } from '../../src/shared/api/client';
import { API_PREFIX, SESSION_HEADER } from '../../src/shared/api/http';
import { createServices, type Services } from '../../src/core/services';
import { startHost, type RunningHost } from '../../src/host/server';
import { tempDir } from './tmp';

export interface Harness {
  name: string;
  api: PosApi;
  services: Services;
  /** Present for the HTTP harness. */
  host?: RunningHost;
  close(): Promise<void>;
}

export type HarnessFactory = { name: string; make: () => Promise<Harness> };

function services(): { services: Services; cleanup: () => void } {
  const t = tempDir();
  const s = createServices({ dataDir: t.dir, host: 'direct', appVersion: '0.0.0-test' });
  return { services: s, cleanup: () => { s.close(); t.cleanup(); } };
}

/** Calls core's dispatcher directly: the contract without any transport. */
export const direct: HarnessFactory = {
  name: 'core (direct)',
  make: async () => {
    const { services: s, cleanup } = services();
    const api = createPosApi((method, args, sess) => s.dispatch(method, args, sess ? { sessionToken: sess } : {}));
    return { name: 'direct', api, services: s, close: async () => cleanup() };
  },
};

/** The same calls as JSON over real HTTP on loopback, through the Node host. */
export const overHttp: HarnessFactory = {
  name: 'HTTP host',
  make: async () => {
    const { services: s, cleanup } = services();
    const host = await startHost({ dispatch: s.dispatch, port: 0 });
    const api = createPosApi(async (method, args, sess) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${host.token}` };
      if (sess) headers[SESSION_HEADER] = sess;
      const res = await fetch(`${host.url.replace(/\/$/, '')}${API_PREFIX}${method}`, { method: 'POST', headers, body: JSON.stringify({ args }) });
      return res.json();
    });
    return { name: 'http', api, services: s, host, close: async () => { await host.close(); cleanup(); } };
  },
};
