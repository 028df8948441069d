import demoCatalog from '../../../resources/sample/catalog-demo.json' with { type: 'json' };
import type { authContract } from '../../shared/api/contract/auth';
import { PosError } from '../../shared/api/errors';
import type { Category } from '../../shared/domain/categories';
import type { HandlersFor } from '../api/dispatch';
import type { Users } from '../auth/users';
import type { Catalog } from '../catalog/catalog';
import { QuickKeyPlanner } from '../catalog/quickKeys';
import type { Db } from '../db/open';
import type { SettingsStore } from '../system/settings';

export interface AuthDeps {
  db: Db;
  users: Users;
  settings: SettingsStore;
  catalog: Catalog;
}

/** First run, sign-in and the shop's people. */
export const authHandlers = (d: AuthDeps): HandlersFor<typeof authContract> => ({
  getSetupState: () => ({ needsSetup: d.users.count() === 0, shopName: d.settings.get('shop.name'), demo: d.settings.get('demo.program') }),
  setupShop: (args) => {
    // Only the very first run may create an owner without signing in.
    const owner = d.db.transaction(() => {
      if (d.users.count() > 0) throw new PosError('already_set_up', 'this till already has users');
      d.settings.set('shop.name', args.shopName);
      const created = d.users.create(args.ownerName, 'owner', args.ownerPin);
      if (args.loadDemoCatalog && d.catalog.count() === 0) {
        for (const item of demoCatalog.items) d.catalog.save({ ...item, category: item.category as Category });
      }
      if (args.shopType) {
        // The sample catalogue's quick keys follow the kind of shop: baby goods, or a barber's services.
        const planner = new QuickKeyPlanner(d.db, d.settings);
        if (args.loadDemoCatalog) planner.apply(args.shopType, planner.suggest(args.shopType));
        else d.settings.set('shop.type', args.shopType);
      }
      return created;
    })();
    // Signed in after the commit: PIN checks never run inside a transaction (see Users).
    const session = d.users.login(owner.id, args.ownerPin);
    return { session: session.token, user: owner };
  },
  listUsers: () => d.users.list(),
  login: ({ userId, pin }) => {
    const s = d.users.login(userId, pin);
    return { session: s.token, user: { id: s.id, name: s.name, role: s.role } };
  },
  whoAmI: (_args, ctx) => {
    const s = d.users.session(ctx.sessionToken);
    return s ? { id: s.id, name: s.name, role: s.role } : null;
  },
  logout: (_args, ctx) => {
    d.users.logout(ctx.sessionToken);
    return {};
  },
  createUser: ({ name, role, pin }) => d.users.create(name, role, pin),
});
