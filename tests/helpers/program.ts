import crypto from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, inject } from 'vitest';
import { createServices, type Services } from '../../src/core/services';
import { startProgramServer, type RunningProgramServer } from '../../src/server/http/app';
import { KeyFiles } from '../../src/server/program/keyFiles';
import { Program } from '../../src/server/program/program';
import { openProgramStore, ProgramStore } from '../../src/server/store/programStore';
import { PROGRAM_MIGRATIONS } from '../../src/server/store/migrations';
import { openPostgresDriver } from '../../src/server/store/postgresDriver';
import { createEnrollmentCode, createMerchant } from '../../src/server/sync/enrollment';
import { tempDir } from './tmp';

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  available: boolean;
  open(dir: string): Promise<ProgramStore>;
}

/** A new empty database in the run's throwaway cluster. */
export async function freshPostgresUrl(): Promise<string> {
  const base = inject('pgUrl');
  const name = `ct_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Each PostgreSQL test gets a database of its own in the run's throwaway cluster. */
async function freshPostgres(): Promise<ProgramStore> {
  return new ProgramStore(await openPostgresDriver(await freshPostgresUrl(), PROGRAM_MIGRATIONS));
}

export const STORES: StoreKind[] = [
  { name: 'sqlite', available: true, open: (dir) => openProgramStore(dir, undefined) },
  { name: 'postgres', available: inject('pgUrl') !== '', open: () => freshPostgres() },
];

export interface ProgramWorld {
  store: ProgramStore;
  program: Program;
  server: RunningProgramServer;
  dir: string;
  /** Voucher tokens by kind. */
  issue(kind: 'baby' | 'child', count: number, opts?: { validUntil?: Date }): Promise<Array<{ token: string; voucherId: string }>>;
  code(merchantId?: string): Promise<string>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A program with two campaigns (¥50 fixed baby vouchers, ¥200 child balance), two shops, a running server.
 * `now`: the server's clock (default: the real one), for tests that move time.
 */
export async function programWorld(kind: StoreKind, opts: { now?: () => Date } = {}): Promise<ProgramWorld> {
  const t = tempDir('caretill-program-');
  const store = await kind.open(path.join(t.dir, 'home'));
  const program = new Program(store, new KeyFiles(path.join(t.dir, 'home', 'keys')));
  await program.init('TEST', '测试项目', 'Test program', new Date(Date.now() - 60_000));
  const window = {
    validFrom: '2026-01-01T00:00:00+08:00',
    validUntil: '2027-12-31T23:59:59+08:00',
    merchants: ['*'],
    funder: { zh: '基金会', en: 'Fund' },
  };
  await program.createCampaign({
    ...window,
    names: { zh: '新生儿关爱券', en: 'Newborn' },
    kind: 'fixed',
    eligibleCategories: ['infant_formula', 'diapers', 'baby_care'],
    offline: { perVoucherFen: 5000, perDeviceTotalFen: 10_000_000, maxHoursOffline: 72 },
  });
  await program.createCampaign({
    ...window,
    names: { zh: '成长关爱金', en: 'Child' },
    kind: 'balance',
    eligibleCategories: ['books', 'school_supplies', 'toys'],
    offline: { perVoucherFen: 20000, perDeviceTotalFen: 10_000_000, maxHoursOffline: 72 },
  });
  await program.publishManifest();
  await createMerchant(store, 'M1', '爱心母婴店');
  await createMerchant(store, 'M2', '阳光文具店');
  const serverClock = opts.now ? { now: opts.now } : {};
  const replyKey = await program.replyKey();
  let server = await startProgramServer({ store, port: 0, replyKey, ...serverClock });
  return {
    store,
    program,
    get server() {
      return server;
    },
    dir: t.dir,
    issue: async (k, count, opts = {}) =>
      (
        await program.issueVouchers({
          campaignId: k === 'baby' ? 1 : 2,
          count,
          faceValueFen: k === 'baby' ? 5000 : 20000,
          ...(opts.validUntil ? { validUntil: opts.validUntil } : {}),
        })
      ).map((v) => ({ token: v.token, voucherId: v.voucherId })),
    code: (merchantId = 'M1') => createEnrollmentCode(store, merchantId),
    restart: async () => {
      const port = server.port;
      await server.close();
      server = await startProgramServer({ store, port, replyKey, ...serverClock });
    },
    close: async () => {
      await server.close();
      await store.close();
      t.cleanup();
    },
  };
}

/**
 * One more campaign in a test's program, open at every shop for 2026–2027, with the kind, categories
 * and offline limits the test is about (the name and funder do not matter to the rules).
 */
export function addCampaign(
  world: ProgramWorld,
  c: {
    kind: 'fixed' | 'balance';
    eligibleCategories: string[];
    offline: { perVoucherFen: number; perDeviceTotalFen: number; maxHoursOffline: number };
  },
) {
  return world.program.createCampaign({
    names: { zh: '测试活动', en: 'Test campaign' },
    funder: { zh: '基金会', en: 'Fund' },
    validFrom: '2026-01-01T00:00:00+08:00',
    validUntil: '2027-12-31T23:59:59+08:00',
    merchants: ['*'],
    ...c,
  });
}

/** A till with users and the demo catalogue, enrolled with the program through its HTTP API. */
export async function enrolledTill(
  world: ProgramWorld,
  merchantId = 'M1',
  serverUrl = world.server.url,
  opts: { syncTimeoutMs?: number; now?: () => number } = {},
): Promise<{ services: Services; session: ReturnType<Services['users']['login']>; cleanup: () => void }> {
  const t = tempDir('caretill-till-');
  const services = createServices(
    { dataDir: t.dir, host: 'direct', appVersion: 'test' },
    { syncTimeoutMs: opts.syncTimeoutMs ?? 4000, batchSize: 50, ...(opts.now ? { now: opts.now } : {}) },
  );
  await services.handlers.setupShop(
    { shopName: merchantId === 'M1' ? '爱心母婴店' : '阳光文具店', ownerName: '店主', ownerPin: '1234', loadDemoCatalog: true },
    {},
  );
  const cashier = services.users.create('收银员', 'cashier', '5678');
  await services.sync.enroll(serverUrl, await world.code(merchantId), 'till');
  return {
    services,
    session: services.users.login(cashier.id, '5678'),
    cleanup: () => {
      services.close();
      t.cleanup();
    },
  };
}

/** Quote and commit through the same handler the UI uses (online authorization included). */
export async function sell(services: Services, session: { token: string }, itemName: string, quantity: number, vouchers: string[]) {
  const item = services.catalog.search(itemName)[0]!;
  const lines = [{ itemId: item.id, quantity }];
  const q = await services.dispatch('quoteSale', { lines, vouchers }, { sessionToken: session.token });
  if (!q.ok) throw new Error(q.error.code);
  const totals = (q.value as { totals: { voucherPaidFen: number; otherTenderFen: number; forfeitedFen: number } }).totals;
  return services.dispatch(
    'commitSale',
    {
      lines,
      vouchers,
      plan: 'max_cover',
      clientSaleId: crypto.randomUUID(),
      expect: { voucherPaidFen: totals.voucherPaidFen, otherTenderFen: totals.otherTenderFen, forfeitedFen: totals.forfeitedFen },
    },
    { sessionToken: session.token },
  );
}

/**
 * The usual frame of a store test: a fresh program world before each test (skipped with a notice
 * where PostgreSQL is missing), and whatever the test registers in `cleanups` undone after it.
 */
export function useProgramWorld(
  kind: StoreKind,
  opts: { now?: () => Date } = {},
): { readonly world: ProgramWorld; cleanups: Array<() => void> } {
  let world: ProgramWorld | undefined;
  const cleanups: Array<() => void> = [];
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    world = await programWorld(kind, opts);
  });
  afterEach(async () => {
    cleanups.splice(0).forEach((c) => c());
    await world?.close();
  });
  return {
    get world() {
      return world!;
    },
    cleanups,
  };
}
