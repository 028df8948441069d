import { parse as parseCsv } from 'csv-parse/sync';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices } from '../../src/core/services';
import { runCli } from '../../src/server/cli/main';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface PreparedTill {
  dataDir: string;
  /** Valid ¥50 baby vouchers issued by the program CLI. */
  baby: string[];
  /** A baby voucher whose validity ended in February 2026. */
  expired: string;
  cleanup(): void;
}

/**
 * A till as a shop would have it after enrollment: the program (made with the real CLI) has
 * issued vouchers and published a manifest; the till trusts the program key, has the manifest,
 * an owner (PIN 1234), a cashier 李收银 (PIN 5678) and the demo catalogue.
 */
export async function prepareTill(): Promise<PreparedTill> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'caretill-e2e-'));
  const home = path.join(base, 'program');
  const log: string[] = [];
  const cli = (...a: string[]) => runCli([...a, '--home', home], (s) => log.push(s));
  await cli('init', '--id', 'E2E', '--name-zh', '关爱基金会', '--name-en', 'Care Foundation');
  const rootKey = /root public key .*: (\S+)/.exec(log.join('\n'))![1]!;
  // The sample baby campaign pays by the program's approved product list (eligibility: apl), which
  // reaches a till with a sync; this till is never enrolled, so its campaign trusts the shop's categories.
  const shopMode = path.join(base, 'campaign-baby-shop.yaml');
  fs.writeFileSync(
    shopMode,
    fs.readFileSync(path.join(root, 'resources/sample/campaign-baby.yaml'), 'utf8').replace(/^eligibility: apl$/m, 'eligibility: shop'),
  );
  await cli('campaign', 'create', shopMode);
  await cli('vouchers', 'issue', '--campaign', '1', '--count', '6', '--value-yuan', '50', '--out', path.join(base, 'baby.csv'));
  await cli(
    'vouchers',
    'issue',
    '--campaign',
    '1',
    '--count',
    '1',
    '--value-yuan',
    '50',
    '--valid-until',
    '2026-02-01T00:00:00+08:00',
    '--out',
    path.join(base, 'expired.csv'),
  );
  await cli('manifest', 'publish', '--out', path.join(base, 'manifest.json'));
  const tokens = (f: string) =>
    (parseCsv(fs.readFileSync(path.join(base, f)), { columns: true, bom: true }) as Array<{ token: string }>).map((r) => r.token);

  const dataDir = path.join(base, 'till');
  const s = createServices({ dataDir, host: 'direct', appVersion: 'e2e' });
  s.manifests.setTrustAnchor(rootKey);
  s.manifests.install(JSON.parse(fs.readFileSync(path.join(base, 'manifest.json'), 'utf8')));
  s.manifests.markSynced(); // as if it had just heard from the program: offline sales are within their hours
  await s.handlers.setupShop({ shopName: '爱心母婴店', ownerName: '王店主', ownerPin: '1234', loadDemoCatalog: true }, {});
  s.users.create('李收银', 'cashier', '5678');
  s.close();
  return {
    dataDir,
    baby: tokens('baby.csv'),
    expired: tokens('expired.csv')[0]!,
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}
