import * as XLSX from '@e965/xlsx';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APL_FORMAT, type AplDocument, type AplEntry } from '../../src/shared/apl/apl';
import { runCli } from '../../src/server/cli/main';
import { readAplFile } from '../../src/server/program/aplImport';
import { openProgramStore } from '../../src/server/store/programStore';
import { createMerchant } from '../../src/server/sync/enrollment';
import { generateKeyPair } from '../../src/trust/ed25519';
import { applyApl, parseAplDocument, signApl, signShopList, verifySignedApl, verifySignedShopList } from '../../src/trust/trustedApl';
import { csvText, ean13, encodeText, xlsBytes, xlsxBytes, type Aoa } from '../helpers/productFiles';
import { tempDir } from '../helpers/tmp';

const F1 = ean13('690275400101'); // formula
const D1 = ean13('690275400201'); // diapers
const C1 = ean13('690275400301'); // clothing
/** A UPC-A (12 digits, leading 0) and the same code with its zero lost, as Excel leaves it. */
const UPC = '036000291452';
const UPC_LOST = '36000291452';

/** An operator's list with one bad row of every kind. */
function listFile(numbers: boolean): Aoa {
  const code = (d: string) => (numbers ? Number(d) : d);
  return [
    ['关爱基金会 认可商品清单', null, null, null, null], // a merged title row above the titles
    ['商品条码', '分类', '最高单价(元)', '生效日期', '失效日期'],
    [code(F1), '婴幼儿奶粉', '300', '2026-01-01', '2026-12-31'],
    [code(D1), 'diapers', '', '', ''],
    [code(C1), '婴童服装鞋帽', '1,000.00', '2026/3/1', ''],
    [`0${UPC}`, 'Books', '', '', ''], // a UPC-A written as its EAN-13 (text keeps the zero)
    ['6902754001012', '婴幼儿奶粉', '', '', ''], // bad check digit
    ['6.90275E+12', '纸尿裤', '', '', ''], // Excel's display of a number: digits lost
    [UPC_LOST, '图书', '', '', ''], // leading zero lost
    [code(F1), '纸尿裤', '', '', ''], // duplicate
    [ean13('690275400401'), '婴儿用品', '', '', ''], // unknown category
    [ean13('690275409901'), '烟草', '', '', ''], // never eligible
    [ean13('690275400501'), '玩具', '面议', '', ''], // bad price
    [ean13('690275400601'), '玩具', '', '2026-13-01', ''], // bad date
    [ean13('690275400701'), '', '', '', ''], // blank category
    ['', '', '', '', ''], // trailing empty rows
    ['', '', '', '', ''],
  ];
}

const EXPECT_ERRORS = [
  { row: 7, code: 'barcode_check_digit' },
  { row: 8, code: 'barcode_scientific' },
  { row: 9, code: 'barcode_leading_zero' },
  { row: 10, code: 'duplicate' },
  { row: 11, code: 'category_unknown' },
  { row: 12, code: 'category_never_eligible' },
  { row: 13, code: 'price_bad' },
  { row: 14, code: 'date_bad' },
  { row: 15, code: 'category_blank' },
];

