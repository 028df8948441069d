import crypto from 'node:crypto';
import path from 'node:path';
import demoCatalog from '../../resources/sample/catalog-demo.json' with { type: 'json' };
import { PosError } from '../shared/api/errors';
import type { Category } from '../shared/domain/categories';
import { DEFAULT_TIME_ZONE, startOfShopDay } from '../shared/domain/time';
import { createDispatcher, type CallContext, type Dispatcher, type Handlers, type Role } from './api/dispatch';
import { Users, type Session } from './auth/users';
import { Catalog } from './catalog/catalog';
import { Checkout } from './checkout/checkout';
import { DATABASE_FILE, type CoreConfig } from './config';
import { openDatabase, schemaVersion, type Db } from './db/open';
import { Journal } from './journal/journal';
import { PrintService } from './printing/printService';
import { SyncFailure } from './sync/client';
import { DeviceKey, type KeyProtector } from './sync/deviceKey';
import { settlementView } from './sync/settlementView';
import { SyncService, toPosError } from './sync/syncService';
import { SettingsStore } from './system/settings';
import { ManifestStore } from './vouchers/manifestStore';

export interface Services {
  readonly config: CoreConfig;
  readonly db: Db;
  readonly settings: SettingsStore;
  readonly manifests: ManifestStore;
  readonly users: Users;
  readonly catalog: Catalog;
  readonly journal: Journal;
  readonly checkout: Checkout;
  readonly printing: PrintService;
  readonly sync: SyncService;
  readonly handlers: Handlers;
  readonly dispatch: Dispatcher;
  close(): void;
}

export interface ServiceOptions {
  /** Clock for tests; the real one otherwise. */
  now?: () => number;
  /** First print retry delay (tests shorten it). */
  printRetryBaseMs?: number;
  /** How the device key is kept at rest (Electron: safeStorage). */
  keyProtector?: KeyProtector;
  /** Records per upload batch. */
  batchSize?: number;
  /** Timeout of calls to the program server. */
  syncTimeoutMs?: number;
}

/**
 * The composition root of the till: opens the database and wires every service. Hosts (the
 * Electron main process, the Node host, tests) call this once and talk to `dispatch`.
 */
