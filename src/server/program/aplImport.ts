import type { AplEntry } from '../../shared/apl/apl';
import { CATEGORIES, ELIGIBLE_CATEGORIES, type EligibleCategory } from '../../shared/domain/categories';
import { gs1CheckDigit } from '../../shared/domain/barcode';
import { LOCALES } from '../../shared/i18n/locales';
import { translate } from '../../shared/i18n/translate';
import { checkBarcodeCell, cleanCode, parsePriceCell } from '../../shared/tabular/cells';
import { readImportFile, type SourceFormat } from '../../shared/tabular/readTable';
import { normalizeTitle } from '../../shared/tabular/titles';
import { ProgramError } from './programError';

/**
 * The operator's approved product list file (XLSX, XLS or CSV in UTF-8 or GBK/GB18030) read into
 * list entries, one verdict a row. The file is the whole new list: its good rows become the next
 * version, every bad row is reported with its row number and reasons, nothing is half-applied.
 * File decoding and cell checks are the till's own (src/shared/tabular), so both read a file alike.
 */

export type AplField = 'barcode' | 'category' | 'maxPrice' | 'validFrom' | 'validUntil';

const TITLES: Record<AplField, string[]> = {
  barcode: ['条码', '条形码', '商品条码', '商品条形码', '国际条码', '69码', 'barcode', 'ean', 'ean13', 'gtin', 'upc'],
  category: ['分类', '类别', '品类', '商品分类', '商品类别', '项目分类', 'category'],
  maxPrice: ['最高单价', '限价', '最高限价', '单价上限', '最高价', '最高价格', 'maxprice', 'maxunitprice', 'pricecap'],
  validFrom: ['生效日期', '生效时间', '起始日期', '开始日期', 'validfrom', 'from'],
  validUntil: ['失效日期', '失效时间', '截止日期', '结束日期', '到期日期', 'validuntil', 'until', 'to'],
};
const FIELD_OF = new Map<string, AplField>();
for (const [f, titles] of Object.entries(TITLES) as Array<[AplField, string[]]>) for (const t of titles) FIELD_OF.set(normalizeTitle(t), f);

export type AplRowReason =
  | 'barcode_blank'
  | 'barcode_check_digit'
  | 'barcode_scientific'
  | 'barcode_leading_zero'
  | 'barcode_format'
  | 'category_blank'
  | 'category_unknown'
  | 'category_never_eligible'
  | 'duplicate'
  | 'price_bad'
  | 'date_bad';

export interface AplRowError {
  /** The row number the operator sees in Excel (1-based). */
  row: number;
  barcode: string;
  reasons: Array<{ code: AplRowReason; detail: string }>;
}

export interface AplFileResult {
  format: SourceFormat;
  encoding: string | null;
  /** The row of titles (1-based) and which column each field came from (1-based; null: absent). */
  headerRow: number;
  columns: Record<AplField, number | null>;
  entries: AplEntry[];
  errors: AplRowError[];
  /** Data rows seen (blank rows not counted). */
  rows: number;
}

const REASON_TEXT: Record<AplRowReason, string> = {
  barcode_blank: '条码为空 (no barcode)',
  barcode_check_digit: '条码校验位错误 (bad check digit)',
  barcode_scientific: '条码被 Excel 变成科学计数法，位数已丢失 (Excel turned the barcode into a number like 6.90123E+12: digits are lost)',
  barcode_leading_zero: '条码的前导 0 丢失 (the barcode lost its leading zero: format the column as text)',
  barcode_format: '不是有效的商品条码 (not an EAN-8/UPC-A/EAN-13/GTIN-14 barcode)',
  category_blank: '分类为空 (no category)',
  category_unknown: '未知分类 (unknown category)',
  category_never_eligible: '该分类不能列入名单 (this category is never payable)',
  duplicate: '条码重复 (duplicate barcode)',
  price_bad: '最高单价格式错误 (bad maximum price)',
  date_bad: '日期格式错误 (bad date)',
};
export const aplReasonText = (code: AplRowReason): string => REASON_TEXT[code];

