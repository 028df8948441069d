import type { catalogContract } from '../../shared/api/contract/catalog';
import type { HandlersFor } from '../api/dispatch';
import type { ProgramLists } from '../catalog/programLists';
import type { Catalog } from '../catalog/catalog';
import type { CatalogRoom } from '../catalog/catalogRoom';
import { catalogFile } from '../catalog/exportCatalog';
import type { Db } from '../db/open';
import type { SettingsStore } from '../system/settings';

export interface CatalogDeps extends CatalogRoom {
  db: Db;
  catalog: Catalog;
  lists: ProgramLists;
  settings: SettingsStore;
  now: () => number;
  /** Starts a sync soon (a proposal goes to the program with it). */
  syncSoon?: (why: string) => void;
}

/** The shop's goods and services: the counter's look-ups, and the owner's product list, quick keys, import and export. */
export const catalogHandlers = (d: CatalogDeps): HandlersFor<typeof catalogContract> => ({
  lookupBarcode: ({ code }) => d.catalog.lookup(code),
  listQuickKeys: () => d.catalog.quickKeys(),
  searchItems: ({ query }) => d.catalog.search(query),
  saveItem: (input) => d.catalog.save(input),

  listProducts: (q) => d.products.list(q),
  setItemRetired: ({ id, retired }) => {
    d.catalog.setRetired(id, retired);
    return d.products.get(id);
  },
  getQuickKeyPlan: ({ shopType }) => {
    const type = shopType ?? d.settings.get('shop.type');
    return {
      shopType: type,
      current: d.products.list({ query: '', filter: 'quick', category: null, offset: 0, limit: 200 }).rows,
      suggested: type ? d.products.byIds(d.quickKeys.suggest(type)) : [],
    };
  },
  saveQuickKeys: ({ shopType, itemIds }) => ({ count: d.quickKeys.apply(shopType, itemIds) }),

  previewImport: (req) => d.imports.preview(req),
  commitImport: (req) => d.imports.commit(req),
  exportImportErrors: ({ format, ...req }) => d.imports.errorsFile(req, format),
  getImportProgress: () => d.imports.progress(),
  proposeItem: ({ itemId, category, note }) => {
    const item = d.catalog.get(itemId);
    const proposal = d.lists.propose(item, { category, note });
    d.syncSoon?.('proposal made');
    return proposal;
  },
  listProposals: () => d.lists.list(),
  getProgramLists: () => {
    const v = d.lists.versions();
    const count = (table: string) => (d.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { aplVersion: v.apl, aplEntries: count('apl_entries'), shopVersion: v.shop, shopEntries: count('shop_list_entries') };
  },
  exportCatalog: ({ format }) =>
    catalogFile(d.db, {
      format,
      locale: d.settings.get('locale'),
      shopName: d.settings.get('shop.name') ?? 'CareTill',
      date: new Intl.DateTimeFormat('sv-SE', { timeZone: d.settings.get('shop.timeZone') }).format(d.now()),
    }),
});
