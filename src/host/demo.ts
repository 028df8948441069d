import { stringify as stringifyCsv } from 'csv-stringify/sync';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import babyCampaignYaml from '../../resources/sample/campaign-baby.yaml?raw';
import childCampaign from '../../resources/sample/campaign-child.json' with { type: 'json' };
import type { Services } from '../core/services';
import { holderCode } from '../shared/voucher/token';
import { renderCardsPdf } from '../server/cards/cardsPdf';
import { findCjkFont } from '../server/cards/fonts';
import { KeyFiles } from '../server/program/keyFiles';
import { Program } from '../server/program/program';
import { openProgramStore } from '../server/store/programStore';

export interface DemoProgram {
  dir: string;
  csv: string;
  /** Written in the background; null when no CJK font is installed. */
  cards: Promise<string | null>;
}

/**
 * `npm start` with no configuration: a demo program on this machine, so a new user can sign in,
 * scan and redeem in minutes. It makes a program (keys, a ¥50 baby-voucher campaign and a ¥200
 * child balance campaign), issues demo vouchers with printable cards, and installs the program's
 * key and signed manifest in the till exactly as enrollment would. Only done once per data directory.
 */
export async function ensureDemoProgram(services: Services): Promise<DemoProgram | null> {
  if (services.manifests.trustAnchor()) return null;
  const dir = path.join(services.config.dataDir, 'demo-program');
  const store = await openProgramStore(dir, undefined);
  try {
    const program = new Program(store, new KeyFiles(path.join(dir, 'keys')));
    const existing = await store.getProgram();
    const rootPublicKey = existing?.rootPublicKey ?? (await program.init('DEMO', '关爱基金会（演示）', 'Care Foundation (demo)')).rootPublicKey;
    if ((await store.listCampaigns()).length === 0) {
      await program.createCampaign(YAML.parse(babyCampaignYaml));
      await program.createCampaign(childCampaign);
    }
    if ((await store.listVouchers()).length === 0) {
      await program.issueVouchers({ campaignId: 1, count: 8, faceValueFen: 5000 });
      await program.issueVouchers({ campaignId: 2, count: 4, faceValueFen: 20000 });
    }
    const signed = await program.publishManifest();
    services.manifests.setTrustAnchor(rootPublicKey);
    services.manifests.install(signed);
    services.settings.write('demo.program', true);

    const vouchers = await store.listVouchers();
    const campaigns = new Map((await store.listCampaigns()).map((c) => [c.id, c]));
    const csv = path.join(dir, 'demo-vouchers.csv');
    fs.writeFileSync(
      csv,
      stringifyCsv(
        vouchers.map((v) => [campaigns.get(v.campaignId)?.names.zh ?? '', v.kind, v.faceValueFen / 100, holderCode(v.holderTag), v.token]),
        { header: true, columns: ['campaign', 'kind', 'value_yuan', 'holder_code', 'token'], bom: true },
      ),
    );
    const cards = (async () => {
      try {
        const pdf = await renderCardsPdf(
          vouchers.map((v) => ({ token: v.token, faceValueFen: v.faceValueFen, validFrom: v.validFrom, validUntil: v.validUntil, holderTag: v.holderTag, campaign: campaigns.get(v.campaignId)! })),
          { fonts: findCjkFont(), timeZone: 'Asia/Shanghai' },
        );
        const file = path.join(dir, 'demo-cards.pdf');
        fs.writeFileSync(file, pdf);
        return file;
      } catch {
        return null;
      }
    })();
    return { dir, csv, cards };
  } finally {
    await store.close();
  }
}
