import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { formatYuan, parseYuan } from '../../shared/domain/money';
import { startProgramServer } from '../http/app';
import { createOperatorToken } from '../http/operators';
import { createEnrollmentCode, createMerchant } from '../sync/enrollment';
import { ServerError } from '../sync/errors';
import { approveStatement, createStatement, listStatements, payStatement } from '../sync/settlement';
import { holderCode } from '../../shared/voucher/token';
import { renderCardsPdf, type CardData } from '../cards/cardsPdf';
import { findCjkFont } from '../cards/fonts';
import { KeyFiles } from '../program/keyFiles';
import { Program, ProgramError } from '../program/program';
import { openProgramStore, type ProgramStore } from '../store/programStore';

const USAGE = `CareTill program CLI — npm run program -- <command> [options]

  init --id ID --name-zh 名称 --name-en NAME      create the program's root key and first issuer key
  keys create [--valid-days 1095]                 a new voucher-signing key (rotation)
  keys list
  campaign create FILE.json|FILE.yaml             add a campaign (see resources/sample/campaign-baby.yaml)
  campaign list
  vouchers issue --campaign ID --count N (--value-yuan 50 | --value-fen 5000)
                 [--valid-from ISO] [--valid-until ISO] [--holder-tags FILE] [--key KID] --out FILE.csv
  vouchers revoke VOUCHER_ID... [--reason TEXT]   then publish a new manifest
  manifest publish [--out FILE.json]              sign the next manifest version
  cards (--in FILE.csv | --campaign ID) --out FILE.pdf [--tz Asia/Shanghai] [--font FILE]
  merchants add --id M1 --name 店名                a partner shop
  merchants list
  enroll-code --merchant M1 [--hours 72]          a one-time code for one of the shop's tills
  statements create [--merchant M1] [--until ISO]  draft statements of accepted, unsettled records
  statements list
  statements approve ID
  statements pay ID --reference PAYOUT-REF
  operator token --name NAME                      a credential for the operator HTTP API (shown once)
  serve [--port 8400] [--host 127.0.0.1]          run the program server

Common: --home DIR (or CARETILL_PROGRAM_HOME; default ./program-data). Private keys stay in DIR/keys (0600).
DATABASE_URL=postgres://… keeps the program's data in PostgreSQL instead of DIR/program.sqlite3.`;

const CSV_COLUMNS = [
  'voucher_id',
  'campaign_id',
  'kind',
  'value_fen',
  'valid_from',
  'valid_until',
  'holder_code',
  'holder_tag',
  'token',
] as const;

