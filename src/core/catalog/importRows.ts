import type { ColumnMapping, ImportIssue, RowError, RowNote } from '../../shared/api/schemas/catalogImport';
import { checkBarcodeCell, parsePriceCell } from '../../shared/tabular/cells';
import type { Category } from '../../shared/domain/categories';
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

export { checkBarcodeCell, parsePriceCell, type BarcodeVerdict, type PriceVerdict } from '../../shared/tabular/cells';

export const DEFAULT_UNIT = '个';
const MAX_NAME = 80;
const MAX_SPEC = 40;
const MAX_UNIT = 8;

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
