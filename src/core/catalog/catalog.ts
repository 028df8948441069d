import { PosError } from '../../shared/api/errors';
import { checkBarcode } from '../../shared/domain/barcode';
import { CATEGORIES, type Category } from '../../shared/domain/categories';
import type { Item, ItemInput } from '../../shared/api/schemas/catalog';
import type { Db } from '../db/open';
import { initialsQuery, pinyinInitials } from './pinyin';

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
    this.fillPinyin();
  }

  /** Items saved before pinyin initials were stored (schema 10) get them once, here. */
  private fillPinyin(): void {
    const missing = this.db.prepare<[], { id: number; name: string }>('SELECT id, name FROM items WHERE pinyin IS NULL').all();
    if (missing.length === 0) return;
    const put = this.db.prepare('UPDATE items SET pinyin = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const m of missing) put.run(pinyinInitials(m.name), m.id);
    })();
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

  /** By name or spec, pinyin initials ("yesj" finds 婴儿湿巾) or barcode: what the cashier's finder calls. */
  search(query: string, limit = 50): Item[] {
    const q = query.trim();
    if (!q) return [];
    const m = searchMatch(q);
    return this.db
      .prepare<Record<string, string>, ItemRow>(
        `SELECT i.id, i.name, i.price_fen, i.unit, i.category, i.quick_key FROM items i WHERE i.active = 1 AND ${m.sql} ORDER BY i.name LIMIT ${Math.trunc(limit)}`,
      )
      .all(m.params)
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
    const name = input.name.trim();
    const spec = (input.spec ?? '').trim();
    return this.db.transaction(() => {
      let id = input.id;
      if (id === undefined) {
        id = Number(
          this.db
            .prepare(
              'INSERT INTO items (name, price_fen, unit, category, quick_key, updated_at, pinyin, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            )
            .run(name, input.priceFen, input.unit.trim(), input.category, input.quickKey ? 1 : 0, now, pinyinInitials(name), spec)
            .lastInsertRowid,
        );
      } else {
        const r = this.db
          .prepare(
            'UPDATE items SET name = ?, price_fen = ?, unit = ?, category = ?, quick_key = ?, updated_at = ?, pinyin = ?, spec = ? WHERE id = ? AND active = 1',
          )
          .run(name, input.priceFen, input.unit.trim(), input.category, input.quickKey ? 1 : 0, now, pinyinInitials(name), spec, id);
        if (r.changes === 0) throw new PosError('unknown_item', `no active item ${id}`, { params: { id } });
        this.db.prepare('DELETE FROM barcodes WHERE item_id = ?').run(id);
      }
      for (const code of codes) {
        const owner = this.db
          .prepare<[string], { item_id: number; active: number }>(
            'SELECT b.item_id, i.active FROM barcodes b JOIN items i ON i.id = b.item_id WHERE b.code = ?',
          )
          .get(code);
        // A retired item gives its barcode up: the shop sells the product again under a new entry.
        if (owner && owner.item_id !== id && owner.active === 1)
          throw new PosError('barcode_taken', `barcode ${code} belongs to another item`, { params: { code } });
        this.db.prepare('INSERT OR REPLACE INTO barcodes (code, item_id) VALUES (?, ?)').run(code, id);
      }
      return this.get(id);
    })();
  }

  /** Retires an item (it leaves the till and its quick key, its sales stay) or brings it back. */
  setRetired(id: number, retired: boolean): void {
    const r = this.db
      .prepare('UPDATE items SET active = ?, quick_key = CASE WHEN ? THEN 0 ELSE quick_key END, updated_at = ? WHERE id = ?')
      .run(retired ? 0 : 1, retired ? 1 : 0, new Date().toISOString(), id);
    if (r.changes === 0) throw new PosError('unknown_item', `no item ${id}`, { params: { id } });
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

/**
 * The WHERE clause for a search over items `i`: name or spec contains it; Latin letters also match
 * the stored pinyin initials; four or more digits (or a code) also match a barcode containing them.
 */
export function searchMatch(query: string): { sql: string; params: Record<string, string> } {
  const q = query.trim();
  const escape = (t: string) => t.replace(/[\\%_]/g, (c) => `\\${c}`);
  const params: Record<string, string> = { like: `%${escape(q)}%` };
  const ors = ["i.name LIKE @like ESCAPE '\\'", "i.spec LIKE @like ESCAPE '\\'"];
  const initials = initialsQuery(q);
  if (initials) {
    params.initials = `%${escape(initials)}%`;
    ors.push("i.pinyin LIKE @initials ESCAPE '\\'");
  }
  const code = q.toUpperCase();
  if (/^[A-Z0-9-]{3,24}$/.test(code)) {
    params.code = /^\d{4,}$/.test(code) ? `%${code}%` : code;
    ors.push(`EXISTS (SELECT 1 FROM barcodes b WHERE b.item_id = i.id AND b.code ${params.code.startsWith('%') ? 'LIKE' : '='} @code)`);
  }
  return { sql: `(${ors.join(' OR ')})`, params };
}
