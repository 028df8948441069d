import crypto from 'node:crypto';
import path from 'node:path';
import { createDispatcher, type CallContext, type Dispatcher, type Handlers, type Role } from './api/dispatch';
import { DATABASE_FILE, type CoreConfig } from './config';
import { openDatabase, schemaVersion, type Db } from './db/open';
import { SettingsStore } from './system/settings';
import { ManifestStore } from './vouchers/manifestStore';

export interface Services {
  readonly config: CoreConfig;
  readonly db: Db;
  readonly settings: SettingsStore;
  readonly manifests: ManifestStore;
  readonly handlers: Handlers;
  readonly dispatch: Dispatcher;
  close(): void;
}

/**
 * The composition root of the till: opens the database and wires every service. Hosts (the
 * Electron main process, the Node host, tests) call this once and talk to `dispatch`.
 */
export function createServices(config: CoreConfig): Services {
  const databasePath = path.join(config.dataDir, DATABASE_FILE);
  const db = openDatabase(databasePath);
  ensureDeviceIdentity(db);
  const settings = new SettingsStore(db);
  const manifests = new ManifestStore(db, settings);
  const startedAt = new Date().toISOString();

  const handlers: Handlers = {
    getDiagnostics: () => ({
      appVersion: config.appVersion,
      dataDir: config.dataDir,
      databasePath,
      schemaVersion: schemaVersion(db),
      host: config.host,
      platform: `${process.platform} ${process.arch}`,
      runtime: process.versions.electron ? `Electron ${process.versions.electron}` : `Node.js ${process.versions.node}`,
      connection: 'not_enrolled',
      manifestVersion: manifests.current()?.version ?? null,
      startedAt,
    }),
    getStatus: () => ({
      cashier: null,
      connection: 'not_enrolled',
      printer: 'not_configured',
      pendingUploads: 0,
    }),
    getSettings: () => settings.all(),
    setLocale: ({ locale }) => {
      settings.write('locale', locale);
      return settings.all();
    },
  };

  // Sessions arrive with the checkout work; until then nobody holds a role.
  const roleOf = (_ctx: CallContext): Role | null => null;

  return {
    config,
    db,
    settings,
    manifests,
    handlers,
    dispatch: createDispatcher(handlers, roleOf),
    close: () => db.close(),
  };
}

function ensureDeviceIdentity(db: Db): void {
  db.prepare('INSERT OR IGNORE INTO device (id, install_id, created_at) VALUES (1, ?, ?)').run(crypto.randomUUID(), new Date().toISOString());
}
