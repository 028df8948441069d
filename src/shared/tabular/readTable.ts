import * as XLSX from '@e965/xlsx';
import * as cptable from '@e965/xlsx/dist/cpexcel.full.mjs';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { PosError } from '../api/errors';
import type { ImportEncoding, TextEncoding } from '../api/schemas/catalogImport';

/**
 * Shared by the till (a shop's product list) and the program (its approved product list): no
 * Node built-ins, so it lives in src/shared; both sides read files the same way.
 *
 * Reads a shop's product list into rows of text cells, whatever made it: Excel or WPS (.xlsx, .xls),
 * a POS system's CSV or tab-separated "xls", in UTF-8 (with or without BOM), UTF-16 (Excel's
 * "Unicode text") or GBK/GB18030.
 *
 * Text encoding: strict UTF-8 first, else GB18030 (a superset of GBK). A wrong guess is impossible
 * the other way round, since GBK bytes are almost never valid UTF-8, while a charset detector
 * mislabels short Chinese files. The owner can force either.
 *
 * Cells are text. A number Excel stored for a barcode still holds every digit (only its display is
 * 6.90123E+12), so its digits are written out in full; a CSV that Excel saved holds only the display.
 */

// Excel 95 and older POS exports (BIFF5) carry GBK text with a code page: SheetJS needs the tables.
XLSX.set_cptable(cptable);

export type SourceFormat = 'xlsx' | 'xls' | 'csv';

export interface SheetTable {
  name: string | null;
  /** Every row of the sheet, top to bottom (index 0 is the file's row 1); cells as text. */
  rows: string[][];
}

export interface ReadFile {
  format: SourceFormat;
  encoding: TextEncoding | null;
  sheets: SheetTable[];
}

const MAX_COLUMNS = 256;
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);

export function readImportFile(bytes: Uint8Array, fileName: string, encoding: ImportEncoding): ReadFile {
  if (bytes.length === 0) throw new PosError('import_empty', 'the file is empty');
  if (startsWith(bytes, ZIP)) return { format: 'xlsx', encoding: null, sheets: readWorkbook(bytes) };
  if (startsWith(bytes, OLE)) return { format: 'xls', encoding: null, sheets: readWorkbook(bytes) };
  const ext = /\.(\w+)$/.exec(fileName)?.[1]?.toLowerCase();
  const decoded = decodeText(bytes, encoding);
  const text = decoded.text;
  // Many POS systems save "xls" files that are really a web page or tab-separated text.
  const format: SourceFormat = ext === 'xls' || ext === 'xlsx' ? 'xls' : 'csv';
  if (/^\s*<(!doctype|html|table|\?xml)/i.test(text)) {
    return { format, encoding: decoded.encoding, sheets: readWorkbook(text) };
  }
  return { format, encoding: decoded.encoding, sheets: [{ name: null, rows: readDelimited(text) }] };
}

/** Strict UTF-8 first, then GB18030; a byte-order mark settles it; the owner's choice overrides. */
export function decodeText(bytes: Uint8Array, choice: ImportEncoding): { text: string; encoding: TextEncoding } {
  const buf = bytes;
  const utf8Bom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
  if (choice === 'gb18030') return { text: iconv.decode(buf, 'gb18030'), encoding: 'gb18030' };
  if (choice === 'utf8') return { text: new TextDecoder('utf-8').decode(buf), encoding: 'utf8' };
  if (utf8Bom) return { text: new TextDecoder('utf-8').decode(buf), encoding: 'utf8' };
  if (startsWith(bytes, [0xff, 0xfe])) return { text: new TextDecoder('utf-16le').decode(buf), encoding: 'utf16le' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf8' };
  } catch {
    return { text: iconv.decode(buf, 'gb18030'), encoding: 'gb18030' };
  }
}

