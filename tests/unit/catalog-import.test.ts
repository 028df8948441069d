import * as XLSX from '@e965/xlsx';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/core/catalog/catalog';
import { checkBarcodeCell, parsePriceCell } from '../../src/core/catalog/importRows';
import type { PosApi } from '../../src/shared/api/client';
import type { ImportPreview } from '../../src/shared/api/schemas/catalogImport';
import { direct, overHttp, type Harness } from '../helpers/clients';
import {
  bigList,
  csvText,
  DEMO_FORMULA,
  ean13,
  encodeText,
  fileArg,
  SHOP_LIST_ERRORS,
  shopList,
  xlsBytes,
  xlsxBytes,
  type Aoa,
} from '../helpers/productFiles';
import { code, value } from '../helpers/results';
import { seedTill } from '../helpers/seed';

const errorsByRow = (p: { errors: ImportPreview['errors'] }) =>
  Object.fromEntries(p.errors.map((e) => [e.row, e.reasons.map((r) => r.code)]));

describe('reading a cell the way shops write it', () => {
  it('restores a barcode that lost its leading zero only when the check digit proves it', () => {
    expect(checkBarcodeCell('36000291452')).toMatchObject({ ok: true, code: '0036000291452', note: { code: 'leading_zero_restored' } });
    expect(checkBarcodeCell('6901234567892')).toEqual({ ok: true, code: '6901234567892' });
    expect(checkBarcodeCell('6901234567893')).toMatchObject({ ok: false, code: 'barcode_check_digit' });
    // 11 digits that no zero makes valid: the shop's own numeric code, kept as it is.
    expect(checkBarcodeCell('12345678901')).toEqual({ ok: true, code: '12345678901' });
  });

  it('says a barcode Excel turned into 6.90123E+12 is lost, and reads one that kept every digit', () => {
    expect(checkBarcodeCell('6.90123E+12')).toMatchObject({ ok: false, code: 'barcode_scientific' });
    expect(checkBarcodeCell('6.901234567892E+12')).toMatchObject({ ok: true, code: '6901234567892', note: { code: 'scientific_exact' } });
    expect(checkBarcodeCell("'6901234567892")).toEqual({ ok: true, code: '6901234567892' });
    expect(checkBarcodeCell('="6901234567892"')).toEqual({ ok: true, code: '6901234567892' });
    expect(checkBarcodeCell('６９０１２３４５６７８９２')).toEqual({ ok: true, code: '6901234567892' });
    expect(checkBarcodeCell('6901234567892.0')).toEqual({ ok: true, code: '6901234567892' });
  });

  it('reads prices with ￥, 元, commas and full-width digits, and refuses what is not an amount', () => {
    const fen = (t: string) => {
      const p = parsePriceCell(t);
      return p.ok ? p.fen : p.code;
    };
    expect([fen('￥12.50'), fen('¥1,234.00'), fen('12.5元'), fen('１２．８０'), fen('RMB 3'), fen('.5'), fen('0')]).toEqual([
      1250, 123400, 1250, 1280, 300, 50, 0,
    ]);
    expect([fen(''), fen('面议'), fen('12.345'), fen('-3'), fen('12,5'), fen('99999999')]).toEqual([
      'price_blank',
      'price_malformed',
      'price_malformed',
      'price_negative',
      'price_malformed',
      'price_too_large',
    ]);
  });
});

