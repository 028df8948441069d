import type { Services } from '../../src/core/services';
import type { CampaignInput } from '../../src/shared/voucher/manifest';
import { testCampaign, testIssuer, testManifest, testRoot } from './issuer';

/**
 * A till ready to sell: the program's root key as trust anchor, a signed manifest with a baby
 * campaign (fixed ¥50, formula ≤ 2 a visit) and a child campaign (balance), the demo catalogue,
 * an owner (PIN 1234) and a cashier (PIN 5678). Everything goes through core's real code.
 */
export function seedTill(services: Services, extraCampaigns: Array<Partial<CampaignInput>> = []) {
  const root = testRoot();
  const issuer = testIssuer(1, { from: '2026-01-01T00:00:00Z', until: '2029-01-01T00:00:00Z' });
  const baby = testCampaign({
    id: 1,
    eligibleCategories: ['infant_formula', 'diapers', 'baby_clothing', 'baby_care'],
    perVisitCaps: { infant_formula: { maxQuantity: 2 } },
  });
  const child = testCampaign({
    id: 2,
    names: { zh: '困境儿童成长关爱金', en: 'Child growth care fund' },
    kind: 'balance',
    eligibleCategories: ['school_supplies', 'books', 'toys', 'haircut'],
    offline: { perVoucherFen: 20000, perDeviceTotalFen: 1000000, maxHoursOffline: 72 },
  });
  services.manifests.setTrustAnchor(root.publicKey);
  services.manifests.install(
    root.sign(testManifest({ keys: [issuer.key], campaigns: [baby, child, ...extraCampaigns.map((c) => testCampaign(c))] })),
  );
  services.manifests.markSynced(); // as if it had just heard from the program: offline sales are within their hours

  const setup = services.handlers.setupShop(
    { shopName: '爱心母婴店', ownerName: '王店主', ownerPin: '1234', loadDemoCatalog: true },
    {},
  ) as { session: string; user: { id: number } };
  const cashier = services.users.create('李收银', 'cashier', '5678');
  const barcode = (name: string) => services.catalog.search(name)[0]!;
  return {
    root,
    issuer,
    ownerSession: setup.session,
    owner: setup.user,
    cashier,
    cashierSession: () => services.users.login(cashier.id, '5678').token,
    item: barcode,
    babyVoucher: (over = {}) => issuer.token({ campaignId: 1, kind: 'fixed', faceValueFen: 5000, ...over }),
    childVoucher: (over = {}) => issuer.token({ campaignId: 2, kind: 'balance', faceValueFen: 20000, ...over }),
  };
}
