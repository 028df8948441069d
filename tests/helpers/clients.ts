import { createPosApi, type PosApi } from '../../src/shared/api/client';
import { httpTransport } from '../../src/shared/api/http';
import { createServices, type Services } from '../../src/core/services';
import { startHost, type RunningHost } from '../../src/host/server';
import { afterEach, beforeEach } from 'vitest';
import { seedTill } from './seed';
import { tempDir } from './tmp';

export interface Harness {
  name: string;
  api: PosApi;
  services: Services;
  /** Present for the HTTP harness. */
  host?: RunningHost;
  /** The session the api sends from now on (undefined: signed out). */
  useSession(token: string | undefined): void;
  /** A settable clock (ms since epoch) that core reads. */
  clock: { ms: number };
  close(): Promise<void>;
}

export type HarnessFactory = { name: string; make: () => Promise<Harness> };

function setup() {
  const t = tempDir();
  const clock = { ms: Date.parse('2026-11-22T04:00:00Z') };
  const services = createServices({ dataDir: t.dir, host: 'direct', appVersion: '0.0.0-test' }, { now: () => clock.ms });
  let session: string | undefined;
  return {
    services,
    clock,
    session: () => session,
    useSession: (s: string | undefined) => {
      session = s;
    },
    cleanup: () => {
      services.close();
      t.cleanup();
    },
  };
}

/** Calls core's dispatcher directly: the contract without any transport. */
export const direct: HarnessFactory = {
  name: 'core (direct)',
  make: async () => {
    const s = setup();
    const api = createPosApi((method, args, sess) => s.services.dispatch(method, args, sess ? { sessionToken: sess } : {}), s.session);
    return { name: 'direct', api, services: s.services, useSession: s.useSession, clock: s.clock, close: async () => s.cleanup() };
  },
};

/** The same calls as JSON over real HTTP on loopback, through the Node host. */
export const overHttp: HarnessFactory = {
  name: 'HTTP host',
  make: async () => {
    const s = setup();
    const host = await startHost({ dispatch: s.services.dispatch, port: 0 });
    const api = createPosApi(httpTransport({ baseUrl: host.url, launchToken: host.token }), s.session);
    return {
      name: 'http',
      api,
      services: s.services,
      host,
      useSession: s.useSession,
      clock: s.clock,
      close: async () => {
        await host.close();
        s.cleanup();
      },
    };
  },
};

/**
 * The usual frame of a contract test: a till through `factory` (core or HTTP), seeded with the
 * sample program, catalogue, owner and cashier, the cashier signed in; closed after each test.
 */
export function useSeededTill(factory: HarnessFactory): {
  readonly h: Harness;
  readonly api: PosApi;
  readonly seed: ReturnType<typeof seedTill>;
} {
  let h: Harness | undefined;
  let seed: ReturnType<typeof seedTill> | undefined;
  beforeEach(async () => {
    h = await factory.make();
    seed = seedTill(h.services);
    h.useSession(seed.cashierSession());
  });
  afterEach(async () => h?.close());
  return {
    get h() {
      return h!;
    },
    get api() {
      return h!.api;
    },
    get seed() {
      return seed!;
    },
  };
}