describe.each([direct, overHttp])('importing the shop’s product list via $name', (factory) => {
  let h: Harness;
  let api: PosApi;
  let seed: ReturnType<typeof seedTill>;
  beforeEach(async () => {
    h = await factory.make();
    api = h.api;
    seed = seedTill(h.services);
    h.useSession(seed.ownerSession);
  });
  afterEach(async () => h.close());

  const xlsxShopFile = () => {
    const { aoa, merges } = shopList(true);
    return fileArg('商品清单.xlsx', xlsxBytes(aoa, { merges }));
  };

  it('an Excel file with a merged title, Chinese titles and barcodes typed as numbers gets one verdict per row', async () => {
    const p = value(await api.previewImport({ file: xlsxShopFile() }));
    expect(p).toMatchObject({ format: 'xlsx', headerRow: 2, missingFields: [], mappingSource: 'matched' });
    expect(p.mapping).toEqual({ barcode: 0, name: 1, price: 4, category: 5, unit: 3, spec: 2 });
    expect(errorsByRow(p)).toEqual(SHOP_LIST_ERRORS);
    expect(p.totals).toEqual({ rows: 11, creates: 4, updates: 1, errors: 6, blank: 2 });
    expect(p.updates).toEqual([expect.objectContaining({ row: 3, barcode: DEMO_FORMULA, oldPriceFen: 26800, priceFen: 25800 })]);
    expect(p.notes).toEqual([
      expect.objectContaining({ row: 7, code: 'leading_zero_restored', params: { from: '36000291452', to: '0036000291452' } }),
    ]);
    expect(p.categories.find((c) => c.label === '喂养用品')).toEqual({ label: '喂养用品', rows: 1, category: null, source: null });
    expect(p.categories.find((c) => c.label === '奶粉')).toMatchObject({ category: 'infant_formula', source: 'synonym' });
    // Nothing changes before the owner imports.
    expect(code(await api.lookupBarcode({ code: '6901234567892' }))).toBe('unknown_barcode');
  });

  it('imports the good rows in one go, skips and lists the bad ones, and updates what the shop already had', async () => {
    const before = h.services.catalog.count();
    const r = value(await api.commitImport({ file: xlsxShopFile() }));
    expect(r).toMatchObject({ created: 4, updated: 1, skipped: 6 });
    expect(r.errors.map((e) => e.row)).toEqual([5, 6, 9, 10, 12, 13]);
    expect(h.services.catalog.count()).toBe(before + 4);
    expect(value(await api.lookupBarcode({ code: DEMO_FORMULA })).priceFen).toBe(25800);
    expect(value(await api.lookupBarcode({ code: '6901234567892' }))).toMatchObject({
      name: '婴儿湿巾, 无香型',
      priceFen: 1250,
      category: 'baby_care',
    });
    expect(value(await api.lookupBarcode({ code: '036000291452' }))).toMatchObject({
      name: '面巾纸',
      priceFen: 1280,
      category: 'daily_necessities',
    });
    const listed = value(await api.listProducts({ query: '多行' }));
    expect(listed.rows).toEqual([expect.objectContaining({ name: '多行 名称', priceFen: 123400, unit: '个', category: 'toys' })]);
    const service = value(await api.listProducts({ query: '上门理发' })).rows[0]!;
    expect(service).toMatchObject({ barcodes: [], category: 'haircut', eligibility: { state: 'not_listed' } });
    // The same file again changes the same items: a service without barcode is matched by its name.
    const again = value(await api.commitImport({ file: xlsxShopFile() }));
    expect(again).toMatchObject({ created: 0, updated: 5, skipped: 6 });
  });

  it('an unmapped category is fixed by mapping it, and the mapping and the columns are remembered next time', async () => {
    const file = xlsxShopFile();
    const fixed = value(await api.previewImport({ file, categoryMap: { 喂养用品: 'baby_care' } }));
    expect(errorsByRow(fixed)[6]).toEqual(['barcode_scientific']);
    expect(fixed.categories.find((c) => c.label === '喂养用品')).toMatchObject({ category: 'baby_care', source: 'owner' });
    value(await api.commitImport({ file, categoryMap: { 喂养用品: 'baby_care' } }));
    // Next file, columns in another order, a title the matcher does not know for the price: remembered titles do it.
    const next: Aoa = [
      ['单价(元)', '品名', '条码', '分类'],
      [15, '奶瓶刷', ean13('690000000010'), '喂养用品'],
    ];
    const p1 = value(await api.previewImport({ file: fileArg('next.xlsx', xlsxBytes(next)) }));
    expect(p1.mapping).toMatchObject({ price: 0, name: 1, barcode: 2, category: 3 });
    expect(p1.categories).toEqual([expect.objectContaining({ label: '喂养用品', category: 'baby_care', source: 'owner' })]);
    expect(p1.totals.errors).toBe(0);
  });

  it('a price column nobody can name is mapped by hand, and that mapping is remembered', async () => {
    const aoa: Aoa = [
      ['条码', '商品名称', '销售金额', '类别'],
      [ean13('690000000020'), '儿童牙刷', '8.8', '日用品'],
      [ean13('690000000021'), '儿童牙膏', '12', '日用品'],
    ];
    const file = fileArg('list.xlsx', xlsxBytes(aoa));
    const p = value(await api.previewImport({ file }));
    expect(p.missingFields).toEqual(['price']);
    expect(p.totals.rows).toBe(0);
    expect(code(await api.commitImport({ file }))).toBe('import_columns_missing');
    const mapping = { ...p.mapping, price: 2 };
    expect(value(await api.previewImport({ file, mapping })).totals).toMatchObject({ creates: 2, errors: 0 });
    expect(value(await api.commitImport({ file, mapping })).created).toBe(2);
    expect(value(await api.previewImport({ file })).mapping.price).toBe(2);
  });

  it('carries a product list larger than the host’s usual 1 MB limit', async () => {
    const bytes = Buffer.from(csvText(bigList(18_000)), 'utf8');
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const r = value(await api.commitImport({ file: fileArg('big.csv', bytes) }));
    expect(r).toMatchObject({ created: 18_000, skipped: 0 });
    expect(value(await api.listProducts({ query: '测试商品 婴儿用品 17999' })).total).toBe(1);
  });

  it('only the owner may import or export', async () => {
    h.useSession(seed.cashierSession());
    expect(code(await api.previewImport({ file: xlsxShopFile() }))).toBe('forbidden');
    expect(code(await api.exportCatalog({ format: 'csv' }))).toBe('forbidden');
    expect(code(await api.listProducts({}))).toBe('forbidden');
  });
});