export function createServices(config: CoreConfig, options: ServiceOptions = {}): Services {
  const now = options.now ?? Date.now;
  const databasePath = path.join(config.dataDir, DATABASE_FILE);
  const db = openDatabase(databasePath);
  const deviceId = ensureDeviceIdentity(db);
  const settings = new SettingsStore(db);
  const manifests = new ManifestStore(db, settings, now);
  const users = new Users(db, now);
  const catalog = new Catalog(db);
  const journal = new Journal(db, () => deviceId);
  const timeZone = () => settings.read<string>('shop.timeZone', DEFAULT_TIME_ZONE);
  const shopName = () => settings.read<string | null>('shop.name', null);
  // eslint-disable-next-line prefer-const -- assigned right below; the print service and checkout refer to each other
  let checkout: Checkout;
  const printing = new PrintService({
    db,
    settings,
    sale: (id) => checkout.get(id),
    shopName: () => shopName() ?? '关爱收银台',
    tillId: () => deviceId.replace(/-/g, '').slice(0, 6).toUpperCase(),
    timeZone,
    now,
    ...(options.printRetryBaseMs !== undefined ? { retryBaseMs: options.printRetryBaseMs } : {}),
  });
  checkout = new Checkout({
    db,
    catalog,
    manifests,
    journal,
    merchantId: () => settings.read<string | null>('program.merchantId', null),
    lastSyncAt: () => manifests.lastSyncAt(),
    now,
    onCommitted: (saleId) => printing.enqueueReceipts(saleId),
  });
  const sync = new SyncService({
    db,
    settings,
    manifests,
    journal,
    deviceId: () => deviceId,
    key: new DeviceKey(config.dataDir, options.keyProtector),
    now,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.syncTimeoutMs ? { timeoutMs: options.syncTimeoutMs } : {}),
  });
  const syncState = () => ({
    connection: sync.connection(),
    serverUrl: sync.serverUrl(),
    merchantId: settings.read<string | null>('program.merchantId', null),
    merchantName: settings.read<string | null>('program.merchantName', null),
    pending: sync.pending(),
    lastSyncAt: manifests.lastSyncAt(),
    lastError: sync.lastError,
    progress: sync.progress,
  });
  const startedAt = new Date(now()).toISOString();
  const me = (ctx: CallContext): Session => {
    const s = users.session(ctx.sessionToken);
    if (!s) throw new PosError('not_logged_in', 'no session');
    return s;
  };
  const allSettings = () => ({ ...settings.all(), shopName: shopName(), timeZone: timeZone() });

  const handlers: Handlers = {
    getDiagnostics: () => ({
      appVersion: config.appVersion,
      dataDir: config.dataDir,
      databasePath,
      schemaVersion: schemaVersion(db),
      host: config.host,
      platform: `${process.platform} ${process.arch}`,
      runtime: process.versions.electron ? `Electron ${process.versions.electron}` : `Node.js ${process.versions.node}`,
      connection: sync.connection(),
      manifestVersion: manifests.current()?.version ?? null,
      startedAt,
    }),
    getStatus: (_args, ctx) => {
      const s = users.session(ctx.sessionToken);
      return {
        cashier: s ? { name: s.name, role: s.role } : null,
        connection: sync.connection(),
        printer: printing.state().status,
        printQueue: printing.state().waiting,
        pendingUploads: sync.pending(),
      };
    },
    getSettings: () => allSettings(),
    setLocale: ({ locale }) => {
      settings.write('locale', locale);
      return allSettings();
    },

    getSetupState: () => ({ needsSetup: users.count() === 0, shopName: shopName(), demo: settings.read<boolean>('demo.program', false) }),
    setupShop: (args) => {
      // Only the very first run may create an owner without signing in.
      return db.transaction(() => {
        if (users.count() > 0) throw new PosError('already_set_up', 'this till already has users');
        settings.write('shop.name', args.shopName);
        const owner = users.create(args.ownerName, 'owner', args.ownerPin);
        if (args.loadDemoCatalog && catalog.count() === 0) {
          for (const item of demoCatalog.items) catalog.save({ ...item, category: item.category as Category });
        }
        const session = users.login(owner.id, args.ownerPin);
        return { session: session.token, user: owner };
      })();
    },
    listUsers: () => users.list(),
    login: ({ userId, pin }) => {
      const s = users.login(userId, pin);
      return { session: s.token, user: { id: s.id, name: s.name, role: s.role } };
    },
    whoAmI: (_args, ctx) => {
      const s = users.session(ctx.sessionToken);
      return s ? { id: s.id, name: s.name, role: s.role } : null;
    },
    logout: (_args, ctx) => {
      users.logout(ctx.sessionToken);
      return {};
    },
    createUser: ({ name, role, pin }) => users.create(name, role, pin),

    lookupBarcode: ({ code }) => catalog.lookup(code),
    listQuickKeys: () => catalog.quickKeys(),
    searchItems: ({ query }) => catalog.search(query),
    saveItem: (input) => catalog.save(input),

    quoteSale: (input) => checkout.quote(input, sync.connection() === 'online'),
    commitSale: async (input, ctx) => {
      const session = me(ctx);
      const ids = await authorizeOnline(input);
      let sale;
      try {
        sale = checkout.commit(input, session, { online: ids !== null, ids: ids ?? new Map() });
      } catch (e) {
        for (const id of ids?.values() ?? []) void sync.release(id).catch(() => undefined);
        throw e;
      }
      printing.kick();
      void sync.syncNow().catch(() => undefined);
      return sale;
    },
    voidSale: ({ saleId, ownerPin }, ctx) => {
      const sale = checkout.void(saleId, me(ctx), ownerPin === undefined ? null : () => void users.approveAsOwner(ownerPin));
      // Give reservations back at once; the reversal records upload with the next batch either way.
      for (const r of journal.bySale(saleId))
        if (r.type === 'redeem' && r.authorization !== 'offline') void sync.release(r.authorization).catch(() => undefined);
      void sync.syncNow().catch(() => undefined);
      return sale;
    },
    listSalesToday: (_args, ctx) => checkout.list(new Date(startOfShopDay(now(), timeZone())).toISOString(), me(ctx)),
    getSale: ({ saleId }) => checkout.get(saleId),
    verifyJournal: () => {
      const v = journal.verify();
      return v.ok
        ? { ok: true, count: v.count, headSeq: v.headSeq, problem: null }
        : { ok: false, count: 0, headSeq: v.seq, problem: v.problem };
    },

    getReceipt: ({ saleId, copy }) => printing.preview(saleId, copy),
    printReceipt: ({ saleId, copy }) => {
      checkout.get(saleId); // sale_not_found for an unknown id
      const jobs = (copy === 'both' ? (['beneficiary', 'shop'] as const) : [copy]).map((c) => printing.enqueue('receipt', saleId, c));
      printing.kick();
      return { jobs };
    },
    getPrinter: () => ({ settings: printing.config(), state: printing.state() }),
    savePrinter: (s) => ({ settings: printing.saveConfig(s), state: printing.state() }),
    printTest: () => {
      const job = printing.enqueue('test', null, 'test');
      printing.kick();
      return { jobs: [job] };
    },
    listPrintJobs: () => printing.jobs(),
    retryPrinting: () => {
      printing.retryNow();
      return printing.state();
    },
    cancelPrintJob: ({ jobId }) => {
      printing.cancel(jobId);
      return printing.state();
    },

    enroll: async ({ serverUrl, code, name }) => {
      await sync.enroll(serverUrl, code, name || shopName() || 'CareTill');
      void sync.syncNow().catch(() => undefined);
      return syncState();
    },
    getSync: () => syncState(),
    syncNow: async () => {
      if (!sync.enrolled()) throw new PosError('not_enrolled', 'this till is not enrolled');
      try {
        await sync.syncNow();
      } catch (e) {
        if (!(e instanceof SyncFailure)) throw toPosError(e);
      }
      return syncState();
    },
    getSettlement: () => settlementView(db),

    getPreferences: () => ({ cameraId: settings.read<string | null>('pref.cameraId', null) }),
    setPreferences: (prefs) => {
      if (prefs.cameraId !== undefined) settings.write('pref.cameraId', prefs.cameraId);
      return { cameraId: settings.read<string | null>('pref.cameraId', null) };
    },
  };

  /**
   * Asks the program to reserve what each voucher pays in this sale. Null when the till is not
   * enrolled or the program cannot be reached: the sale then goes offline, within offline limits.
   * A decline (used elsewhere, over balance, …) stops the sale with the program's reason.
   */
  async function authorizeOnline(input: Parameters<Checkout['commit']>[0]): Promise<Map<string, string> | null> {
    if (!sync.enrolled()) return null;
    const quote = checkout.quote(input, true);
    const ids = new Map<string, string>();
    try {
      for (const v of quote.vouchers) {
        if (!v.selected || !v.voucherId || v.campaignId === null || v.usedFen <= 0) continue;
        const r = await sync.authorize(`${input.clientSaleId}:${v.voucherId}`, v.voucherId, v.campaignId, v.usedFen);
        if (r.status === 'declined') {
          for (const id of ids.values()) void sync.release(id).catch(() => undefined);
          throw new PosError('voucher_declined', `program declined ${v.masked}: ${r.reason}`, {
            params: { voucher: v.masked ?? '', reason: r.reason },
          });
        }
        ids.set(v.voucherId, r.authorizationId);
      }
      return ids;
    } catch (e) {
      if (e instanceof SyncFailure && e.kind === 'offline') {
        for (const id of ids.values()) void sync.release(id).catch(() => undefined);
        return null;
      }
      throw e instanceof PosError ? e : toPosError(e);
    }
  }

  const roleOf = (ctx: CallContext): Role | null => users.session(ctx.sessionToken)?.role ?? null;

  // Receipts left waiting when the till stopped are tried again at once.
  printing.retryNow();

  return {
    config,
    db,
    settings,
    manifests,
    users,
    catalog,
    journal,
    checkout,
    printing,
    sync,
    handlers,
    dispatch: createDispatcher(handlers, roleOf),
    close: () => {
      printing.stop();
      sync.stop();
      db.close();
    },
  };
}

/** The till's device id: made once at first start, kept for the life of the data directory. */
function ensureDeviceIdentity(db: Db): string {
  db.prepare('INSERT OR IGNORE INTO device (id, install_id, created_at) VALUES (1, ?, ?)').run(
    crypto.randomUUID(),
    new Date().toISOString(),
  );
  return (db.prepare('SELECT install_id FROM device WHERE id = 1').get() as { install_id: string }).install_id;
}