export async function runCli(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      home: { type: 'string' },
      id: { type: 'string' },
      'name-zh': { type: 'string' },
      'name-en': { type: 'string' },
      'valid-days': { type: 'string' },
      campaign: { type: 'string' },
      count: { type: 'string' },
      'value-yuan': { type: 'string' },
      'value-fen': { type: 'string' },
      'valid-from': { type: 'string' },
      'valid-until': { type: 'string' },
      'holder-tags': { type: 'string' },
      key: { type: 'string' },
      out: { type: 'string' },
      in: { type: 'string' },
      reason: { type: 'string' },
      tz: { type: 'string' },
      font: { type: 'string' },
      merchant: { type: 'string' },
      name: { type: 'string' },
      hours: { type: 'string' },
      until: { type: 'string' },
      reference: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return;
  }
  const home = path.resolve(values.home ?? process.env.CARETILL_PROGRAM_HOME ?? 'program-data');
  const store = await openProgramStore(home);
  const program = new Program(store, new KeyFiles(path.join(home, 'keys')));
  try {
    const single = ['init', 'enroll-code', 'serve'].includes(command);
    switch (`${command} ${single ? '' : (sub ?? '')}`.trim()) {
      case 'init': {
        const id = need(values.id, '--id');
        const r = await program.init(id, need(values['name-zh'], '--name-zh'), need(values['name-en'], '--name-en'));
        out(`program ${id} created in ${home}`);
        out(`root public key (give to tills at enrollment): ${r.rootPublicKey}`);
        out(`issuer key ${r.issuerKey.keyId} valid until ${r.issuerKey.validUntil}`);
        break;
      }
      case 'keys create': {
        const k = await program.createIssuerKey(int(values['valid-days'] ?? '1095', '--valid-days'));
        out(`issuer key ${k.keyId} created, valid ${k.validFrom} → ${k.validUntil}; publish a manifest so tills learn it`);
        break;
      }
      case 'keys list':
        for (const k of await store.listIssuerKeys()) out(`${k.keyId}\t${k.validFrom} → ${k.validUntil}\t${k.publicKey}`);
        break;
      case 'campaign create': {
        const file = need(sub === 'create' ? rest[0] : undefined, 'a campaign file');
        const text = fs.readFileSync(file, 'utf8');
        const data: unknown = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
        const c = await program.createCampaign(data);
        out(`campaign ${c.id} 「${c.names.zh}」 created (${c.kind}, ${c.eligibleCategories.join(', ')})`);
        break;
      }
      case 'campaign list':
        for (const c of await store.listCampaigns())
          out(`${c.id}\t${c.kind}\t${c.validFrom} → ${c.validUntil}\t${c.names.zh} / ${c.names.en}`);
        break;
      case 'vouchers issue': {
        const outFile = need(values.out, '--out');
        const valueFen =
          values['value-fen'] !== undefined
            ? int(values['value-fen'], '--value-fen')
            : parseYuan(need(values['value-yuan'], '--value-yuan or --value-fen') ?? '');
        if (valueFen === null) throw new ProgramError('--value-yuan must be an amount like 50 or 12.50');
        const holderTags = values['holder-tags']
          ? fs
              .readFileSync(values['holder-tags'], 'utf8')
              .split(/\r?\n/)
              .map((s) => s.trim().toLowerCase())
              .filter(Boolean)
          : undefined;
        const vouchers = await program.issueVouchers({
          campaignId: int(need(values.campaign, '--campaign'), '--campaign'),
          count: int(need(values.count, '--count'), '--count'),
          faceValueFen: valueFen,
          ...(values['valid-from'] ? { validFrom: date(values['valid-from'], '--valid-from') } : {}),
          ...(values['valid-until'] ? { validUntil: date(values['valid-until'], '--valid-until') } : {}),
          ...(holderTags ? { holderTags } : {}),
          ...(values.key ? { keyId: int(values.key, '--key') } : {}),
        });
        const rows = vouchers.map((v) => [
          v.voucherId,
          v.campaignId,
          v.kind,
          v.faceValueFen,
          new Date(v.validFrom * 1000).toISOString(),
          new Date(v.validUntil * 1000).toISOString(),
          holderCode(v.holderTag),
          v.holderTag,
          v.token,
        ]);
        fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
        // BOM: Excel, which many program offices use, then opens the file as UTF-8.
        fs.writeFileSync(outFile, stringifyCsv(rows, { header: true, columns: [...CSV_COLUMNS], bom: true }));
        out(`${vouchers.length} vouchers issued → ${outFile}; publish a manifest if this campaign is new to tills`);
        break;
      }
      case 'vouchers revoke': {
        const ids = sub === 'revoke' ? rest : [];
        if (ids.length === 0) throw new ProgramError('name at least one voucher id');
        const r = await program.revoke(ids, values.reason ?? null);
        out(
          `revoked ${r.revoked.length}${r.already.length ? `, already revoked ${r.already.length}` : ''}${r.unknown.length ? `, unknown: ${r.unknown.join(' ')}` : ''}`,
        );
        if (r.revoked.length) out('publish a manifest so tills learn of it: npm run program -- manifest publish');
        if (r.unknown.length) process.exitCode = 1;
        break;
      }
      case 'manifest publish': {
        const m = await program.publishManifest();
        const file = values.out ?? path.join(home, 'manifest.json');
        fs.writeFileSync(file, JSON.stringify({ manifest: m.manifest, signature: m.signature }, null, 2));
        out(`manifest version ${m.version} signed → ${file}`);
        break;
      }
      case 'cards': {
        const outFile = need(values.out, '--out');
        const cards = await cardData(store, values.in, values.campaign);
        const pdf = await renderCardsPdf(cards, { fonts: findCjkFont(values.font), timeZone: values.tz ?? 'Asia/Shanghai' });
        fs.writeFileSync(outFile, pdf);
        out(`${cards.length} cards on ${Math.ceil(cards.length / 8) || 1} A4 pages → ${outFile}`);
        break;
      }
      case 'merchants add':
        await createMerchant(store, need(values.id, '--id'), need(values.name, '--name'));
        out(`merchant ${values.id} 「${values.name}」 added; give its till a code: npm run program -- enroll-code --merchant ${values.id}`);
        break;
      case 'merchants list':
        for (const m of await store.sql.all<{ merchant_id: string; name: string }>(
          'SELECT merchant_id, name FROM merchants ORDER BY merchant_id',
        ))
          out(`${m.merchant_id}\t${m.name}`);
        break;
      case 'enroll-code': {
        const code = await createEnrollmentCode(store, need(values.merchant, '--merchant'), int(values.hours ?? '72', '--hours'));
        out(`enrollment code for ${values.merchant}: ${code} (one use, ${values.hours ?? 72} hours)`);
        break;
      }
      case 'statements create': {
        const until = values.until ? date(values.until, '--until') : new Date();
        const merchants = values.merchant
          ? [values.merchant]
          : (await store.sql.all<{ merchant_id: string }>('SELECT merchant_id FROM merchants ORDER BY merchant_id')).map(
              (m) => m.merchant_id,
            );
        let made = 0;
        for (const m of merchants) {
          const st = await createStatement(store, m, until);
          if (st) {
            made++;
            out(`${st.statement_id}\t${m}\tdraft\t${formatYuan(Number(st.total_fen))}\t${st.record_count} records`);
          }
        }
        if (made === 0) out('nothing to settle: no accepted records without a statement');
        break;
      }
      case 'statements list':
        for (const st of await listStatements(store))
          out(
            `${st.statement_id}\t${st.merchant_id}\t${st.status}\t${formatYuan(Number(st.total_fen))}\t${st.record_count} records${st.payout_reference ? `\tpaid ${st.payout_reference}` : ''}`,
          );
        break;
      case 'statements approve':
        await approveStatement(store, need(rest[0], 'a statement id'));
        out(`${rest[0]} approved`);
        break;
      case 'statements pay':
        await payStatement(store, need(rest[0], 'a statement id'), need(values.reference, '--reference'));
        out(`${rest[0]} paid (${values.reference})`);
        break;
      case 'operator token':
        out(`operator token (shown once, keep it secret): ${await createOperatorToken(store, need(values.name, '--name'))}`);
        break;
      case 'serve': {
        const server = await startProgramServer({ store, port: int(values.port ?? '8400', '--port'), host: values.host ?? '127.0.0.1' });
        out(`CareTill program server listening on ${server.url} (Ctrl+C to stop)`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        break;
      }
      default:
        throw new ProgramError(`unknown command "${positionals.join(' ')}"\n\n${USAGE}`);
    }
  } finally {
    await store.close();
  }
}