/** A category as an operator writes it: its code (diapers), or its name in Chinese or English (纸尿裤, Diapers). */
const CATEGORY_OF = (() => {
  const m = new Map<string, string>();
  for (const c of CATEGORIES) {
    m.set(c, c);
    for (const l of LOCALES) m.set(translate(l, `category.${c}`).normalize('NFKC').trim().toLowerCase(), c);
  }
  return m;
})();
const ELIGIBLE: ReadonlySet<string> = new Set(ELIGIBLE_CATEGORIES);

/** The program's zone: dates without a time are days there (Asia/Shanghai has had no DST since 1991). */
const ZONE = '+08:00';

/** A date cell: 2026-03-01, 2026/3/1, 2026年3月1日, an ISO instant, or an Excel serial day number. `end`: the day's last second. */
export function parseDateCell(raw: string, end: boolean): { ok: true; iso: string | null } | { ok: false } {
  const t = raw.normalize('NFKC').trim();
  if (t === '') return { ok: true, iso: null };
  const time = end ? 'T23:59:59' : 'T00:00:00';
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = (y: number, mo: number, d: number) => {
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 2000 || y > 2100) return null;
    return `${y}-${pad(mo)}-${pad(d)}${time}${ZONE}`;
  };
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t);
  if (m) {
    const iso = day(Number(m[1]), Number(m[2]), Number(m[3]));
    return iso ? { ok: true, iso } : { ok: false };
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) {
    const iso = day(Number(m[1]), Number(m[2]), Number(m[3]));
    return iso ? { ok: true, iso } : { ok: false };
  }
  if (/^\d{5}(\.\d+)?$/.test(t)) {
    // Excel's serial day (1900 system): day 25569 is 1970-01-01.
    const ms = Math.round((Math.floor(Number(t)) - 25569) * 86_400_000);
    const d = new Date(ms);
    const iso = day(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    return iso ? { ok: true, iso } : { ok: false };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t) && !Number.isNaN(Date.parse(t)))
    return { ok: true, iso: new Date(t).toISOString() };
  return { ok: false };
}

/** The title row: the first of the top rows naming both the barcode and the category. */
function findHeader(rows: string[][]): { row: number; columns: Record<AplField, number | null> } | null {
  for (let r = 0; r < Math.min(rows.length, 20); r++) {
    const columns: Record<AplField, number | null> = { barcode: null, category: null, maxPrice: null, validFrom: null, validUntil: null };
    (rows[r] ?? []).forEach((cell, c) => {
      const f = FIELD_OF.get(normalizeTitle(cell));
      if (f && columns[f] === null) columns[f] = c;
    });
    if (columns.barcode !== null && columns.category !== null) return { row: r, columns };
  }
  return null;
}

/** A barcode cell for the program's list: a GTIN with a valid check digit, all of its digits as written. */
function listBarcode(raw: string): { ok: true; code: string } | { ok: false; code: AplRowReason } {
  const clean = cleanCode(raw);
  if (clean === '') return { ok: false, code: 'barcode_blank' };
  if (/^\d{14}$/.test(clean))
    return gs1CheckDigit(clean.slice(0, -1)) === Number(clean[13]) ? { ok: true, code: clean } : { ok: false, code: 'barcode_check_digit' };
  const v = checkBarcodeCell(raw);
  if (!v.ok)
    return {
      ok: false,
      code:
        v.code === 'barcode_check_digit'
          ? 'barcode_check_digit'
          : v.code === 'barcode_scientific'
            ? 'barcode_scientific'
            : 'barcode_format',
    };
  // A zero the till would put back (the check digit agrees): the program's list takes no guesses.
  if (v.note?.code === 'leading_zero_restored') return { ok: false, code: 'barcode_leading_zero' };
  if (v.code === null || !/^(\d{8}|\d{13})$/.test(v.code)) return { ok: false, code: 'barcode_format' };
  return { ok: true, code: v.code };
}

