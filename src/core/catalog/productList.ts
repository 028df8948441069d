import { PosError } from '../../shared/api/errors';
import type { Product, ProductList } from '../../shared/api/schemas/catalog';
import type { Category } from '../../shared/domain/categories';
import type { Db } from '../db/open';
import { searchMatch } from './catalog';
import type { EligibilitySource } from './eligibility';

interface ProductRow {
  id: number;
  name: string;
  spec: string;
  price_fen: number;
  unit: string;
  category: string;
  quick_key: number;
  active: number;
  updated_at: string;
}

export interface ProductQuery {
  query: string;
  filter: 'active' | 'retired' | 'quick';
  category: Category | null;
  offset: number;
  limit: number;
}

const COLUMNS = 'i.id, i.name, i.spec, i.price_fen, i.unit, i.category, i.quick_key, i.active, i.updated_at';

/**
 * The owner's view of the catalogue (a reader: it never writes): pages of items in pinyin order
 * with their barcodes, spec, state and eligibility, searched like the cashier's finder. Retired items stay
 * listable so one retired by mistake can be brought back.
 */
export class ProductQueries {
  constructor(
    private readonly db: Db,
    private readonly eligibility: EligibilitySource,
  ) {}

  list(q: ProductQuery): ProductList {
    const where = [q.filter === 'retired' ? 'i.active = 0' : 'i.active = 1'];
    const params: Record<string, string | number> = {};
    if (q.filter === 'quick') where.push('i.quick_key = 1');
    if (q.category) {
      where.push('i.category = @category');
      params.category = q.category;
    }
    if (q.query.trim()) {
      const m = searchMatch(q.query);
      where.push(m.sql);
      Object.assign(params, m.params);
    }
    const sql = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM items i WHERE ${sql}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare<Record<string, string | number>, ProductRow>(
        `SELECT ${COLUMNS} FROM items i WHERE ${sql} ORDER BY i.pinyin, i.name, i.id LIMIT ${Math.trunc(q.limit)} OFFSET ${Math.trunc(q.offset)}`,
      )
      .all(params);
    return { total, rows: this.withCodes(rows) };
  }

  /** One item, retired or not. */
  get(id: number): Product {
    const row = this.db.prepare<[number], ProductRow>(`SELECT ${COLUMNS} FROM items i WHERE i.id = ?`).get(id);
    if (!row) throw new PosError('unknown_item', `no item ${id}`, { params: { id } });
    return this.withCodes([row])[0]!;
  }

  /** Several items by id, in the order given (missing ids are left out). */
  byIds(ids: readonly number[]): Product[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare<number[], ProductRow>(`SELECT ${COLUMNS} FROM items i WHERE i.id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids);
    const byId = new Map(this.withCodes(rows).map((p) => [p.id, p]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  private withCodes(rows: ProductRow[]): Product[] {
    const codes = new Map<number, string[]>();
    if (rows.length > 0) {
      const found = this.db
        .prepare<number[], { item_id: number; code: string }>(
          `SELECT item_id, code FROM barcodes WHERE item_id IN (${rows.map(() => '?').join(',')}) ORDER BY code`,
        )
        .all(...rows.map((r) => r.id));
      for (const f of found) codes.set(f.item_id, [...(codes.get(f.item_id) ?? []), f.code]);
    }
    return rows.map((r) => {
      const barcodes = codes.get(r.id) ?? [];
      return {
        id: r.id,
        name: r.name,
        spec: r.spec,
        priceFen: r.price_fen,
        unit: r.unit,
        category: r.category as Category,
        quickKey: r.quick_key === 1,
        active: r.active === 1,
        updatedAt: r.updated_at,
        barcodes,
        eligibility: this.eligibility.of({ id: r.id, barcodes }),
      };
    });
  }
}
