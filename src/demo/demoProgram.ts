import { stringify as stringifyCsv } from 'csv-stringify/sync';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import babyCampaignYaml from '../../resources/sample/campaign-baby.yaml?raw';
import childCampaign from '../../resources/sample/campaign-child.json' with { type: 'json' };
import type { Services } from '../core/services';
import type { Logger } from '../core/system/log';
import { holderCode } from '../shared/voucher/token';
import { renderCardsPdf } from '../server/cards/cardsPdf';
import { findCjkFont } from '../server/cards/fonts';
import { startProgramServer, type RunningProgramServer } from '../server/http/app';
import { KeyFiles } from '../server/program/keyFiles';
import { Program } from '../server/program/program';
import { openProgramStore, type ProgramStore } from '../server/store/programStore';
import { createEnrollmentCode, createMerchant } from '../server/sync/enrollment';

export interface DemoProgram {
  dir: string;
  csv: string;
  server: RunningProgramServer;
  /** Written in the background; null when no CJK font is installed. */
  cards: Promise<string | null>;
  close(): Promise<void>;
}

export const DEMO_MERCHANT = 'DEMO-SHOP';

/**
 * `npm start` with no configuration: a complete demo program on this machine. It creates (once)
 * a program with a ¥50 baby-voucher campaign and a ¥200 child balance campaign, demo vouchers with
 * printable cards, a demo merchant; runs the program server on loopback; and enrolls this till
 * with a one-time code exactly as a shop would. The demo program lives in <data dir>/demo-program,
 * so the program CLI can settle what the till uploads (see the README's walk-through).
 */
export async function startDemoProgram(services: Services): Promise<DemoProgram | null> {
  const dir = path.join(services.config.dataDir, 'demo-program');
  const isDemo = fs.existsSync(dir) || !services.sync.enrolled();
  if (!isDemo) return null;
  const store = await openProgramStore(dir, undefined);
  try {
    await ensureProgram(store, dir);
    const portFile = path.join(dir, 'server-port');
    const preferred = fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8')) : 0;
    let server: RunningProgramServer;
    try {
      server = await startProgramServer({ store, port: preferred });
    } catch (err) {
      // Usually the port of the last run is taken by another program now: any free port will do.
      services.log.info({ err, preferred }, 'demo program server could not reuse its port');
      server = await startProgramServer({ store, port: 0 });
    }
    fs.writeFileSync(portFile, String(server.port));
    if (!services.sync.enrolled()) await services.sync.enroll(server.url, await createEnrollmentCode(store, DEMO_MERCHANT), 'demo till');
    else services.sync.serverMoved(server.url); // the demo server may have had to take another port
    services.settings.set('demo.program', true);
    const csv = path.join(dir, 'demo-vouchers.csv');
    const cards = writeDemoFiles(store, dir, csv, services.log);
    return {
      dir,
      csv,
      server,
      cards,
      close: async () => {
        await server.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

async function ensureProgram(store: ProgramStore, dir: string): Promise<void> {
  const program = new Program(store, new KeyFiles(path.join(dir, 'keys')));
  if (!(await store.getProgram()))
    await program.init('DEMO', '关爱基金会（演示）', 'Care Foundation (demo)', new Date(Date.now() - 60_000));
  if ((await store.listCampaigns()).length === 0) {
    await program.createCampaign(YAML.parse(babyCampaignYaml));
    await program.createCampaign(childCampaign);
  }
  if ((await store.listVouchers()).length === 0) {
    await program.issueVouchers({ campaignId: 1, count: 8, faceValueFen: 5000 });
    await program.issueVouchers({ campaignId: 2, count: 4, faceValueFen: 20000 });
  }
  if (!(await store.latestManifest())) await program.publishManifest();
  if (!(await store.sql.get('SELECT 1 AS x FROM merchants WHERE merchant_id = ?', [DEMO_MERCHANT])))
    await createMerchant(store, DEMO_MERCHANT, '演示母婴店');
}

async function writeDemoFiles(store: ProgramStore, dir: string, csv: string, log: Logger): Promise<string | null> {
  const vouchers = await store.listVouchers();
  const campaigns = new Map((await store.listCampaigns()).map((c) => [c.id, c]));
  fs.writeFileSync(
    csv,
    stringifyCsv(
      vouchers.map((v) => [campaigns.get(v.campaignId)?.names.zh ?? '', v.kind, v.faceValueFen / 100, holderCode(v.holderTag), v.token]),
      { header: true, columns: ['campaign', 'kind', 'value_yuan', 'holder_code', 'token'], bom: true },
    ),
  );
  const file = path.join(dir, 'demo-cards.pdf');
  if (fs.existsSync(file)) return file;
  try {
    const pdf = await renderCardsPdf(
      vouchers.map((v) => ({
        token: v.token,
        faceValueFen: v.faceValueFen,
        validFrom: v.validFrom,
        validUntil: v.validUntil,
        holderTag: v.holderTag,
        campaign: campaigns.get(v.campaignId)!,
      })),
      { fonts: findCjkFont(), timeZone: 'Asia/Shanghai' },
    );
    fs.writeFileSync(file, pdf);
    return file;
  } catch (err) {
    // Cards are a convenience (the CSV has every code); without a CJK font or disk space there are none.
    log.warn({ err, file }, 'demo voucher cards could not be written');
    return null;
  }
}
