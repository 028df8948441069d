import path from 'node:path';
import { createDispatcher, type CallContext, type Dispatcher, type Handlers } from './api/dispatch';
import { Users } from './auth/users';
import { Catalog } from './catalog/catalog';
import { ProgramLists } from './catalog/programLists';
import { catalogRoom } from './catalog/catalogRoom';
import { Checkout } from './checkout/checkout';
import { DATABASE_FILE, type CoreConfig } from './config';
import { openDatabase, type Db } from './db/open';
import { Backups } from './backoffice/backup';
import { Reports } from './backoffice/reports';
import { recoverFromProgram } from './backoffice/recovery';
import { applyPendingRestore } from './backoffice/restore';
import { Retention } from './backoffice/retention';
import { ShiftBook } from './backoffice/shifts';
import { readZReport } from './backoffice/zReport';
import { authHandlers } from './handlers/auth';
import { backofficeHandlers } from './handlers/backoffice';
import { catalogHandlers } from './handlers/catalog';
import { desktopHandlers, type DesktopShell } from './handlers/desktop';
import { printingHandlers } from './handlers/printing';
import { programHandlers } from './handlers/program';
import { salesHandlers } from './handlers/sales';
import { systemHandlers } from './handlers/system';
import { Journal } from './journal/journal';
import { PrintService } from './printing/printService';
import { SaleFlow } from './sales/saleFlow';
import { SaleQueries } from './sales/saleQueries';
import { DeviceKey, type KeyProtector } from './sync/deviceKey';
import { SyncService } from './sync/syncService';
import { ensureDeviceIdentity } from './system/deviceIdentity';
import { createLog, type Logger } from './system/log';
import { makePrivateDir, makePrivateFiles } from './system/privateFiles';
import { SettingsStore } from './system/settings';
import { ManifestStore } from './vouchers/manifestStore';

export interface Services {
  readonly config: CoreConfig;
  readonly db: Db;
  readonly log: Logger;
  readonly settings: SettingsStore;
  readonly manifests: ManifestStore;
  readonly users: Users;
  readonly catalog: Catalog;
  /** The program's lists and the shop's proposals (issue 11). */
  readonly lists: ProgramLists;
  readonly journal: Journal;
  readonly sales: SaleQueries;
  readonly checkout: Checkout;
  readonly saleFlow: SaleFlow;
  readonly printing: PrintService;
  readonly sync: SyncService;
  readonly shifts: ShiftBook;
  readonly reports: Reports;
  readonly backups: Backups;
  readonly retention: Retention;
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
  /** Also log to stderr (the hosts in development). The log file in the data folder is always written. */
  logToStderr?: boolean;
  /** Restore this backup file before opening the database (`--restore FILE`, a new PC). */
  restoreFrom?: string;
  /** Daily backup and retention timers (tests turn them off). */
  backgroundJobs?: boolean;
  /** The desktop app's window and login item (Electron); absent elsewhere. */
  desktopShell?: DesktopShell;
}

/**
 * The composition root of the till: opens the database, builds each service from its
 * dependencies and joins the domains' handlers. It only wires; behaviour lives in the services,
 * the sale workflow (sales/saleFlow.ts) and the handlers (handlers/<domain>.ts). Hosts (Electron
 * main, the Node host, tests) call this once and talk to `dispatch`.
 */
