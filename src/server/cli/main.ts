import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { formatYuan, parseYuan } from '../../shared/domain/money';
import { startProgramServer } from '../http/app';
import { createOperatorToken } from '../http/operators';
import { createEnrollmentCode, createMerchant, createRecoveryCode } from '../sync/enrollment';
import { ServerError } from '../sync/errors';
import { listHeld, reviewHeld } from '../sync/review';
import { approveStatement, createStatement, listStatements, payStatement } from '../sync/settlement';
import { instantSchema } from '../program/inputs';
import { KeyFiles } from '../program/keyFiles';
import { Program, ProgramError } from '../program/program';
import type { ReissueResult } from '../program/reissue';
import { writePrivateFile } from '../store/privateFiles';
import { openProgramStore, type IssuedVoucher, type ProgramStore } from '../store/programStore';
import { LIST_USAGE, runListCommand } from './listCommands';
import { cardsOf, readCardsCsv, writeCardsPdf, writeVoucherCsv } from './voucherFiles';

const USAGE = `CareTill program CLI — npm run program -- <command> [options]

  init --id ID --name-zh 名称 --name-en NAME      create the program's root key and first issuer key
  keys create [--valid-days 1095]                 a new voucher-signing key (rotation)
  keys revoke KID --reason TEXT                   end a key now (say, it leaked); then re-issue its
                                                  vouchers and publish a manifest
  keys list
  campaign create FILE.json|FILE.yaml             add a campaign (see resources/sample/campaign-baby.yaml)
  campaign list
  vouchers issue --campaign ID --count N (--value-yuan 50 | --value-fen 5000)
                 [--valid-from ISO] [--valid-until ISO] [--holder-tags FILE] [--key KID] --out FILE.csv
                 [--cards FILE.pdf]
  vouchers revoke VOUCHER_ID... [--reason TEXT]   then publish a new manifest
  vouchers reissue (--key KID | VOUCHER_ID...) --out FILE.csv [--cards FILE.pdf] [--reason TEXT]
                                                  new tokens (same value, or what is left), old ones
                                                  revoked; for a revoked key, a lost card, a re-print
  manifest publish [--out FILE.json]              sign the next manifest version
  cards --in FILE.csv --out FILE.pdf [--tz Asia/Shanghai] [--font FILE]
  merchants add --id M1 --name 店名                a partner shop
  merchants list
  enroll-code --merchant M1 [--hours 72]          a one-time code for one of the shop's tills, with the
                                                  program's fingerprint (ABCD-EFGH-JKMN.7K2Q-XM9B-P3RT-VW4Z)
  records held                                    records held for review (offline ones uploaded late)
  records accept|reject RECORD_ID                 decide a held record (its void goes with it)
  statements create [--merchant M1] [--until ISO]  draft statements of accepted, unsettled records
  statements list
  statements approve ID
  statements pay ID --reference PAYOUT-REF
  operator token --name NAME                      a credential for the operator HTTP API (shown once)
${LIST_USAGE}
  serve [--port 8400] [--host 127.0.0.1] [--max-intakes 4] [--intake-queue 256] [--intake-wait-ms 4000] [--retry-after 5]
                                                  run the program server (GET /healthz, GET /metrics); past
                                                  --max-intakes batch uploads at once, up to --intake-queue wait
                                                  (each at most --intake-wait-ms, as far as the pace allows); the
                                                  rest get 429 + a Retry-After of their own (at least --retry-after)

Common: --home DIR (or CARETILL_PROGRAM_HOME; default ./program-data), the program's own folder (0700).
Private keys stay in DIR/keys (0600). The program keeps no voucher token: the CSV and cards written at
issue are the only copies (0600; hand them over, then delete them); printing a card again re-issues it.
DATABASE_URL=postgres://… keeps the program's data in PostgreSQL instead of DIR/program.sqlite3.`;

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
      'max-intakes': { type: 'string' },
      'retry-after': { type: 'string' },
      'intake-queue': { type: 'string' },
      'intake-wait-ms': { type: 'string' },
      out: { type: 'string' },
      cards: { type: 'string' },
      in: { type: 'string' },
      reason: { type: 'string' },
      tz: { type: 'string' },
      font: { type: 'string' },
      merchant: { type: 'string' },
      device: { type: 'string' },
      name: { type: 'string' },
      hours: { type: 'string' },
      until: { type: 'string' },
      reference: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      errors: { type: 'string' },
      status: { type: 'string' },
      category: { type: 'string' },
      price: { type: 'string' },
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
    const single = ['init', 'enroll-code', 'recovery-code', 'serve'].includes(command);
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
      case 'keys revoke': {
        const keyId = int(need(rest[0], 'a key id'), 'key id');
        const r = await program.revokeIssuerKey(keyId, need(values.reason, '--reason'));
        out(`issuer key ${keyId} revoked at ${r.revokedAt}; tills refuse its vouchers once they have the next manifest`);
        if (r.vouchers > 0)
          out(
            `${r.vouchers} live vouchers were signed with it: npm run program -- vouchers reissue --key ${keyId} --out FILE.csv --cards FILE.pdf`,
          );
        out('then publish a manifest: npm run program -- manifest publish');
        break;
      }
      case 'keys list':
        for (const k of await store.issuerKeyRows())
          out(
            `${k.keyId}\t${k.validFrom} → ${k.validUntil}\t${k.publicKey}${k.revokedAt ? `\trevoked ${k.revokedAt}${k.revokeReason ? ` (${k.revokeReason})` : ''}` : ''}`,
          );
        break;
      case 'campaign create': {
        const file = need(sub === 'create' ? rest[0] : undefined, 'a campaign file');
        const text = fs.readFileSync(file, 'utf8');
        const data: unknown = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
        const c = await program.createCampaign(data);
        out(
          `campaign ${c.id} 「${c.names.zh}」 created (${c.kind}, ${c.eligibleCategories.join(', ')}; eligibility by ${c.eligibility === 'apl' ? "the program's list (apl)" : "the shop's categories (shop)"})`,
        );
        break;
      }
      case 'campaign list':
        for (const c of await store.listCampaigns())
          out(`${c.id}\t${c.kind}\t${c.eligibility}\t${c.validFrom} → ${c.validUntil}\t${c.names.zh} / ${c.names.en}`);
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
        await writeVoucherFiles(store, vouchers, outFile, values.cards, values);
        out(`${vouchers.length} vouchers issued → ${outFile}${values.cards ? ` and ${values.cards}` : ''}`);
        out('these are the only copies of the tokens: hand them over, then delete them; publish a manifest if the campaign is new');
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
      case 'vouchers reissue': {
        const outFile = need(values.out, '--out');
        const ids = sub === 'reissue' ? rest : [];
        const r = await program.reissue({
          ...(values.key !== undefined ? { keyId: int(values.key, '--key') } : { voucherIds: ids }),
          ...(values.reason !== undefined ? { reason: values.reason } : {}),
        });
        await writeVoucherFiles(store, r.issued, outFile, values.cards, values);
        out(`${r.issued.length} vouchers re-issued → ${outFile}${values.cards ? ` and ${values.cards}` : ''}; the old ones are revoked`);
        for (const [why, n] of skippedCounts(r)) out(`not re-issued (${why}): ${n}`);
        if (r.issued.length) out('publish a manifest so tills learn of it: npm run program -- manifest publish');
        break;
      }
      case 'manifest publish': {
        const m = await program.publishManifest();
        const file = values.out ?? path.join(home, 'manifest.json');
        writePrivateFile(file, JSON.stringify({ manifest: m.manifest, signature: m.signature }, null, 2));
        out(`manifest version ${m.version} signed → ${file}`);
        break;
      }
      case 'cards': {
        const outFile = need(values.out, '--out');
        if (values.campaign !== undefined)
          throw new ProgramError(
            'the program keeps no voucher tokens: print cards from the CSV written at issue (--in), or re-issue: vouchers reissue … --cards FILE.pdf',
          );
        const cards = readCardsCsv(need(values.in, '--in'), await campaignMap(store));
        await writeCardsPdf(outFile, cards, { ...(values.font ? { font: values.font } : {}), ...(values.tz ? { tz: values.tz } : {}) });
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
      case 'recovery-code': {
        const code = await createRecoveryCode(store, need(values.device, '--device'), int(values.hours ?? '24', '--hours'));
        out(`recovery code for till ${values.device}: ${code} (one use, ${values.hours ?? 24} hours)`);
        out("on the replacement PC: restore the till's backup (npm start -- --restore FILE), sign in as the owner, enroll with this code");
        break;
      }
      case 'enroll-code': {
        const code = await createEnrollmentCode(store, need(values.merchant, '--merchant'), int(values.hours ?? '72', '--hours'));
        out(`enrollment code for ${values.merchant}: ${code} (one use, ${values.hours ?? 72} hours)`);
        out('the part after "." is this program\'s fingerprint: the till enrolls only with a server holding this program\'s key');
        break;
      }
      case 'records held': {
        const held = await listHeld(store);
        for (const r of held)
          out(
            `${r.recordId}\t${r.merchantId}\t#${r.seq}\t${r.type}\t${r.time}\t${formatYuan(r.amountFen)}\t${r.reason ?? ''}\treceived ${r.receivedAt}`,
          );
        if (held.length === 0) out('no records are held for review');
        break;
      }
      case 'records accept':
      case 'records reject': {
        const id = need(rest[0], 'a record id');
        const n = await reviewHeld(store, id, sub === 'accept' ? 'accept' : 'reject');
        out(`${id} ${sub === 'accept' ? 'accepted' : 'rejected'} (${n} record${n === 1 ? '' : 's'}); the till sees it at its next sync`);
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
        const server = await startProgramServer({
          store,
          port: int(values.port ?? '8400', '--port'),
          host: values.host ?? '127.0.0.1',
          replyKey: await program.replyKey(),
          maxConcurrentIntakes: int(values['max-intakes'] ?? process.env.CARETILL_MAX_INTAKES ?? '4', '--max-intakes'),
          maxQueuedIntakes: int(values['intake-queue'] ?? '256', '--intake-queue'),
          maxIntakeWaitMs: int(values['intake-wait-ms'] ?? '4000', '--intake-wait-ms'),
          retryAfterSeconds: int(values['retry-after'] ?? '5', '--retry-after'),
        });
        out(`CareTill program server listening on ${server.url} (Ctrl+C to stop)`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
        break;
      }
      default:
        // The approved product list, proposals and the campaign report (issue 11).
        if (await runListCommand(command, sub, rest, values, program, store, out)) break;
        throw new ProgramError(`unknown command "${positionals.join(' ')}"\n\n${USAGE}`);
    }
  } finally {
    await store.close();
  }
}

