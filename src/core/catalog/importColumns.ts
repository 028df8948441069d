import { normalizeTitle } from '../../shared/tabular/titles';
import { IMPORT_FIELDS, MAX_HEADER_ROW, type ColumnMapping, type ImportField } from '../../shared/api/schemas/catalogImport';

/**
 * Which column is which, from the titles a shop's file uses (Chinese or English), and where the
 * title row is: shops put a banner, a merged title ("爱心母婴店商品清单") or a date above it.
 *
 * Titles are compared after normalising: full-width to half-width, lower case, no spaces, no
 * "(元)" or "【必填】" notes, no "*" marking a required column. Only whole titles match: "进价"
 * (cost) must never be taken for the price because it contains "价".
 */

const STRONG: Record<ImportField, string[]> = {
  barcode: ['条码', '条形码', '商品条码', '商品条形码', '国际条码', '条码号', '主条码', '69码', 'barcode', 'ean', 'ean13', 'upc', 'gtin'],
  name: [
    '商品名称',
    '品名',
    '名称',
    '商品名',
    '商品',
    '货品名称',
    '产品名称',
    '商品全称',
    '货品',
    '产品',
    'name',
    'productname',
    'itemname',
    'product',
    'item',
  ],
  price: [
    '售价',
    '零售价',
    '单价',
    '价格',
    '销售价',
    '零售单价',
    '销售单价',
    '现价',
    '标准售价',
    '零售价格',
    '销售价格',
    'price',
    'retailprice',
    'unitprice',
    'sellingprice',
    'saleprice',
  ],
  category: [
    '分类',
    '类别',
    '商品分类',
    '品类',
    '类目',
    '商品类别',
    '分类名称',
    '类别名称',
    '大类',
    '商品类型',
    '类型',
    'category',
    'type',
  ],
  unit: ['单位', '计量单位', '销售单位', '基本单位', '单位名称', 'unit', 'uom'],
  spec: ['规格', '规格型号', '型号', '包装规格', '商品规格', 'spec', 'specification', 'size'],
};

/** Used only when no column has a strong title for the field (商品编码 is often the shop's own code). */
const WEAK: Record<ImportField, string[]> = {
  barcode: ['商品编码', '编码', '货号', '商品编号', '编号', 'code', 'sku', 'itemcode', 'productcode'],
  name: ['商品描述', '描述', '商品简称', '简称', 'description'],
  price: ['会员价', 'memberprice'],
  category: ['小类', '中类', '部门', 'department', 'dept'],
  unit: ['包装单位'],
  spec: ['容量', '净含量', '尺码'],
};

export { normalizeTitle };

const lookup = (table: Record<ImportField, string[]>) => {
  const m = new Map<string, ImportField>();
  for (const f of IMPORT_FIELDS) for (const t of table[f]) m.set(t, f);
  return m;
};
const strongTitles = lookup(STRONG);
const weakTitles = lookup(WEAK);

export function fieldOfTitle(title: string): { field: ImportField; strong: boolean } | null {
  const t = normalizeTitle(title);
  if (!t) return null;
  const strong = strongTitles.get(t);
  if (strong) return { field: strong, strong: true };
  const weak = weakTitles.get(t);
  return weak ? { field: weak, strong: false } : null;
}

export const EMPTY_MAPPING: ColumnMapping = { barcode: null, name: null, price: null, category: null, unit: null, spec: null };

/** Each field gets the first column with a strong title for it, else the first with a weak one; a column serves one field. */
export function matchColumns(headers: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = { ...EMPTY_MAPPING };
  const used = new Set<number>();
  const hits = headers.map((h) => fieldOfTitle(h));
  for (const strong of [true, false]) {
    hits.forEach((hit, col) => {
      if (hit && hit.strong === strong && mapping[hit.field] === null && !used.has(col)) {
        mapping[hit.field] = col;
        used.add(col);
      }
    });
  }
  return mapping;
}

/**
 * The header row (0-based) among the first rows: the one naming the most fields, which must include
 * the name or the barcode. Ties go to the upper row. null: no row looks like a header.
 */
export function findHeaderRow(rows: readonly string[][]): number | null {
  let best: { row: number; score: number } | null = null;
  for (let r = 0; r < Math.min(rows.length, MAX_HEADER_ROW); r++) {
    const m = matchColumns(rows[r] ?? []);
    if (m.name === null && m.barcode === null) continue;
    const score = IMPORT_FIELDS.filter((f) => m[f] !== null).length;
    if (score >= 2 && (!best || score > best.score)) best = { row: r, score };
  }
  return best?.row ?? null;
}

/** The mapping remembered from the last import, kept as titles: applied where this file has the same titles. */
export function rememberedMapping(
  headers: readonly string[],
  remembered: Partial<Record<ImportField, string>>,
  base: ColumnMapping,
): { mapping: ColumnMapping; used: boolean } {
  const byTitle = new Map<string, number>();
  headers.forEach((h, i) => {
    const t = normalizeTitle(h);
    if (t && !byTitle.has(t)) byTitle.set(t, i);
  });
  const mapping = { ...base };
  let used = false;
  for (const f of IMPORT_FIELDS) {
    const title = remembered[f];
    const col = title === undefined ? undefined : byTitle.get(normalizeTitle(title));
    if (col === undefined) continue;
    // The column the memory names now serves this field only.
    for (const g of IMPORT_FIELDS) if (mapping[g] === col) mapping[g] = null;
    mapping[f] = col;
    used = true;
  }
  return { mapping, used };
}

/** What to remember: each mapped field's title in this file. */
export function mappingTitles(headers: readonly string[], mapping: ColumnMapping): Partial<Record<ImportField, string>> {
  const out: Partial<Record<ImportField, string>> = {};
  for (const f of IMPORT_FIELDS) {
    const col = mapping[f];
    const title = col === null ? '' : (headers[col] ?? '').trim();
    if (title) out[f] = title.slice(0, 60);
  }
  return out;
}

/** Column letters for a file without a header row: A … Z, AA … */
export function columnLetter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
