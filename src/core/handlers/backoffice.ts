import type { backofficeContract } from '../../shared/api/contract/backoffice';
import { PosError } from '../../shared/api/errors';
import { shopDayStart } from '../../shared/domain/time';
import type { HandlersFor } from '../api/dispatch';
import type { Users } from '../auth/users';
import type { Backups } from '../backoffice/backup';
import { dashboard } from '../backoffice/dashboard';
import { journalFile, reportFile } from '../backoffice/exports';
import type { Reports } from '../backoffice/reports';
import { recoverFromProgram } from '../backoffice/recovery';
import { stageRestore } from '../backoffice/restore';
import type { ShiftBook } from '../backoffice/shifts';
import type { Db } from '../db/open';
import type { Journal } from '../journal/journal';
import type { PrintService } from '../printing/printService';
import { toPosError, type SyncService } from '../sync/syncService';
import type { Logger } from '../system/log';
import type { SettingsStore } from '../system/settings';

export interface BackofficeDeps {
  db: Db;
  dataDir: string;
  deviceId: string;
  users: Users;
  shifts: ShiftBook;
  reports: Reports;
  backups: Backups;
  printing: PrintService;
  settings: SettingsStore;
  journal: Journal;
  sync: SyncService;
  log: Logger;
  now: () => number;
}

const DAY_MS = 86_400_000;

/** Day close and Z-reports, the dashboard, reports and exports, backups and restore. */
export const backofficeHandlers = (d: BackofficeDeps): HandlersFor<typeof backofficeContract> => {
  const zone = () => d.settings.get('shop.timeZone');
  /** A period of whole shop days, 'to' included, as UTC instants. */
  const period = (from: string, to: string) => {
    const start = shopDayStart(from, zone());
    const end = shopDayStart(to, zone()) + DAY_MS;
    if (end <= start) throw new PosError('validation', 'the period ends before it starts', { field: 'args.to' });
    if (end - start > 400 * DAY_MS) throw new PosError('validation', 'a report covers at most 400 days', { field: 'args.to' });
    return { fromIso: new Date(start).toISOString(), toIso: new Date(end).toISOString() };
  };
  const shop = () => d.settings.get('shop.name') ?? 'CareTill';
  return {
    getShift: () => d.shifts.state(),
    openShift: ({ openingFloatFen }, ctx) => d.shifts.open(d.users.require(ctx.sessionToken), openingFloatFen),
    closeShift: ({ countedCashFen, confirmPending }, ctx) => {
      const z = d.shifts.close(d.users.require(ctx.sessionToken), countedCashFen, confirmPending);
      if (d.printing.config().kind !== 'none') {
        d.printing.enqueueZReport(z.number);
        d.printing.kick();
      }
      return z;
    },
    getZReport: ({ number }) => d.shifts.zReport(number),
    printZReport: ({ number }) => {
      d.shifts.zReport(number); // zreport_not_found for an unknown number
      const job = d.printing.enqueueZReport(number);
      d.printing.kick();
      return { jobs: [job] };
    },
    listZReports: () => d.shifts.list(),
    getDashboard: () => dashboard(d.db, d.now(), zone()),
    getReport: ({ from, to, groupBy }) => {
      const p = period(from, to);
      return d.reports.report(p.fromIso, p.toIso, groupBy, d.settings.get('locale'));
    },
    exportReport: ({ from, to, what, groupBy, format }) => {
      const p = period(from, to);
      const locale = d.settings.get('locale');
      const name = { shop: shop(), period: from === to ? from : `${from}_${to}`, format, locale };
      return what === 'journal'
        ? journalFile(d.reports.journal(p.fromIso, p.toIso), { ...name, timeZone: zone() })
        : reportFile(d.reports.report(p.fromIso, p.toIso, groupBy, locale), name);
    },
    getBackups: () => d.backups.state(),
    backupNow: () => d.backups.backupNow('owner asked'),
    saveBackupSettings: ({ secondFolder, keep, retentionDays }) => {
      d.settings.set('backup.secondFolder', secondFolder || null);
      d.settings.set('backup.keep', keep);
      d.settings.set('retention.days', retentionDays);
      return d.backups.state();
    },
    recoverFromProgram: async () => {
      try {
        return await recoverFromProgram({ ...d, log: d.log });
      } catch (e) {
        throw toPosError(e);
      }
    },
    stageRestore: ({ file }) => stageRestore(d.dataDir, d.deviceId, file),
  };
};
