import { PosError } from '../../shared/api/errors';
import { checkBarcode } from '../../shared/domain/barcode';
import { CATEGORIES, type Category } from '../../shared/domain/categories';
import type { Item, ItemInput } from '../../shared/api/schemas/catalog';
import type { Db } from '../db/open';

export type { Item, ItemInput } from '../../shared/api/schemas/catalog';

interface ItemRow {
  id: number;
  name: string;
  price_fen: number;
  unit: string;
  category: string;
  quick_key: number;
}

/** Most a single item may cost: ¥100,000. Anything above is a typo, not a price. */
export const MAX_PRICE_FEN = 10_000_000;

/** The shop's catalogue: items, their barcodes and quick keys. Lookups are one indexed read. */
export class Catalog {
  private readonly byCode;
  private readonly byId;
  private readonly codesOf;

  constructor(private readonly db: Db) {
    this.byCode = db.prepare<[string], ItemRow>(
      'SELECT i.id, i.name, i.price_fen, i.unit, i.category, i.quick_key FROM barcodes b JOIN items i ON i.id = b.item_id WHERE b.code = ? AND i.active = 1',
    );
    this.byId = db.prepare<[number], ItemRow>(
      'SELECT id, name, price_fen, unit, category, quick_key FROM items WHERE id = ? AND active = 1',
    );
    this.codesOf = db.prepare<[number], { code: string }>('SELECT code FROM barcodes WHERE item_id = ? ORDER BY code');
  }

  /** Finds the item for a scanned code; throws invalid_barcode for a bad check digit, unknown_barcode if absent. */
  lookup(raw: string): Item {
    const checked = checkBarcode(raw);
    if (!checked.ok)
      throw new PosError('invalid_barcode', `not a valid barcode: ${raw.slice(0, 40)}`, { params: { code: raw.slice(0, 40) } });
    const row = this.byCode.get(checked.code);
    if (!row) throw new PosError('unknown_barcode', `no item with barcode ${checked.code}`, { params: { code: checked.code } });
    return this.toItem(row, false);
  }

  /** Fast path for the scan loop and the bench: no barcode list, no exceptions. */
  findByCode(code: string): ItemRow | undefined {
    return this.byCode.get(code);
  }

  get(id: number): Item {
    const row = this.byId.get(id);
    if (!row) throw new PosError('unknown_item', `no active item ${id}`, { params: { id } });
    return this.toItem(row, true);
  }

  quickKeys(): Item[] {
    return this.db
      .prepare<[], ItemRow>(
        'SELECT id, name, price_fen, unit, category, quick_key FROM items WHERE quick_key = 1 AND active = 1 ORDER BY name',
      )
      .all()
      .map((r) => this.toItem(r, true));
  }

  search(query: string, limit = 50): Item[] {
    const q = query.trim();
    if (!q) return [];
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .prepare<[string, string], ItemRow>(
        "SELECT DISTINCT i.id, i.name, i.price_fen, i.unit, i.category, i.quick_key FROM items i LEFT JOIN barcodes b ON b.item_id = i.id WHERE i.active = 1 AND (i.name LIKE ? ESCAPE '\\' OR b.code = ?) ORDER BY i.name LIMIT " +
          Math.trunc(limit),
      )
      .all(like, q.toUpperCase())
      .map((r) => this.toItem(r, true));
  }

  /** Creates or updates an item with its barcodes, in one transaction. */
  save(input: ItemInput): Item {
    if (!Number.isSafeInteger(input.priceFen) || input.priceFen < 0 || input.priceFen > MAX_PRICE_FEN) {
      throw new PosError('amount_too_large', 'price out of range', { params: { max: MAX_PRICE_FEN } });
    }
    if (!(CATEGORIES as readonly string[]).includes(input.category))
      throw new PosError('validation', 'unknown category', { field: 'args.category' });
    const codes = input.barcodes.map((raw) => {
      const c = checkBarcode(raw);
      if (!c.ok) throw new PosError('invalid_barcode', `not a valid barcode: ${raw}`, { params: { code: raw } });
      return c.code;
    });
    const now = new Date().toISOString();
    return this.db.transaction(() => {
      let id = input.id;
      if (id === undefined) {
        id = Number(
          this.db
            .prepare('INSERT INTO items (name, price_fen, unit, category, quick_key, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
            .run(input.name.trim(), input.priceFen, input.unit.trim(), input.category, input.quickKey ? 1 : 0, now).lastInsertRowid,
        );
      } else {
        const r = this.db
          .prepare(
            'UPDATE items SET name = ?, price_fen = ?, unit = ?, category = ?, quick_key = ?, updated_at = ? WHERE id = ? AND active = 1',
          )
          .run(input.name.trim(), input.priceFen, input.unit.trim(), input.category, input.quickKey ? 1 : 0, now, id);
        if (r.changes === 0) throw new PosError('unknown_item', `no active item ${id}`, { params: { id } });
        this.db.prepare('DELETE FROM barcodes WHERE item_id = ?').run(id);
      }
      for (const code of codes) {
        const owner = this.db.prepare<[string], { item_id: number }>('SELECT item_id FROM barcodes WHERE code = ?').get(code);
        if (owner && owner.item_id !== id)
          throw new PosError('barcode_taken', `barcode ${code} belongs to another item`, { params: { code } });
        this.db.prepare('INSERT OR IGNORE INTO barcodes (code, item_id) VALUES (?, ?)').run(code, id);
      }
      return this.get(id);
    })();
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM items WHERE active = 1').get() as { n: number }).n;
  }

  private toItem(r: ItemRow, withCodes: boolean): Item {
    return {
      id: r.id,
      name: r.name,
      priceFen: r.price_fen,
      unit: r.unit,
      category: r.category as Category,
      quickKey: r.quick_key === 1,
      barcodes: withCodes ? this.codesOf.all(r.id).map((c) => c.code) : [],
    };
  }
}
