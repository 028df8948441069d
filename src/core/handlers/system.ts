import path from 'node:path';
import { PosError } from '../../shared/api/errors';
import type { systemContract } from '../../shared/api/contract/system';
import type { HandlersFor } from '../api/dispatch';
import type { Users } from '../auth/users';
import type { CoreConfig } from '../config';
import { schemaVersion, type Db } from '../db/open';
import type { PrintService } from '../printing/printService';
import type { SyncService } from '../sync/syncService';
import { LOG_DIR, LOG_FILE, tailLog } from '../system/log';
import type { SettingsStore } from '../system/settings';
import type { ManifestStore } from '../vouchers/manifestStore';

export interface SystemDeps {
  config: CoreConfig;
  db: Db;
  databasePath: string;
  settings: SettingsStore;
  manifests: ManifestStore;
  users: Users;
  sync: SyncService;
  printing: PrintService;
  startedAt: string;
  deviceId: string;
}

/** Diagnostics, the status bar, language, per-till preferences and the support log. */
export const systemHandlers = (d: SystemDeps): HandlersFor<typeof systemContract> => {
  const settings = () => ({
    locale: d.settings.get('locale'),
    shopName: d.settings.get('shop.name'),
    timeZone: d.settings.get('shop.timeZone'),
  });
  const preferences = () => ({ cameraId: d.settings.get('pref.cameraId'), voice: d.settings.get('pref.voice') });
  const logFile = path.join(d.config.dataDir, LOG_DIR, LOG_FILE);
  return {
    getDiagnostics: () => ({
      appVersion: d.config.appVersion,
      dataDir: d.config.dataDir,
      databasePath: d.databasePath,
      schemaVersion: schemaVersion(d.db),
      host: d.config.host,
      platform: `${process.platform} ${process.arch}`,
      runtime: process.versions.electron ? `Electron ${process.versions.electron}` : `Node.js ${process.versions.node}`,
      connection: d.sync.connection(),
      manifestVersion: d.manifests.current()?.version ?? null,
      startedAt: d.startedAt,
      logFile,
      deviceId: d.deviceId,
    }),
    getStatus: (_args, ctx) => {
      const s = d.users.session(ctx.sessionToken);
      const printer = d.printing.state();
      return {
        cashier: s ? { name: s.name, role: s.role } : null,
        connection: d.sync.connection(),
        printer: printer.status,
        printQueue: printer.waiting,
        pendingUploads: d.sync.pending(),
      };
    },
    getSettings: () => settings(),
    setLocale: ({ locale }) => {
      d.settings.set('locale', locale);
      return settings();
    },
    getLogTail: ({ lines }) => ({ file: logFile, lines: tailLog(d.config.dataDir, lines) }),
    getPreferences: () => preferences(),
    setPreferences: (prefs, ctx) => {
      // The camera is the cashier's choice; the voice is the shop's, so the owner's.
      if (prefs.voice !== undefined && d.users.require(ctx.sessionToken).role !== 'owner')
        throw new PosError('forbidden', 'only the owner turns voice announcements on or off');
      if (prefs.cameraId !== undefined) d.settings.set('pref.cameraId', prefs.cameraId);
      if (prefs.voice !== undefined) d.settings.set('pref.voice', prefs.voice);
      return preferences();
    },
  };
};
