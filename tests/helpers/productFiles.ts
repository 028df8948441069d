import * as XLSX from '@e965/xlsx';
import iconv from 'iconv-lite';
import { gs1CheckDigit } from '../../src/shared/domain/barcode';

/**
 * Product lists as shops' software writes them, made with the libraries that write such files:
 * SheetJS for .xlsx, .xls (BIFF8) and Excel-style CSV (numbers as displayed: 6.90123E+12),
 * iconv-lite for GBK and GB18030 text.
 */

export type Cell = string | number | null;
export type Aoa = Cell[][];

/** A valid EAN-13 from its first 12 digits. */
export const ean13 = (first12: string): string => first12 + String(gs1CheckDigit(first12));

function sheet(aoa: Aoa, merges: string[] = []): XLSX.WorkSheet {
  const ws = XLSX.utils.aoa_to_sheet(aoa.map((r) => r.map((c) => (c === null ? undefined : c))));
  if (merges.length) ws['!merges'] = merges.map((m) => XLSX.utils.decode_range(m));
  return ws;
}

export interface BookOptions {
  merges?: string[];
  sheetName?: string;
  /** Sheets before the product list (a notes page). */
  before?: Array<{ name: string; aoa: Aoa }>;
}

function book(aoa: Aoa, o: BookOptions = {}): XLSX.WorkBook {
  const wb = XLSX.utils.book_new();
  for (const b of o.before ?? []) XLSX.utils.book_append_sheet(wb, sheet(b.aoa), b.name);
  XLSX.utils.book_append_sheet(wb, sheet(aoa, o.merges), o.sheetName ?? '商品');
  return wb;
}

export const xlsxBytes = (aoa: Aoa, o?: BookOptions): Buffer =>
  XLSX.write(book(aoa, o), { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;

/** Excel 97-2003 (.xls, BIFF8). */
export const xlsBytes = (aoa: Aoa, o?: BookOptions): Buffer => XLSX.write(book(aoa, o), { type: 'buffer', bookType: 'biff8' }) as Buffer;

/**
 * CSV as Excel saves it: CRLF, fields with commas, quotes or line breaks quoted, numbers as they
 * were displayed (a 13-digit barcode typed as a number becomes 6.90123E+12).
 */
export function csvText(aoa: Aoa, trailingEmptyLines = 0): string {
  return XLSX.utils.sheet_to_csv(sheet(aoa), { RS: '\r\n' }) + '\r\n'.repeat(trailingEmptyLines + 1);
}

export type TextEncoding = 'utf8' | 'utf8bom' | 'gbk' | 'gb18030' | 'utf16le';

export function encodeText(text: string, enc: TextEncoding): Buffer {
  switch (enc) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    default:
      return iconv.encode(text, enc);
  }
}

export const fileArg = (fileName: string, bytes: Buffer) => ({ fileName, base64: bytes.toString('base64') });

/** Demo catalogue barcodes (resources/sample/catalog-demo.json): rows with these update, not create. */
export const DEMO_FORMULA = '6902754001019';

/**
 * A mother-and-baby shop's list with everything shops' real files have: a merged title row, Chinese
 * titles with units, a quoted comma and a line break, bad check digits, blank and malformed prices,
 * an unmapped category, a barcode Excel turned into 6.90123E+12, a UPC that lost its leading zero,
 * a duplicate, full-width digits, a thousands separator, a service without barcode, trailing empty rows.
 * `numbers`: barcodes typed as numbers (as in an .xlsx); text otherwise (a CSV keeps what was displayed).
 */
export function shopList(numbers: boolean): { aoa: Aoa; merges: string[] } {
  const code = (digits: string): Cell => (numbers ? Number(digits) : digits);
  const aoa: Aoa = [
    ['爱心母婴店 商品清单（2026年11月）', null, null, null, null, null],
    ['条码', '商品名称', '规格', '单位', '零售价(元)', '商品分类'],
    [code(DEMO_FORMULA), '飞鹤星飞帆婴儿配方奶粉1段', '800g', '罐', 258, '奶粉'], // 3: update
    ['6901234567892', '婴儿湿巾, 无香型', '80抽', '包', '￥12.50', '婴童洗护用品'], // 4: create, quoted comma
    ['6901234567893', '宝宝洗发水', '', '瓶', '25', '婴童洗护用品'], // 5: check digit
    ['6.90123E+12', '奶瓶', '240ml', '个', 39, '喂养用品'], // 6: unrecoverable + unmapped category
    [code('36000291452'), '面巾纸', '3层', '包', '１２．８０', '日用品'], // 7: lost zero restored, full-width
    ['', '上门理发', '', '次', '20', '理发'], // 8: a service, no barcode
    ['6901234567892', '婴儿湿巾 重复', '', '包', '13', '婴童洗护用品'], // 9: duplicate of row 4
    [ean13('690000000001'), '奶粉勺', '', '个', '', '奶粉'], // 10: blank price
    [ean13('690000000002'), '多行\n名称', '', '', '1,234.00', '玩具'], // 11: line break, thousands
    [ean13('690000000003'), '促销品', '', '个', '面议', '玩具'], // 12: not a price
    [ean13('690000000004'), '', '', '个', '5', '玩具'], // 13: no name
    ['', '', '', '', '', ''],
    ['', '', '', '', '', ''],
  ];
  return { aoa, merges: ['A1:F1'] };
}

/** Row number → the issue codes the shop list above must give. */
export const SHOP_LIST_ERRORS: Record<number, string[]> = {
  5: ['barcode_check_digit'],
  6: ['barcode_scientific', 'category_unknown'],
  9: ['duplicate_in_file'],
  10: ['price_blank'],
  12: ['price_malformed'],
  13: ['name_blank'],
};

/** A list of `n` goods with valid EAN-13 barcodes (the bench's 20,000 rows). */
export function bigList(n: number, start = 0): Aoa {
  const aoa: Aoa = [['条码', '商品名称', '规格', '单位', '售价', '分类']];
  const cats = ['奶粉', '纸尿裤', '童装', '玩具', '图书', '文具', '日用品', '粮油'];
  for (let i = start; i < start + n; i++) {
    aoa.push([
      ean13(`69${String(1_000_000_000 + i).slice(-10)}`),
      `测试商品 婴儿用品 ${i}`,
      `${(i % 9) + 1}00g`,
      '件',
      ((i % 500) + 1) / 2,
      cats[i % cats.length]!,
    ]);
  }
  return aoa;
}