describe('files in every shape and encoding', () => {
  let h: Harness;
  let api: PosApi;
  beforeEach(async () => {
    h = await direct.make();
    api = h.api;
    h.useSession(seedTill(h.services).ownerSession);
  });
  afterEach(async () => h.close());

  const shopCsv = () => csvText(shopList(false).aoa, 2);

  it('an .xls (Excel 97-2003) reads like the .xlsx', async () => {
    const { aoa, merges } = shopList(true);
    const p = value(await api.previewImport({ file: fileArg('商品清单.xls', xlsBytes(aoa, { merges })) }));
    expect(p).toMatchObject({ format: 'xls', headerRow: 2 });
    expect(errorsByRow(p)).toEqual(SHOP_LIST_ERRORS);
  });

  it.each(['gbk', 'gb18030', 'utf8', 'utf8bom'] as const)(
    'a CSV in %s with CRLF, quoted commas and line breaks is read right',
    async (enc) => {
      const bytes = encodeText(shopCsv(), enc);
      expect(bytes.includes(Buffer.from('\r\n'))).toBe(true);
      const p = value(await api.previewImport({ file: fileArg('商品.csv', bytes) }));
      expect(p.encoding).toBe(enc === 'gbk' || enc === 'gb18030' ? 'gb18030' : 'utf8');
      expect(p.headerRow).toBe(2);
      expect(errorsByRow(p)).toEqual(SHOP_LIST_ERRORS);
      // A CSV keeps what Excel displayed, so a barcode typed as a number would be lost; this list typed them as text.
      // 11 rows: the quoted line break in row 11 did not split it.
      expect(p.totals).toEqual({ rows: 11, creates: 4, updates: 1, errors: 6, blank: 4 });
      expect(p.sample.find((s) => s.row === 4)?.cells[1]).toBe('婴儿湿巾, 无香型');
    },
  );

  it('a GB18030 file keeps characters GBK does not have', async () => {
    const text = csvText([
      ['条码', '品名', '售价', '类别'],
      [ean13('690000000030'), '𠮷野家儿童饭团', '9', '其他'],
    ]);
    value(await api.commitImport({ file: fileArg('gb.csv', encodeText(text, 'gb18030')) }));
    expect(value(await api.lookupBarcode({ code: ean13('690000000030') })).name).toBe('𠮷野家儿童饭团');
  });

  it('the owner can override the encoding when the automatic choice is wrong', async () => {
    const file = fileArg('商品.csv', encodeText(shopCsv(), 'gbk'));
    const forced = value(await api.previewImport({ file, encoding: 'utf8' }));
    expect(forced.encoding).toBe('utf8');
    expect(forced.headerRow).toBeNull(); // the titles are garbled
    const right = value(await api.previewImport({ file, encoding: 'gb18030' }));
    expect(right.headers[1]).toBe('商品名称');
  });

  it('a CSV Excel saved from barcodes typed as numbers: the 13-digit ones are reported lost, not guessed', async () => {
    const p = value(await api.previewImport({ file: fileArg('excel.csv', encodeText(csvText(shopList(true).aoa), 'gbk')) }));
    expect(errorsByRow(p)[3]).toEqual(['barcode_scientific']);
    expect(p.notes[0]).toMatchObject({ row: 7, code: 'leading_zero_restored' });
  });

  it('Excel’s “Unicode text” (UTF-16, tab-separated) is read too', async () => {
    const tsv = '商品名称\t售价\t类别\r\n宝宝米粉\t36\t米面粮油\r\n';
    const p = value(await api.previewImport({ file: fileArg('list.txt', encodeText(tsv, 'utf16le')) }));
    expect(p).toMatchObject({ encoding: 'utf16le', totals: { creates: 1, errors: 0 } });
  });

  it('finds the product sheet behind a notes sheet, and fills a category merged down its rows', async () => {
    const aoa: Aoa = [
      ['分类', '条码', '名称', '价格'],
      ['纸尿裤', ean13('690000000040'), '纸尿裤 S', 49],
      [null, ean13('690000000041'), '纸尿裤 M', 59],
      [null, ean13('690000000042'), '纸尿裤 L', 69],
    ];
    const bytes = xlsxBytes(aoa, { merges: ['A2:A4'], before: [{ name: '说明', aoa: [['本表由收银系统导出'], ['请勿修改表头']] }] });
    const p = value(await api.previewImport({ file: fileArg('list.xlsx', bytes) }));
    expect(p).toMatchObject({ sheetName: '商品', headerRow: 1, totals: { creates: 3, errors: 0 } });
    expect(p.categories).toEqual([expect.objectContaining({ label: '纸尿裤', rows: 3, category: 'diapers', source: 'program' })]);
  });

  it('without a title row the owner names the columns', async () => {
    const text = csvText([
      [ean13('690000000050'), '宝宝袜', '15', '童装'],
      [ean13('690000000051'), '宝宝帽', '25', '童装'],
    ]);
    const file = fileArg('notitle.csv', Buffer.from(text));
    const p = value(await api.previewImport({ file }));
    expect(p).toMatchObject({ headerRow: null, headers: ['A', 'B', 'C', 'D'], missingFields: ['name', 'price'] });
    const mapped = value(
      await api.previewImport({ file, mapping: { barcode: 0, name: 1, price: 2, category: 3, unit: null, spec: null } }),
    );
    expect(mapped.totals).toMatchObject({ rows: 2, creates: 2, errors: 0 });
  });

  it('refuses an empty file, a file that is no spreadsheet, and one over 20 MB', async () => {
    expect(code(await api.previewImport({ file: fileArg('e.csv', Buffer.from('\r\n\r\n')) }))).toBe('import_empty');
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    expect(code(await api.previewImport({ file: fileArg('x.xlsx', broken) }))).toBe('import_unreadable');
    const tooBig = { fileName: 'big.csv', base64: 'A'.repeat(28 * 1024 * 1024) };
    expect(code(await api.previewImport({ file: tooBig }))).toBe('validation');
  });

  it('tells the screen how far a large import has got while it runs', async () => {
    const file = fileArg('big.xlsx', xlsxBytes(bigList(10_000)));
    const seen = new Set<string>();
    let running = true;
    const work = api.commitImport({ file }).finally(() => (running = false));
    while (running) {
      const p = value(await api.getImportProgress({}));
      if (p.stage === 'checking') expect(p.total).toBe(10_000);
      seen.add(p.stage === 'checking' && p.done > 0 ? 'rows' : p.stage);
      await new Promise((r) => setImmediate(r));
    }
    expect(value(await work).created).toBe(10_000);
    expect(seen).toContain('rows');
    expect(value(await api.getImportProgress({}))).toEqual({ stage: 'idle', done: 0, total: 0 });
  });

  it('never half-applies: a failure while saving leaves the catalogue as it was', async () => {
    const before = value(await api.listProducts({ limit: 200 }));
    h.services.db.exec(
      "CREATE TEMP TRIGGER import_boom BEFORE INSERT ON items WHEN NEW.name = '多行 名称' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const { aoa, merges } = shopList(true);
    expect(code(await api.commitImport({ file: fileArg('x.xlsx', xlsxBytes(aoa, { merges })) }))).toBe('internal');
    expect(value(await api.listProducts({ limit: 200 }))).toEqual(before);
    expect(value(await api.lookupBarcode({ code: DEMO_FORMULA })).priceFen).toBe(26800);
  });

  it('the list of skipped rows downloads as CSV with a BOM and as XLSX, with row numbers and reasons', async () => {
    const { aoa, merges } = shopList(true);
    const file = fileArg('商品清单.xlsx', xlsxBytes(aoa, { merges }));
    const csv = value(await api.exportImportErrors({ file, format: 'csv' }));
    const bytes = Buffer.from(csv.base64, 'base64');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.fileName).toBe('商品清单-问题清单.csv');
    const rows = parseCsv(bytes, { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 4)).toEqual(['行号', '问题', '条码', '商品名称']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['5', '6', '9', '10', '12', '13']);
    expect(rows[2]![1]).toContain('6.90123E+12');
    expect(rows[2]![1]).toContain('喂养用品');
    const xlsx = value(await api.exportImportErrors({ file, format: 'xlsx' }));
    const sheet = XLSX.read(Buffer.from(xlsx.base64, 'base64')).Sheets['问题清单']!;
    expect(XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1 }).length).toBe(7);
  });

  it('the catalogue exports as XLSX and CSV (UTF-8 with BOM), barcodes as text, and imports back unchanged', async () => {
    const count = h.services.catalog.count();
    for (const format of ['xlsx', 'csv'] as const) {
      const f = value(await api.exportCatalog({ format }));
      const bytes = Buffer.from(f.base64, 'base64');
      if (format === 'csv') expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      else {
        const cell = XLSX.read(bytes).Sheets[XLSX.read(bytes).SheetNames[0]!]!['A2'];
        expect(cell?.t).toBe('s');
      }
      const p = value(await api.previewImport({ file: fileArg(f.fileName, bytes) }));
      expect(p.totals).toMatchObject({ creates: 0, errors: 0 });
      expect(p.updates.every((u) => u.oldPriceFen === u.priceFen && u.oldName === u.name)).toBe(true);
      value(await api.commitImport({ file: fileArg(f.fileName, bytes) }));
      expect(h.services.catalog.count()).toBe(count);
    }
  });
});

