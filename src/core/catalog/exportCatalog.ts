import * as XLSX from '@e965/xlsx';
import { stringify } from 'csv-stringify/sync';
import type { ExportFile } from '../../shared/api/schemas/backoffice';
import type { Category } from '../../shared/domain/categories';
import type { Locale } from '../../shared/i18n/locales';
import { translate } from '../../shared/i18n/translate';
import type { Db } from '../db/open';

export type SheetFormat = 'xlsx' | 'csv';
type Cell = string | number;

/**
 * A table as a file the owner opens in Excel or WPS: XLSX, or CSV in UTF-8 with a BOM and CRLF (so
 * Excel shows the Chinese). Text stays text: a barcode cell in the XLSX is a string, never a
 * number Excel would show as 6.90123E+12.
 */
export function sheetFile(o: { baseName: string; sheetName: string; header: string[]; rows: Cell[][]; format: SheetFormat }): ExportFile {
  const base = o.baseName.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 80);
  if (o.format === 'csv') {
    const csv = stringify([o.header, ...o.rows], { bom: true, record_delimiter: 'windows' });
    return { fileName: `${base}.csv`, mimeType: 'text/csv;charset=utf-8', base64: Buffer.from(csv, 'utf8').toString('base64') };
  }
  const sheet = XLSX.utils.aoa_to_sheet([o.header, ...o.rows]);
  sheet['!cols'] = o.header.map((h, i) => ({ wch: Math.min(60, Math.max(10, [...h].length * 2 + 2, i === 0 ? 16 : 0)) }));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, o.sheetName.slice(0, 31));
  const bytes = XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
  return {
    fileName: `${base}.xlsx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    base64: Buffer.from(bytes).toString('base64'),
  };
}

interface ExportRow {
  id: number;
  name: string;
  spec: string;
  unit: string;
  price_fen: number;
  category: string;
  code: string | null;
}

/**
 * The catalogue as the shop's own product list: one row per barcode (an item without one gets one
 * row), columns titled as the import reads them, so the file can be edited and imported back.
 * Categories are written by name in the owner's language; the import maps those names back.
 */
export function catalogFile(db: Db, o: { format: SheetFormat; locale: Locale; shopName: string; date: string }): ExportFile {
  const t = (k: Parameters<typeof translate>[1]) => translate(o.locale, k);
  const rows = db
    .prepare<[], ExportRow>(
      `SELECT i.id, i.name, i.spec, i.unit, i.price_fen, i.category, b.code
       FROM items i LEFT JOIN barcodes b ON b.item_id = i.id WHERE i.active = 1 ORDER BY i.name, i.id, b.code`,
    )
    .all();
  return sheetFile({
    baseName: `${o.shopName}-${t('products.exportName')}-${o.date}`,
    sheetName: t('products.exportName'),
    header: [
      t('products.col.barcode'),
      t('products.col.name'),
      t('products.col.spec'),
      t('products.col.unit'),
      t('products.col.price'),
      t('products.col.category'),
    ],
    rows: rows.map((r) => [
      r.code ?? '',
      r.name,
      r.spec,
      r.unit,
      o.format === 'xlsx' ? r.price_fen / 100 : (r.price_fen / 100).toFixed(2),
      t(`category.${r.category as Category}`),
    ]),
    format: o.format,
  });
}