describe('APL import', () => {
  const check = (bytes: Uint8Array, name: string) => {
    const r = readAplFile(bytes, name);
    expect(r.headerRow).toBe(2);
    expect(r.entries.map((e) => [e.barcode, e.category, e.maxUnitPriceFen])).toEqual([
      [F1, 'infant_formula', 30000],
      [D1, 'diapers', null],
      [C1, 'baby_clothing', 100000],
      [`0${UPC}`, 'books', null],
    ]);
    expect(r.entries[0]!.validFrom).toBe('2026-01-01T00:00:00+08:00');
    expect(r.entries[0]!.validUntil).toBe('2026-12-31T23:59:59+08:00');
    expect(r.entries[2]!.validFrom).toBe('2026-03-01T00:00:00+08:00');
    expect(r.errors.map((e) => ({ row: e.row, code: e.reasons[0]!.code }))).toEqual(EXPECT_ERRORS);
    return r;
  };

  it('reads an .xlsx with barcodes typed as numbers, and an .xls', () => {
    const aoa = listFile(true);
    check(xlsxBytes(aoa, { merges: ['A1:E1'] }), 'list.xlsx');
    check(xlsBytes(aoa, { merges: ['A1:E1'] }), 'list.xls');
  });

  it('reads a CSV in UTF-8 with BOM and in GBK, with CRLF and quoted commas', () => {
    const text = csvText(listFile(false), 2);
    expect(text).toContain('"1,000.00"');
    expect(text).toContain('\r\n');
    check(encodeText(text, 'utf8bom'), 'list.csv');
    const gbk = check(encodeText(text, 'gbk'), 'list.csv');
    expect(gbk.encoding).toBe('gb18030');
    check(encodeText(text, 'gb18030'), 'list.csv');
  });

  it('takes English titles and an Excel date cell', () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ['Barcode', 'Category', 'Max price', 'Valid from', 'Valid until'],
      [F1, 'infant_formula', 12.5, 46023, null],
    ]);
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, 'APL');
    const r = readAplFile(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer, 'apl.xlsx');
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([
      { barcode: F1, category: 'infant_formula', maxUnitPriceFen: 1250, validFrom: '2026-01-01T00:00:00+08:00', validUntil: null },
    ]);
  });

  it('the demo list covers the sample catalogue’s baby goods but the walking shoes', () => {
    const dir = path.resolve(import.meta.dirname, '../../resources/sample');
    const r = readAplFile(fs.readFileSync(path.join(dir, 'apl-demo.csv')), 'apl-demo.csv');
    expect(r.errors).toEqual([]);
    const listed = new Set(r.entries.map((e) => e.barcode));
    const catalogue = JSON.parse(fs.readFileSync(path.join(dir, 'catalog-demo.json'), 'utf8')) as {
      items: Array<{ name: string; category: string; barcodes: string[] }>;
    };
    const baby = catalogue.items.filter((i) => ['infant_formula', 'diapers', 'baby_clothing', 'baby_care'].includes(i.category));
    expect(baby.filter((i) => !listed.has(i.barcodes[0]!)).map((i) => i.name)).toEqual(['婴儿学步鞋']);
    for (const e of r.entries) expect(catalogue.items.find((i) => i.barcodes.includes(e.barcode))?.category).toBe(e.category);
  });

  describe('through the CLI', () => {
    const t = tempDir('caretill-apl-cli-');
    const home = path.join(t.dir, 'home');
    const out: string[] = [];
    const cli = (...args: string[]) => runCli([...args, '--home', home], (s) => out.push(s));
    afterAll(() => t.cleanup());

    it('imports the good rows as a signed version, lists the bad ones, and makes deltas', async () => {
      await cli('init', '--id', 'APL-TEST', '--name-zh', '测试', '--name-en', 'Test');
      const file = path.join(t.dir, 'apl.csv');
      fs.writeFileSync(file, encodeText(csvText(listFile(false)), 'gbk'));
      const errors = path.join(t.dir, 'errors.csv');
      await cli('apl', 'import', file, '--errors', errors);
      expect(out.join('\n')).toContain('4 good, 9 refused');
      expect(out.join('\n')).toMatch(/APL version 1 signed: 4 entries/);
      const csv = fs.readFileSync(errors, 'utf8');
      expect(csv.startsWith('\ufeff')).toBe(true);
      for (const e of EXPECT_ERRORS) expect(csv).toMatch(new RegExp(`\\r\\n${e.row},[^\\r]*${e.code}`));
      // The same file again changes nothing; a changed file makes version 2 with a delta from 1.
      out.length = 0;
      await cli('apl', 'import', file);
      expect(out.join('\n')).toContain('nothing published');
      fs.writeFileSync(
        file,
        csvText([
          ['条码', '分类'],
          [F1, '纸尿裤'],
          [D1, '纸尿裤'],
          [ean13('978754481205'), '图书'],
        ]),
      );
      out.length = 0;
      await cli('apl', 'import', file);
      expect(out.join('\n')).toMatch(/APL version 2 signed: 3 entries \(2 new or changed, 2 removed\); deltas from 1/);
      out.length = 0;
      await cli('apl', 'list');
      expect(out).toHaveLength(2);
      out.length = 0;
      await cli('apl', 'show', F1);
      expect(out[0]).toMatch(/versions 1–1\tinfant_formula\t≤ /);
      expect(out[1]).toMatch(/versions 2–now\tdiapers\tno price cap/);
    });

    it('decides proposals and writes the campaign report from the command line', async () => {
      await cli('campaign', 'create', path.resolve(import.meta.dirname, '../../resources/sample/campaign-baby.yaml'));
      expect(out.at(-1)).toContain("eligibility by the program's list (apl)");
      const store = await openProgramStore(home, undefined);
      const id = crypto.randomUUID();
      try {
        await createMerchant(store, 'M1', '爱心理发店');
        await store.sql.run(
          `INSERT INTO proposals (proposal_id, merchant_id, device_id, barcode, name, price_fen, category, unit, note, proposed_at, received_at, status)
           VALUES (?, 'M1', 'd1', NULL, '儿童理发', 2000, 'haircut', NULL, NULL, ?, ?, 'pending')`,
          [id, new Date().toISOString(), new Date().toISOString()],
        );
      } finally {
        await store.close();
      }
      out.length = 0;
      await cli('proposals', 'list', '--status', 'pending');
      expect(out).toHaveLength(1);
      expect(out[0]).toContain('儿童理发');
      await expect(cli('proposals', 'refuse', id)).rejects.toThrow(/--reason/);
      await cli('proposals', 'approve', id, '--price', '25');
      expect(out.at(-1)).toMatch(/approved as haircut at .*25\.00; M1's shop list is now version 1/);
      await cli('proposals', 'refuse', id, '--reason', '服务已停');
      expect(out.at(-1)).toMatch(/refused; M1's shop list is now version 2/);
      const report = path.join(t.dir, 'report.xlsx');
      await cli('report', 'campaign', '1', '--out', report);
      expect(XLSX.read(fs.readFileSync(report)).SheetNames).toHaveLength(4);
    });

    it('refuses a file without a title row, and one without a good row, changing nothing', async () => {
      const file = path.join(t.dir, 'bad.csv');
      fs.writeFileSync(file, 'a,b\r\n1,2\r\n');
      await expect(cli('apl', 'import', file)).rejects.toThrow(/no title row/);
      fs.writeFileSync(file, `条码,分类\r\n6902754001012,纸尿裤\r\n`);
      await expect(cli('apl', 'import', file)).rejects.toThrow(/no good rows/);
      out.length = 0;
      await cli('apl', 'list');
      expect(out).toHaveLength(2);
    });
  });
});

