import type { Db } from '../db/open';
import type { Logger } from '../system/log';
import type { SettingsStore } from '../system/settings';
import { noProgramList, type EligibilitySource } from './eligibility';
import { CatalogImport } from './importJob';
import { ProductQueries } from './productList';
import { QuickKeyPlanner } from './quickKeys';

/**
 * The owner's side of the catalogue, built from its dependencies (the composition root only calls
 * this): the product list, quick keys per kind of shop, and the import of the shop's own list.
 */
export function catalogRoom(d: { db: Db; settings: SettingsStore; log: Logger; now: () => number; eligibility?: EligibilitySource }) {
  return {
    products: new ProductQueries(d.db, d.eligibility ?? noProgramList),
    quickKeys: new QuickKeyPlanner(d.db, d.settings),
    imports: new CatalogImport({ db: d.db, settings: d.settings, log: d.log, now: d.now }),
  };
}
export type CatalogRoom = ReturnType<typeof catalogRoom>;
