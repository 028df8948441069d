import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import babyCampaignYaml from '../../resources/sample/campaign-baby.yaml?raw';
import childCampaign from '../../resources/sample/campaign-child.json' with { type: 'json' };
import aplDemoCsv from '../../resources/sample/apl-demo.csv?raw';
import { recoverFromProgram } from '../core/backoffice/recovery';
import { demoProgramDir } from './demoDir';

export { demoProgramDir } from './demoDir';
import type { Services } from '../core/services';
import type { Logger } from '../core/system/log';
import type { Campaign } from '../shared/voucher/manifest';
import { decodeToken, holderCode } from '../shared/voucher/token';
import { renderCardsPdf, type CardData } from '../server/cards/cardsPdf';
import { findCjkFont } from '../server/cards/fonts';
import { startProgramServer, type RunningProgramServer } from '../server/http/app';
import { readAplFile } from '../server/program/aplImport';
import { latestAplVersion } from '../server/program/aplPublish';
import { KeyFiles } from '../server/program/keyFiles';
import { Program } from '../server/program/program';
import { writePrivateFile } from '../server/store/privateFiles';
import { openProgramStore, type IssuedVoucher, type ProgramStore } from '../server/store/programStore';
import { createEnrollmentCode, createMerchant, createRecoveryCode } from '../server/sync/enrollment';

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
 * with a one-time code exactly as a shop would. The demo program lives beside the till's data
 * folder (<data dir>-demo-program), so the program CLI can settle what the till uploads, and a till
 * whose folder was wiped can be restored from a backup and get its records back from the program
 * (see the README's walk-through and disaster recovery).
 * Like any program it keeps no voucher token: demo-vouchers.csv and demo-cards.pdf are written when
 * the vouchers are issued (0600, in the 0700 folder); if the list is deleted, the next start
 * re-issues the demo vouchers that are left and writes both again.
 */
export async function startDemoProgram(services: Services): Promise<DemoProgram | null> {
  const dir = demoProgramDir(services.config.dataDir);
  const isDemo = fs.existsSync(dir) || !services.sync.enrolled();
  if (!isDemo) return null;
  const store = await openProgramStore(dir, undefined);
  try {
    const program = new Program(store, new KeyFiles(path.join(dir, 'keys')));
    const issued = await ensureProgram(store, program);
    const portFile = path.join(dir, 'server-port');
    const preferred = fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8')) : 0;
    const replyKey = await program.replyKey();
    let server: RunningProgramServer;
    try {
      server = await startProgramServer({ store, port: preferred, replyKey });
    } catch (err) {
      // Usually the port of the last run is taken by another program now: any free port will do.
      services.log.info({ err, preferred }, 'demo program server could not reuse its port');
      server = await startProgramServer({ store, port: 0, replyKey });
    }
    writePrivateFile(portFile, String(server.port));
    if (!services.sync.enrolled()) await enrollDemoTill(services, store, server.url);
    else services.sync.serverMoved(server.url); // the demo server may have had to take another port
    services.settings.set('demo.program', true);
    const csv = path.join(dir, 'demo-vouchers.csv');
    const campaigns = new Map((await store.listCampaigns()).map((c) => [c.id, c]));
    // Tokens exist only when issued: now, or again (re-issued) when the list was lost.
    const fresh = issued ?? (fs.existsSync(csv) ? null : await reissueDemoVouchers(program, store));
    if (fresh) writeDemoCsv(csv, fresh, campaigns);
    const cards = writeDemoCards(dir, csv, fresh !== null, campaigns, services.log);
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

/**
 * A new till enrolls with a one-time code. A till the demo program already knows (its database was
 * restored from a backup, its key is gone) re-enrolls as the same device with a recovery code, as
 * the program operator would give one, and then gets back the records it made after that backup.
 */
async function enrollDemoTill(services: Services, store: ProgramStore, url: string): Promise<void> {
  const deviceId = (services.db.prepare('SELECT install_id FROM device WHERE id = 1').get() as { install_id: string }).install_id;
  const known = await store.sql.get('SELECT 1 AS x FROM devices WHERE device_id = ?', [deviceId]);
  const code = known ? await createRecoveryCode(store, deviceId) : await createEnrollmentCode(store, DEMO_MERCHANT);
  await services.sync.enroll(url, code, 'demo till');
  if (!known) return;
  const r = await recoverFromProgram({ ...services, deviceId, now: Date.now });
  services.log.warn(r, 'demo till re-enrolled with a recovery code; records recovered from the demo program');
}

/** Sets the demo program up once; returns the vouchers issued now (with their tokens), or null. */
async function ensureProgram(
  store: ProgramStore,
  program: Program,
): Promise<Array<IssuedVoucher & { demoNote?: 'expired' | 'revoked' }> | null> {
  if (!(await store.getProgram()))
    await program.init('DEMO', '关爱基金会（演示）', 'Care Foundation (demo)', new Date(Date.now() - 60_000));
  if ((await store.listCampaigns()).length === 0) {
    await program.createCampaign(YAML.parse(babyCampaignYaml));
    await program.createCampaign(childCampaign);
  }
  let issued: IssuedVoucher[] | null = null;
  if ((await store.listVouchers()).length === 0) {
    // Two vouchers that a till must refuse, so a newcomer sees refusals too: one whose validity
    // ended yesterday (its window opened with the campaign) and one the program revoked.
    const campaignStart = new Date((await store.getCampaign(1))!.validFrom);
    const expired = await program.issueVouchers({
      campaignId: 1,
      count: 1,
      faceValueFen: 5000,
      validFrom: campaignStart,
      validUntil: new Date(Math.max(campaignStart.getTime() + 3_600_000, Date.now() - 86_400_000)),
    });
    const revoked = await program.issueVouchers({ campaignId: 1, count: 1, faceValueFen: 5000 });
    await program.revoke(
      revoked.map((v) => v.voucherId),
      '演示：已作废的券',
    );
    issued = [
      ...(await program.issueVouchers({ campaignId: 1, count: 8, faceValueFen: 5000 })),
      ...(await program.issueVouchers({ campaignId: 2, count: 4, faceValueFen: 20000 })),
      ...expired.map((v) => ({ ...v, demoNote: 'expired' as const })),
      ...revoked.map((v) => ({ ...v, demoNote: 'revoked' as const })),
    ];
  }
  if (!(await store.latestManifest())) await program.publishManifest();
  // The baby campaign pays by the program's list (eligibility: apl): the demo list holds the sample
  // catalogue's baby goods but one (婴儿学步鞋 6902754003020), so the demo shows a refusal too.
  if ((await latestAplVersion(store.sql)) === 0)
    await program.publishApl(readAplFile(new TextEncoder().encode(aplDemoCsv), 'apl-demo.csv').entries, 'apl-demo.csv');
  if (!(await store.sql.get('SELECT 1 AS x FROM merchants WHERE merchant_id = ?', [DEMO_MERCHANT])))
    await createMerchant(store, DEMO_MERCHANT, '演示母婴店');
  return issued;
}

/** The demo's voucher list was deleted: new tokens for what is left of its vouchers, old ones revoked. */
async function reissueDemoVouchers(program: Program, store: ProgramStore): Promise<IssuedVoucher[]> {
  const live = (await store.listVouchers()).filter((v) => !v.revokedAt).map((v) => v.voucherId);
  if (live.length === 0) return [];
  const r = await program.reissue({ voucherIds: live, reason: 'demo voucher list made again' });
  await program.publishManifest();
  return r.issued;
}

/** The demo's voucher list; `note` names the two a till must refuse (the token stays the last column). */
function writeDemoCsv(
  csv: string,
  vouchers: Array<IssuedVoucher & { demoNote?: 'expired' | 'revoked' }>,
  campaigns: ReadonlyMap<number, Campaign>,
): void {
  const note = { expired: '已过期（演示拒收）expired', revoked: '已作废（演示拒收）revoked' };
  writePrivateFile(
    csv,
    stringifyCsv(
      vouchers.map((v) => [
        campaigns.get(v.campaignId)?.names.zh ?? '',
        v.kind,
        v.faceValueFen / 100,
        holderCode(v.holderTag),
        v.demoNote ? note[v.demoNote] : '',
        v.token,
      ]),
      { header: true, columns: ['campaign', 'kind', 'value_yuan', 'holder_code', 'note', 'token'], bom: true },
    ),
  );
}

/** Cards for the tokens in the demo list (each token carries everything a card shows). */
async function writeDemoCards(
  dir: string,
  csv: string,
  renew: boolean,
  campaigns: ReadonlyMap<number, Campaign>,
  log: Logger,
): Promise<string | null> {
  const file = path.join(dir, 'demo-cards.pdf');
  if (fs.existsSync(file) && !renew) return file;
  try {
    const rows = parseCsv(fs.readFileSync(csv), { columns: true, bom: true, skip_empty_lines: true }) as Array<{ token?: string }>;
    const cards: CardData[] = [];
    for (const row of rows) {
      const decoded = decodeToken(row.token ?? '');
      const campaign = decoded.ok ? campaigns.get(decoded.token.fields.campaignId) : undefined;
      if (!decoded.ok || !campaign) continue;
      const f = decoded.token.fields;
      cards.push({
        token: row.token!,
        faceValueFen: f.faceValueFen,
        validFrom: f.validFrom,
        validUntil: f.validUntil,
        holderTag: f.holderTag,
        campaign,
      });
    }
    writePrivateFile(file, await renderCardsPdf(cards, { fonts: findCjkFont(), timeZone: 'Asia/Shanghai' }));
    return file;
  } catch (err) {
    // Cards are a convenience (the CSV has every code); without a CJK font or disk space there are none.
    log.warn({ err, file }, 'demo voucher cards could not be written');
    return null;
  }
}