async function campaignMap(store: ProgramStore) {
  return new Map((await store.listCampaigns()).map((c) => [c.id, c]));
}

/** The CSV (always) and the cards (when asked) of vouchers just issued: the only copies of their tokens. */
async function writeVoucherFiles(
  store: ProgramStore,
  vouchers: IssuedVoucher[],
  csvFile: string,
  cardsFile: string | undefined,
  o: { font?: string; tz?: string },
): Promise<void> {
  writeVoucherCsv(csvFile, vouchers);
  if (cardsFile)
    await writeCardsPdf(cardsFile, cardsOf(vouchers, await campaignMap(store)), {
      ...(o.font ? { font: o.font } : {}),
      ...(o.tz ? { tz: o.tz } : {}),
    });
}

function skippedCounts(r: ReissueResult): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of r.skipped) m.set(s.why, (m.get(s.why) ?? 0) + 1);
  return m;
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

/** An instant with its offset, as the operator API takes it: 2026-12-31T23:59:59+08:00. */
function date(v: string, what: string): Date {
  if (!instantSchema.safeParse(v).success) throw new ProgramError(`${what} must be a date like 2026-12-31T23:59:59+08:00`);
  return new Date(v);
}

const isMain = process.argv[1] !== undefined && /cli[/\\]main\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  runCli(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`error: ${e instanceof ProgramError || e instanceof ServerError || e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