export function readAplFile(bytes: Uint8Array, fileName: string): AplFileResult {
  let read;
  try {
    read = readImportFile(bytes, fileName, 'auto');
  } catch (e) {
    throw new ProgramError(`${fileName}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // The first sheet with a title row (a workbook may carry notes on another sheet).
  let sheet: { rows: string[][]; header: { row: number; columns: Record<AplField, number | null> } } | null = null;
  for (const s of read.sheets) {
    const header = findHeader(s.rows);
    if (header) {
      sheet = { rows: s.rows, header };
      break;
    }
  }
  if (!sheet)
    throw new ProgramError(
      `${fileName}: no title row naming the barcode (条码/条形码/商品条码/barcode) and the category (分类/类别/category) columns`,
    );
  const { columns } = sheet.header;
  const entries: AplEntry[] = [];
  const errors: AplRowError[] = [];
  const seen = new Map<string, number>();
  let rows = 0;
  for (let r = sheet.header.row + 1; r < sheet.rows.length; r++) {
    const cells = sheet.rows[r] ?? [];
    if (cells.every((c) => c.trim() === '')) continue;
    rows++;
    const row = r + 1;
    const cell = (c: number | null) => (c === null ? '' : (cells[c] ?? ''));
    const reasons: AplRowError['reasons'] = [];
    const bad = (code: AplRowReason, detail = '') => reasons.push({ code, detail });

    const barcodeText = cell(columns.barcode).trim();
    const barcode = listBarcode(barcodeText);
    if (!barcode.ok) bad(barcode.code, barcodeText.slice(0, 40));
    else {
      const first = seen.get(barcode.code);
      if (first !== undefined) bad('duplicate', `第 ${first} 行已有 (first on row ${first})`);
    }
    const label = cell(columns.category).normalize('NFKC').trim();
    const category = CATEGORY_OF.get(label.toLowerCase());
    if (label === '') bad('category_blank');
    else if (!category) bad('category_unknown', label.slice(0, 40));
    else if (!ELIGIBLE.has(category)) bad('category_never_eligible', label.slice(0, 40));
    let maxUnitPriceFen: number | null = null;
    const priceText = cell(columns.maxPrice).trim();
    if (priceText !== '') {
      const p = parsePriceCell(priceText);
      if (p.ok && p.fen > 0) maxUnitPriceFen = p.fen;
      else bad('price_bad', priceText.slice(0, 30));
    }
    const from = parseDateCell(cell(columns.validFrom), false);
    const until = parseDateCell(cell(columns.validUntil), true);
    if (!from.ok) bad('date_bad', cell(columns.validFrom).slice(0, 30));
    if (!until.ok) bad('date_bad', cell(columns.validUntil).slice(0, 30));
    if (from.ok && until.ok && from.iso && until.iso && Date.parse(until.iso) <= Date.parse(from.iso))
      bad('date_bad', '失效日期早于生效日期 (valid until is before valid from)');

    if (reasons.length > 0 || !barcode.ok || !category) {
      errors.push({ row, barcode: barcodeText.slice(0, 40), reasons });
      continue;
    }
    seen.set(barcode.code, row);
    entries.push({
      barcode: barcode.code,
      category: category as EligibleCategory,
      maxUnitPriceFen,
      validFrom: from.ok ? from.iso : null,
      validUntil: until.ok ? until.iso : null,
    });
  }
  return {
    format: read.format,
    encoding: read.encoding,
    headerRow: sheet.header.row + 1,
    columns: Object.fromEntries(Object.entries(columns).map(([f, c]) => [f, c === null ? null : c + 1])) as Record<AplField, number | null>,
    entries,
    errors,
    rows,
  };
}

/** The refused rows as a CSV the operator opens in Excel (UTF-8 with BOM). */
export function aplErrorsCsv(errors: AplRowError[]): string {
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['行号 row,条码 barcode,原因代码 code,原因 reason'];
  for (const e of errors)
    lines.push(
      [
        String(e.row),
        q(e.barcode),
        q(e.reasons.map((r) => r.code).join(' ')),
        q(e.reasons.map((r) => `${REASON_TEXT[r.code]}${r.detail ? `: ${r.detail}` : ''}`).join('; ')),
      ].join(','),
    );
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
