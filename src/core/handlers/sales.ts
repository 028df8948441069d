import type { salesContract } from '../../shared/api/contract/sales';
import { startOfShopDay } from '../../shared/domain/time';
import type { HandlersFor } from '../api/dispatch';
import type { Users } from '../auth/users';
import type { Checkout } from '../checkout/checkout';
import type { Journal } from '../journal/journal';
import { findByHolderCode } from '../sales/holderLookup';
import type { SaleFlow } from '../sales/saleFlow';
import type { SaleQueries } from '../sales/saleQueries';
import type { SyncService } from '../sync/syncService';
import type { SettingsStore } from '../system/settings';
import type { ManifestStore } from '../vouchers/manifestStore';

export interface SalesDeps {
  users: Users;
  checkout: Checkout;
  saleFlow: SaleFlow;
  queries: SaleQueries;
  journal: Journal;
  sync: SyncService;
  settings: SettingsStore;
  manifests: ManifestStore;
  now: () => number;
}

/** The sale: quote, commit and void go through the workflow or the commands; reading through the queries. */
export const salesHandlers = (d: SalesDeps): HandlersFor<typeof salesContract> => ({
  quoteSale: (input) => d.saleFlow.quote(input),
  commitSale: (input, ctx) => d.saleFlow.commit(input, d.users.require(ctx.sessionToken)),
  voidSale: ({ saleId, ownerPin }, ctx) => d.saleFlow.void(saleId, d.users.require(ctx.sessionToken), ownerPin),
  listSalesToday: (_args, ctx) => {
    const since = new Date(startOfShopDay(d.now(), d.settings.get('shop.timeZone'))).toISOString();
    return d.queries.list(since, d.users.require(ctx.sessionToken));
  },
  getSale: ({ saleId }) => d.queries.get(saleId),
  getSaleUpload: ({ saleId }) => ({ upload: d.queries.upload(saleId) }),
  findVoucherByHolderCode: ({ code }) => findByHolderCode(d, code),
  verifyJournal: () => {
    const v = d.journal.verify();
    return v.ok
      ? { ok: true, count: v.count, headSeq: v.headSeq, problem: null }
      : { ok: false, count: 0, headSeq: v.seq, problem: v.problem };
  },
});
