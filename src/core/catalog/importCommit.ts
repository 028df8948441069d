import type { Db } from '../db/open';
import type { GoodRow } from './importRows';
import { pinyinInitials } from './pinyin';

/**
 * The catalogue side of an import: which item a row will update (a reader, used by the preview
 * too), and the upsert itself, which the caller runs inside its one transaction.
 *
 * A row is matched by barcode; a row without one by its exact name among the items that have no
 * barcode (儿童理发 imported twice stays one item). A retired item whose barcode comes back in the
 * shop's list is brought back.
 */

export interface CatalogMatch {
  itemId: number;
  active: boolean;
  name: string;
  priceFen: number;
}

interface MatchRow {
  id: number;
  active: number;
  name: string;
  price_fen: number;
  pinyin: string | null;
}

export class CatalogMatcher {
  private readonly byCode;
  private readonly byName;

  constructor(db: Db) {
    this.byCode = db.prepare<[string], MatchRow>(
      'SELECT i.id, i.active, i.name, i.price_fen, i.pinyin FROM barcodes b JOIN items i ON i.id = b.item_id WHERE b.code = ?',
    );
    this.byName = db.prepare<[string], MatchRow>(
      `SELECT i.id, i.active, i.name, i.price_fen, i.pinyin FROM items i
       WHERE i.active IN (1, 0) AND i.name = ? AND NOT EXISTS (SELECT 1 FROM barcodes b WHERE b.item_id = i.id)
       ORDER BY i.active DESC, i.id LIMIT 1`,
    );
  }

  /** The raw row, for the commit (which also wants the stored pinyin). */
  find(row: Pick<GoodRow, 'barcode' | 'name'>): MatchRow | undefined {
    return row.barcode ? this.byCode.get(row.barcode) : this.byName.get(row.name);
  }

  match(row: Pick<GoodRow, 'barcode' | 'name'>): CatalogMatch | null {
    const m = this.find(row);
    return m ? { itemId: m.id, active: m.active === 1, name: m.name, priceFen: m.price_fen } : null;
  }
}

/** Upserts every row; call inside a transaction. */
export function upsertRows(db: Db, rows: readonly GoodRow[], now: string): { created: number; updated: number } {
  const matcher = new CatalogMatcher(db);
  const update = db.prepare(
    'UPDATE items SET name = ?, spec = ?, price_fen = ?, unit = ?, category = ?, pinyin = ?, active = 1, updated_at = ? WHERE id = ?',
  );
  const insert = db.prepare(
    'INSERT INTO items (name, spec, price_fen, unit, category, pinyin, quick_key, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?)',
  );
  const addCode = db.prepare('INSERT INTO barcodes (code, item_id) VALUES (?, ?)');
  let created = 0;
  let updated = 0;
  for (const r of rows) {
    const found = matcher.find(r);
    if (found) {
      const pinyin = found.name === r.name && found.pinyin !== null ? found.pinyin : pinyinInitials(r.name);
      update.run(r.name, r.spec, r.priceFen, r.unit, r.category, pinyin, now, found.id);
      updated++;
    } else {
      const id = insert.run(r.name, r.spec, r.priceFen, r.unit, r.category, pinyinInitials(r.name), now).lastInsertRowid;
      if (r.barcode) addCode.run(r.barcode, id);
      created++;
    }
  }
  return { created, updated };
}