describe('the products screen’s list, search and quick keys', () => {
  let h: Harness;
  let api: PosApi;
  beforeEach(async () => {
    h = await direct.make();
    api = h.api;
  });
  afterEach(async () => h.close());

  const setup = async (shopType?: 'mother_baby' | 'barber') => {
    const r = value(await api.setupShop({ shopName: '爱心母婴店', ownerName: '王', ownerPin: '1234', loadDemoCatalog: true, shopType }));
    h.useSession(r.session);
  };
  const quickNames = async () => value(await api.listQuickKeys({})).map((i) => i.name);

  it('searches by name, pinyin initials and barcode digits', async () => {
    await setup();
    const names = async (query: string) => value(await api.listProducts({ query })).rows.map((p) => p.name);
    expect(await names('湿巾')).toEqual(['婴儿湿巾 80抽×3包']);
    expect(await names('yesj')).toEqual(['婴儿湿巾 80抽×3包']);
    expect(await names('4004027')).toEqual(['婴儿湿巾 80抽×3包']);
    expect(value(await api.searchItems({ query: 'NF' })).map((i) => i.name)).toContain('飞鹤星飞帆婴儿配方奶粉1段 800g');
  });

  it('a retired item leaves the till and its quick keys, and can be brought back', async () => {
    await setup();
    const hair = value(await api.listProducts({ query: '儿童理发' })).rows[0]!;
    expect(value(await api.setItemRetired({ id: hair.id, retired: true }))).toMatchObject({ active: false, quickKey: false });
    expect(await quickNames()).not.toContain('儿童理发');
    expect(code(await api.lookupBarcode({ code: 'SVC-HAIR-CHILD' }))).toBe('unknown_barcode');
    expect(value(await api.listProducts({ filter: 'retired' })).rows.map((p) => p.id)).toEqual([hair.id]);
    value(await api.setItemRetired({ id: hair.id, retired: false }));
    expect(value(await api.lookupBarcode({ code: 'SVC-HAIR-CHILD' })).name).toBe('儿童理发');
  });

  it('a mother-and-baby shop gets baby goods as quick keys, a barber gets services', async () => {
    await setup('mother_baby');
    const baby = await quickNames();
    expect(baby).toEqual(expect.arrayContaining(['飞鹤星飞帆婴儿配方奶粉1段 800g', '帮宝适超薄干爽纸尿裤 M 58片', '儿童理发']));
    expect(baby).not.toContain('啤酒 500ml');
    const plan = value(await api.getQuickKeyPlan({ shopType: 'barber' }));
    expect(plan.shopType).toBe('barber');
    expect(plan.suggested.map((p) => p.category)).not.toContain('infant_formula');
    value(await api.saveQuickKeys({ shopType: 'barber', itemIds: plan.suggested.map((p) => p.id) }));
    expect(await quickNames()).toEqual(expect.arrayContaining(['儿童理发', '成人理发', '洗剪吹']));
    expect(await quickNames()).not.toContain('飞鹤星飞帆婴儿配方奶粉1段 800g');
    expect(value(await api.getQuickKeyPlan({})).shopType).toBe('barber');
  });

  it('items saved before pinyin was stored get their initials when the catalogue opens', async () => {
    await setup();
    h.services.db.exec('UPDATE items SET pinyin = NULL');
    new Catalog(h.services.db);
    expect(value(await api.listProducts({ query: 'bbs' })).rows.map((p) => p.name)).toEqual(['帮宝适超薄干爽纸尿裤 M 58片']);
  });
});