export function createServices(config: CoreConfig, options: ServiceOptions = {}): Services {
  const now = options.now ?? Date.now;
  makePrivateDir(config.dataDir);
  const log = createLog({ dataDir: config.dataDir, stderr: options.logToStderr ?? false });
  const databasePath = path.join(config.dataDir, DATABASE_FILE);
  // A restore asked for last time (or `--restore FILE`) happens before the database opens.
  const restored = applyPendingRestore(config.dataDir, databasePath, options.restoreFrom);
  const db = openDatabase(databasePath);
  makePrivateFiles(config.dataDir, [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]);
  const deviceId = ensureDeviceIdentity(db, now);
  const settings = new SettingsStore(db);
  const manifests = new ManifestStore(db, settings, now);
  const users = new Users(db, now, () => ({
    idleMs: (role) => settings.get(role === 'owner' ? 'auth.ownerIdleMinutes' : 'auth.cashierIdleMinutes') * 60_000,
    maxAgeMs: settings.get('auth.maxSessionHours') * 3_600_000,
  }));
  const catalog = new Catalog(db);
  const journal = new Journal(db, () => deviceId);
  const lists = new ProgramLists({ db, settings, manifests, now });
  const sync = new SyncService({
    lists,
    db,
    settings,
    manifests,
    journal,
    log: log.child({ room: 'sync' }),
    deviceId: () => deviceId,
    key: new DeviceKey(config.dataDir, options.keyProtector),
    now,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.syncTimeoutMs ? { timeoutMs: options.syncTimeoutMs } : {}),
  });
  const sales = new SaleQueries({ db, journal, manifests, enrolled: () => sync.enrolled(), now });
  const printing = new PrintService({
    db,
    settings,
    log: log.child({ room: 'printing' }),
    sale: (id) => sales.get(id),
    zReport: (n) => readZReport(db, n),
    shopName: () => settings.get('shop.name') ?? '关爱收银台',
    tillId: () => deviceId.replace(/-/g, '').slice(0, 6).toUpperCase(),
    timeZone: () => settings.get('shop.timeZone'),
    now,
    ...(options.printRetryBaseMs !== undefined ? { retryBaseMs: options.printRetryBaseMs } : {}),
  });
  const checkout = new Checkout({
    db,
    catalog,
    lists,
    manifests,
    journal,
    queries: sales,
    merchantId: () => settings.get('program.merchantId'),
    deviceId: () => deviceId,
    lastSyncAt: () => manifests.lastSyncAt(),
    now,
    // Inside the commit transaction: the receipt job commits with the sale or not at all.
    onCommitted: (saleId) => printing.enqueueReceipts(saleId),
  });
  const saleFlow = new SaleFlow({ checkout, queries: sales, journal, users, sync, printing, log: log.child({ room: 'sales' }), now });

  const campaignName = (id: number, locale: 'zh-CN' | 'en' = 'zh-CN') => {
    const c = manifests.current()?.campaigns.get(id);
    return c ? (locale === 'en' ? c.names.en : c.names.zh) : `#${id}`;
  };
  const shifts = new ShiftBook({
    db,
    journal,
    now,
    campaignName: (id) => campaignName(id),
    pending: () => ({ printing: printing.state().waiting, uploads: sync.enrolled() ? sync.pending() : 0 }),
  });
  const reports = new Reports({ db, timeZone: () => settings.get('shop.timeZone'), campaignName });
  const backups = new Backups({ db, dataDir: config.dataDir, deviceId, settings, log: log.child({ room: 'backup' }), now });
  const retention = new Retention({ db, settings, log: log.child({ room: 'retention' }), now });

  const handlers: Handlers = {
    ...systemHandlers({
      config,
      db,
      databasePath,
      settings,
      manifests,
      users,
      sync,
      printing,
      startedAt: new Date(now()).toISOString(),
      deviceId,
    }),
    ...authHandlers({ db, users, settings, catalog }),
    ...catalogHandlers({
      db,
      catalog,
      lists,
      settings,
      now,
      syncSoon: (why) => sync.syncSoon(why),
      ...catalogRoom({ db, settings, log: log.child({ room: 'catalog' }), now, eligibility: lists.eligibility() }),
    }),
    ...salesHandlers({ users, checkout, saleFlow, queries: sales, journal, sync, settings, manifests, now }),
    ...printingHandlers({ printing, queries: sales }),
    ...programHandlers({ db, sync, settings }),
    ...desktopHandlers({ settings, users, shell: options.desktopShell }),
    ...backofficeHandlers({
      db,
      dataDir: config.dataDir,
      deviceId,
      users,
      shifts,
      reports,
      backups,
      printing,
      settings,
      journal,
      sync,
      log: log.child({ room: 'backoffice' }),
      now,
    }),
  };
  const roleOf = (ctx: CallContext, activity: boolean) => users.require(ctx.sessionToken, activity).role;

  // Receipts left waiting when the till stopped are tried again at once; the printer is watched from now on.
  printing.retryNow();
  printing.startMonitor();
  if (options.backgroundJobs !== false) backups.startDaily(undefined, undefined, () => retention.purgeDue());
  if (restored) {
    log.warn({ file: restored.file, headSeq: restored.headSeq }, 'restored from a backup');
    // What the till made after that backup is at the program: fetched back as soon as it answers.
    recoverFromProgram({ db, journal, deviceId, sync, now, log: log.child({ room: 'backoffice' }) }).then(
      (r) => log.info(r, 'recovery after restore'),
      (err: unknown) => log.warn({ err }, 'recovery after restore failed: the owner can run it from the back office'),
    );
  }
  log.info({ host: config.host, version: config.appVersion, deviceId }, 'till started');

  return {
    config,
    db,
    log,
    settings,
    manifests,
    users,
    catalog,
    lists,
    journal,
    sales,
    checkout,
    saleFlow,
    printing,
    sync,
    shifts,
    reports,
    backups,
    retention,
    handlers,
    dispatch: createDispatcher(handlers, roleOf, log.child({ room: 'api' })),
    close: () => {
      printing.stop();
      sync.stop();
      backups.stop();
      db.close();
      log.flush();
    },
  };
}