/** CSV (or tab- or semicolon-separated text): CRLF or LF, quoted fields with commas, quotes and line breaks. */
function readDelimited(text: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.split(/\r?\n/, 20).find((l) => l.trim() !== '') ?? '';
  const count = (c: string) => firstLine.split(c).length - 1;
  const delimiter = [',', '\t', ';'].reduce((best, c) => (count(c) > count(best) ? c : best), ',');
  try {
    const rows = parseCsv(body, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      bom: false,
    }) as string[][];
    return rows.map((r) => (r.length > MAX_COLUMNS ? r.slice(0, MAX_COLUMNS) : r));
  } catch (e) {
    throw new PosError('import_unreadable', `not a readable CSV: ${String(e)}`, { params: { problem: csvProblem(e) }, cause: e });
  }
}

function csvProblem(e: unknown): string {
  const lines = (e as { lines?: number }).lines;
  return typeof lines === 'number' ? `CSV line ${lines}` : 'CSV';
}

function readWorkbook(data: Uint8Array | string): SheetTable[] {
  let book: XLSX.WorkBook;
  try {
    book =
      typeof data === 'string'
        ? XLSX.read(data, { type: 'string', dense: true, cellNF: true, cellText: false, cellDates: false, cellHTML: false })
        : XLSX.read(data, { type: 'array', dense: true, cellNF: true, cellText: false, cellDates: false, cellHTML: false });
  } catch (e) {
    const problem = /password/i.test(String(e)) ? 'password' : 'format';
    throw new PosError('import_unreadable', `not a readable workbook: ${String(e)}`, { params: { problem }, cause: e });
  }
  const hidden = new Set((book.Workbook?.Sheets ?? []).filter((s) => s.Hidden).map((s) => s.name));
  return book.SheetNames.filter((n) => !hidden.has(n)).map((name) => ({ name, rows: sheetRows(book.Sheets[name]!) }));
}

type DenseSheet = XLSX.WorkSheet & { '!data'?: Array<Array<XLSX.CellObject | undefined> | undefined> };

function sheetRows(sheet: DenseSheet): string[][] {
  const data = sheet['!data'] ?? [];
  const rows: string[][] = [];
  for (let r = 0; r < data.length; r++) {
    const src = data[r];
    const out: string[] = [];
    if (src) for (let c = 0; c < Math.min(src.length, MAX_COLUMNS); c++) out.push(cellText(src[c]));
    rows.push(out);
  }
  fillMerged(rows, sheet['!merges'] ?? []);
  return rows;
}

/**
 * A merged cell holds its value in its top-left corner only. Shops merge a category over the rows
 * of its goods and a title over the columns: every covered cell gets the value, as the eye reads it.
 */
function fillMerged(rows: string[][], merges: XLSX.Range[]): void {
  let budget = 2_000_000;
  for (const m of merges) {
    const value = rows[m.s.r]?.[m.s.c] ?? '';
    for (let r = m.s.r; r <= m.e.r && r < rows.length; r++) {
      const row = rows[r]!;
      for (let c = m.s.c; c <= Math.min(m.e.c, MAX_COLUMNS - 1); c++) {
        if (--budget < 0) return;
        while (row.length <= c) row.push('');
        if (row[c] === '') row[c] = value;
      }
    }
  }
}

function cellText(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.v === undefined || cell.v === null) return '';
  switch (cell.t) {
    case 's':
      return String(cell.v);
    case 'n':
      return numberText(cell.v as number, typeof cell.z === 'string' ? cell.z : undefined);
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'd':
      return cell.v instanceof Date ? cell.v.toISOString() : String(cell.v);
    default:
      return '';
  }
}

/**
 * A number cell as text without the display's rounding: 6901234567892 stays 13 digits, a column
 * formatted "0000000000000" gets its leading zeros back, 12.3 stays 12.3 (not 12.300000000000001).
 * Integers past 2^53 had digits cut by Excel itself (it keeps 15): they stay in E notation, which
 * the row check reports as unrecoverable.
 */
export function numberText(v: number, format?: string): string {
  if (!Number.isFinite(v)) return '';
  if (Number.isInteger(v)) {
    if (!Number.isSafeInteger(v)) return v.toExponential().toUpperCase();
    const digits = v.toFixed(0);
    return format && /^0+$/.test(format) && v >= 0 ? digits.padStart(format.length, '0') : digits;
  }
  return String(Number(v.toPrecision(15)));
}
