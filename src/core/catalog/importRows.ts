import type { ColumnMapping, ImportIssue, RowError, RowNote } from '../../shared/api/schemas/catalogImport';
import { checkBarcode } from '../../shared/domain/barcode';
import type { Category } from '../../shared/domain/categories';
import { MAX_PRICE_FEN } from './catalog';
import type { CategoryResolver } from './importCategories';

/**
 * One verdict per row of a shop's product list: importable (with what it will hold) or skipped
 * (with every reason). Pure: the catalogue is consulted later, by importPlan.
 */

export interface GoodRow {
  row: number;
  /** Normalised (UPC-A as EAN-13); null: the item has no barcode and is matched by name. */
  barcode: string | null;
  name: string;
  spec: string;
  unit: string;
  priceFen: number;
  category: Category;
}

type Reason = RowError['reasons'][number];
type Params = Record<string, string | number>;

export const DEFAULT_UNIT = '个';
const MAX_NAME = 80;
const MAX_SPEC = 40;
const MAX_UNIT = 8;

/** Full-width digits and letters to ASCII, no spaces, no Excel text-forcing marks ('6901…, ="6901…"). */
function cleanCode(text: string): string {
  let t = text.normalize('NFKC').replace(/\s+/g, '');
  const forced = /^="(.*)"$/.exec(t);
  if (forced) t = forced[1]!;
  return t.replace(/^'/, '');
}

export type BarcodeVerdict =
  { ok: true; code: string | null; note?: Omit<RowNote, 'row'> } | { ok: false; code: ImportIssue; params: Params };

/**
 * A barcode cell as a shop's file has it. Excel does two things to barcodes typed as numbers:
 * shows them as 6.90123E+12 (a CSV saved from that keeps only those six digits: unrecoverable, say
 * so) and drops leading zeros (0 + UPC-A, EAN-8 starting with 0: restored when the check digit
 * proves the zero was there).
 */
export function checkBarcodeCell(raw: string): BarcodeVerdict {
  let text = cleanCode(raw);
  if (text === '') return { ok: true, code: null };
  let note: Omit<RowNote, 'row'> | undefined;
  text = text.replace(/^(\d+)\.0+$/, '$1');
  const sci = /^(\d)(?:\.(\d+))?E\+?(\d{1,2})$/i.exec(text);
  if (sci) {
    const frac = sci[2] ?? '';
    const exp = Number(sci[3]);
    // Every digit still there only if the mantissa has as many decimals as the exponent says.
    if (frac.length < exp) return { ok: false, code: 'barcode_scientific', params: { text } };
    if (frac.length > exp) return { ok: false, code: 'barcode_format', params: { text } };
    note = { code: 'scientific_exact', params: { from: text, to: sci[1]! + frac } };
    text = sci[1]! + frac;
  }
  if (/^\d+$/.test(text) && [7, 10, 11].includes(text.length)) {
    const target = text.length === 7 ? 8 : 12;
    const padded = text.padStart(target, '0');
    const c = checkBarcode(padded);
    if (c.ok) return { ok: true, code: c.code, note: { code: 'leading_zero_restored', params: { from: text, to: c.code } } };
  }
  const c = checkBarcode(text);
  if (c.ok) return note ? { ok: true, code: c.code, note } : { ok: true, code: c.code };
  return c.reason === 'check_digit'
    ? { ok: false, code: 'barcode_check_digit', params: { text } }
    : { ok: false, code: 'barcode_format', params: { text: text.slice(0, 40) } };
}

export type PriceVerdict = { ok: true; fen: number } | { ok: false; code: ImportIssue; params: Params };

/** ¥12.50, ￥1,234.00, 12.5元, １２．５ and 12 are all prices; 12.345, 12,5 and "面议" are not. */
export function parsePriceCell(raw: string): PriceVerdict {
  const original = raw.trim();
  let t = original
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^(rmb|cny|人民币)/i, '')
    .replace(/[¥$]/g, '')
    .replace(/(元|rmb|cny)$/i, '');
  if (t === '') return { ok: false, code: 'price_blank', params: {} };
  if (t.startsWith('-')) return { ok: false, code: 'price_negative', params: { text: original.slice(0, 30) } };
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^(\d+\.?\d*|\.\d+)$/.test(t)) return { ok: false, code: 'price_malformed', params: { text: original.slice(0, 30) } };
  const yuan = Number(t);
  const fen = Math.round(yuan * 100);
  if (Math.abs(yuan * 100 - fen) > 1e-6) return { ok: false, code: 'price_malformed', params: { text: original.slice(0, 30) } };
  if (fen > MAX_PRICE_FEN) return { ok: false, code: 'price_too_large', params: { text: original.slice(0, 30) } };
  return { ok: true, fen };
}

const oneLine = (t: string) => t.replace(/\s+/g, ' ').trim();

/** Checks rows one at a time, remembering what it saw (duplicates, category names). */
export class RowChecker {
  readonly good: GoodRow[] = [];
  readonly errors: Array<RowError & { cells: string[] }> = [];
  readonly notes: RowNote[] = [];
  /** The shop's category names and how many rows use each (blank as ''). */
  readonly labels = new Map<string, number>();
  blank = 0;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly mapping: ColumnMapping,
    private readonly category: CategoryResolver,
  ) {}

  /** `row`: the row number the owner sees in Excel (1-based). */
  check(cells: readonly string[], row: number): void {
    if (cells.every((c) => c.trim() === '')) {
      this.blank++;
      return;
    }
    const cell = (col: number | null) => (col === null ? '' : (cells[col] ?? ''));
    const reasons: Reason[] = [];
    const bad = (code: ImportIssue, params: Params = {}) => reasons.push({ code, params });

    const code = checkBarcodeCell(cell(this.mapping.barcode));
    if (!code.ok) bad(code.code, code.params);
    const name = oneLine(cell(this.mapping.name));
    if (name === '') bad('name_blank');
    else if ([...name].length > MAX_NAME) bad('name_too_long', { max: MAX_NAME });
    const price = parsePriceCell(cell(this.mapping.price));
    if (!price.ok) bad(price.code, price.params);
    // The owner maps names of up to 60 characters (categoryMapSchema); longer ones are cut the same way everywhere.
    const label = oneLine(cell(this.mapping.category)).slice(0, 60);
    this.labels.set(label, (this.labels.get(label) ?? 0) + 1);
    const category = this.category(label);
    if (!category) bad(label === '' ? 'category_blank' : 'category_unknown', { label: label.slice(0, 40) });
    const unit = oneLine(cell(this.mapping.unit)) || DEFAULT_UNIT;
    if ([...unit].length > MAX_UNIT) bad('unit_too_long', { max: MAX_UNIT });
    const spec = oneLine(cell(this.mapping.spec));
    if ([...spec].length > MAX_SPEC) bad('spec_too_long', { max: MAX_SPEC });

    const key = code.ok && code.code ? code.code : `name:${name}`;
    const first = this.seen.get(key);
    if (first !== undefined) bad('duplicate_in_file', { first });

    if (reasons.length > 0 || !code.ok || !price.ok || !category) {
      this.errors.push({
        row,
        reasons,
        barcode: oneLine(cell(this.mapping.barcode)).slice(0, 40),
        name: name.slice(0, 80),
        cells: [...cells],
      });
      return;
    }
    this.seen.set(key, row);
    if (code.note) this.notes.push({ row, ...code.note });
    this.good.push({ row, barcode: code.code, name, spec, unit, priceFen: price.fen, category: category.category });
  }
}
