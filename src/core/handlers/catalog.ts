import type { catalogContract } from '../../shared/api/contract/catalog';
import type { HandlersFor } from '../api/dispatch';
import type { Catalog } from '../catalog/catalog';
import type { CatalogRoom } from '../catalog/catalogRoom';
import { catalogFile } from '../catalog/exportCatalog';
import type { Db } from '../db/open';
import type { SettingsStore } from '../system/settings';

export interface CatalogDeps extends CatalogRoom {
  db: Db;
  catalog: Catalog;
  settings: SettingsStore;
  now: () => number;
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
  exportCatalog: ({ format }) =>
    catalogFile(d.db, {
      format,
      locale: d.settings.get('locale'),
      shopName: d.settings.get('shop.name') ?? 'CareTill',
      date: new Intl.DateTimeFormat('sv-SE', { timeZone: d.settings.get('shop.timeZone') }).format(d.now()),
    }),
});
