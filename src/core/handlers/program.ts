import type { programContract } from '../../shared/api/contract/program';
import { PosError } from '../../shared/api/errors';
import type { HandlersFor } from '../api/dispatch';
import type { Db } from '../db/open';
import { SyncFailure } from '../sync/client';
import { settlementView } from '../sync/settlementView';
import { toPosError, type SyncService } from '../sync/syncService';
import type { SettingsStore } from '../system/settings';

/** The program: enrollment, sync, settlement. */
export const programHandlers = (d: { db: Db; sync: SyncService; settings: SettingsStore }): HandlersFor<typeof programContract> => ({
  enroll: async ({ serverUrl, code, name }) => {
    await d.sync.enroll(serverUrl, code, name || d.settings.get('shop.name') || 'CareTill');
    d.sync.syncSoon('enrolled');
    return d.sync.state();
  },
  getSync: () => d.sync.state(),
  syncNow: async () => {
    if (!d.sync.enrolled()) throw new PosError('not_enrolled', 'this till is not enrolled');
    try {
      await d.sync.syncNow();
    } catch (e) {
      // A failed sync is reported in the state's lastError (and the log), not as a failed call.
      if (!(e instanceof SyncFailure)) throw toPosError(e);
    }
    return d.sync.state();
  },
  getSettlement: () => settlementView(d.db),
});