describe('APL and shop list trust', () => {
  const root = generateKeyPair();
  const other = generateKeyPair();
  const entries = (n: number, category: AplEntry['category'] = 'diapers'): AplEntry[] =>
    Array.from({ length: n }, (_, i) => ({
      barcode: ean13(`69${String(i).padStart(10, '0')}`),
      category,
      maxUnitPriceFen: i % 3 === 0 ? 10_000 : null,
      validFrom: null,
      validUntil: i % 5 === 0 ? '2027-01-01T00:00:00+08:00' : null,
    }));
  const doc = (version: number, base: number | null, upserts: AplEntry[], removals: string[] = []): AplDocument => ({
    format: APL_FORMAT,
    programId: 'P',
    version,
    base,
    issuedAt: new Date().toISOString(),
    upserts,
    removals,
  });

  it('installs a whole list, then a delta on exactly its base; refuses older, unsigned, forged and wrong-base lists', () => {
    const v1 = signApl(root.privateKey, doc(1, null, entries(10)));
    const ok1 = verifySignedApl(v1, root.publicKey, null, { programId: 'P' });
    expect(ok1.ok).toBe(true);
    const installed = applyApl(null, ok1.ok ? ok1.value : (null as never));
    expect(installed.size).toBe(10);
    const changed = { ...entries(10)[0]!, category: 'baby_care' as const };
    const removed = entries(10)[1]!.barcode;
    const d2 = signApl(root.privateKey, doc(2, 1, [changed], [removed]));
    const ok2 = verifySignedApl(d2, root.publicKey, { version: 1 });
    expect(ok2.ok).toBe(true);
    const after = applyApl(installed, ok2.ok ? ok2.value : (null as never));
    expect(after.size).toBe(9);
    expect(after.get(changed.barcode)?.category).toBe('baby_care');
    expect(after.has(removed)).toBe(false);
    expect(installed.size).toBe(10); // the installed map is not changed in place

    const refusal = (signed: unknown, installedVersion: number | null, programId?: string) => {
      const r = verifySignedApl(signed, root.publicKey, installedVersion === null ? null : { version: installedVersion }, {
        ...(programId ? { programId } : {}),
      });
      return r.ok ? 'ok' : r.refusal;
    };
    expect(refusal(v1, 2)).toBe('not_newer'); // rollback to an older list
    expect(refusal(v1, 1)).toBe('not_newer'); // the same again
    expect(refusal(d2, null)).toBe('wrong_base');
    expect(refusal(signApl(root.privateKey, doc(3, 1, [])), 2)).toBe('wrong_base');
    expect(refusal({ document: v1.document }, null)).toBe('bad_envelope'); // unsigned
    expect(refusal(signApl(other.privateKey, doc(1, null, entries(2))), null)).toBe('bad_signature');
    expect(refusal({ ...v1, document: v1.document.replace('"diapers"', '"tobacco"') }, null)).toBe('bad_signature');
    expect(refusal(v1, null, 'Q')).toBe('wrong_program');
    const bad = doc(1, null, entries(1));
    (bad.upserts[0] as { category: string }).category = 'tobacco';
    expect(refusal(signApl(root.privateKey, bad), null)).toBe('malformed');
    expect(parseAplDocument('{"format":"caretill-apl/1"}').ok).toBe(false);
  });

  it('verifies and parses 200,000 entries quickly', () => {
    const signed = signApl(root.privateKey, doc(1, null, entries(200_000)));
    const t0 = performance.now();
    const r = verifySignedApl(signed, root.publicKey, null);
    const ms = performance.now() - t0;
    expect(r.ok && r.value.upserts.length).toBe(200_000);
    // The bench measures it (apl_install_200k_s); here only a generous bound against a slow path.
    expect(ms).toBeLessThan(3000);
  });

  it('a shop list verifies with a named server key, for its merchant, newer than the installed one', () => {
    const server = generateKeyPair();
    const keys = new Map([[7, server.publicKey]]);
    const list = {
      format: 'caretill-shop-list/1' as const,
      programId: 'P',
      merchantId: 'M1',
      version: 2,
      issuedAt: new Date().toISOString(),
      entries: [
        {
          proposalId: '0d6f3c52-3c54-4a0e-9d7e-2f7b8f4f7c11',
          barcode: null,
          name: '儿童理发',
          priceFen: 2000,
          category: 'haircut' as const,
          validFrom: null,
          validUntil: null,
        },
      ],
    };
    const signed = signShopList({ keyId: 7, privateKey: server.privateKey }, list);
    const v = (s: unknown, merchant = 'M1', installed = 0) => {
      const r = verifySignedShopList(s, keys, merchant, installed);
      return r.ok ? r.value.entries.length : r.refusal;
    };
    expect(v(signed)).toBe(1);
    expect(v(signed, 'M2')).toBe('wrong_merchant');
    expect(v(signed, 'M1', 2)).toBe('not_newer');
    expect(v({ ...signed, keyId: 8 })).toBe('unknown_key');
    expect(v(signShopList({ keyId: 7, privateKey: other.privateKey }, list))).toBe('bad_signature');
  });
});