async function cardData(store: ProgramStore, csvFile: string | undefined, campaignId: string | undefined): Promise<CardData[]> {
  const campaigns = new Map((await store.listCampaigns()).map((c) => [c.id, c]));
  const campaignOf = (id: number) => {
    const c = campaigns.get(id);
    if (!c) throw new ProgramError(`campaign ${id} is not in this program`);
    return c;
  };
  if (csvFile) {
    const rows = parseCsv(fs.readFileSync(csvFile), { columns: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;
    return rows.map((r, i) => {
      const token = r.token;
      if (!token || !r.value_fen || !r.campaign_id || !r.valid_from || !r.valid_until || !r.holder_tag)
        throw new ProgramError(`${csvFile} row ${i + 2}: missing columns (expected ${CSV_COLUMNS.join(',')})`);
      return {
        token,
        faceValueFen: Number(r.value_fen),
        validFrom: Date.parse(r.valid_from) / 1000,
        validUntil: Date.parse(r.valid_until) / 1000,
        holderTag: r.holder_tag,
        campaign: campaignOf(Number(r.campaign_id)),
      };
    });
  }
  const id = int(need(campaignId, '--in or --campaign'), '--campaign');
  return (await store.listVouchers({ campaignId: id }))
    .filter((v) => !v.revokedAt)
    .map((v) => ({
      token: v.token,
      faceValueFen: v.faceValueFen,
      validFrom: v.validFrom,
      validUntil: v.validUntil,
      holderTag: v.holderTag,
      campaign: campaignOf(v.campaignId),
    }));
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined || v === '') throw new ProgramError(`missing ${what}`);
  return v;
}

function int(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new ProgramError(`${what} must be a whole number (got ${JSON.stringify(v)})`);
  return n;
}

function date(v: string, what: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new ProgramError(`${what} must be a date like 2026-12-31T23:59:59+08:00`);
  return d;
}

const isMain = process.argv[1] !== undefined && /cli[/\\]main\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  runCli(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`error: ${e instanceof ProgramError || e instanceof ServerError || e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
