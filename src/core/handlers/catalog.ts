import type { catalogContract } from '../../shared/api/contract/catalog';
import type { HandlersFor } from '../api/dispatch';
import type { Catalog } from '../catalog/catalog';

/** The shop's goods and services. */
export const catalogHandlers = (d: { catalog: Catalog }): HandlersFor<typeof catalogContract> => ({
  lookupBarcode: ({ code }) => d.catalog.lookup(code),
  listQuickKeys: () => d.catalog.quickKeys(),
  searchItems: ({ query }) => d.catalog.search(query),
  saveItem: (input) => d.catalog.save(input),
});
