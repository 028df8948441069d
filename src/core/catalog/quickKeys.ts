import { QUICK_KEY_CATEGORIES, MAX_QUICK_KEYS, type ShopType } from '../../shared/domain/shopTypes';
import type { Db } from '../db/open';
import type { SettingsStore } from '../system/settings';

interface Candidate {
  id: number;
  name: string;
  category: string;
  scannable: number;
}

/**
 * Quick keys per kind of shop: a mother-and-baby shop gets its baby goods, a barber its services.
 * What is suggested, best first:
 *  1. items with nothing to scan (services, loose goods, a carrier bag): a key is the only quick way to sell them;
 *  2. the shop type's own categories (formula and diapers for a mother-and-baby shop).
 * Within each, what sold most comes first, then the category's place in the type's list, then the name.
 * The owner sees the suggestion and decides; nothing is changed until the keys are saved.
 */
export class QuickKeyPlanner {
  constructor(
    private readonly db: Db,
    private readonly settings: SettingsStore,
  ) {}

  suggest(shopType: ShopType): number[] {
    const wanted = QUICK_KEY_CATEGORIES[shopType] as readonly string[];
    const sold = new Map(
      this.db
        .prepare<[], { item_id: number; n: number }>('SELECT item_id, sum(quantity) AS n FROM sale_lines GROUP BY item_id')
        .all()
        .map((r) => [r.item_id, r.n]),
    );
    // A GS1 code (EAN-13, EAN-8, UPC-A stored as EAN-13) is printed on the pack; internal codes are not.
    const items = this.db
      .prepare<[], Candidate>(
        `SELECT i.id, i.name, i.category,
           EXISTS (SELECT 1 FROM barcodes b WHERE b.item_id = i.id AND length(b.code) IN (8, 13) AND b.code NOT GLOB '*[^0-9]*') AS scannable
         FROM items i WHERE i.active = 1`,
      )
      .all();
    const rank = (c: Candidate) => (c.scannable ? (wanted.includes(c.category) ? 1 : 2) : 0);
    const place = (c: Candidate) => (wanted.includes(c.category) ? wanted.indexOf(c.category) : wanted.length);
    return items
      .filter((c) => rank(c) < 2)
      .sort(
        (a, b) =>
          rank(a) - rank(b) ||
          (sold.get(b.id) ?? 0) - (sold.get(a.id) ?? 0) ||
          place(a) - place(b) ||
          a.name.localeCompare(b.name, 'zh-CN'),
      )
      .slice(0, MAX_QUICK_KEYS)
      .map((c) => c.id);
  }

  /** Makes exactly these (active) items the quick keys and remembers the shop's type. Returns how many keys there are. */
  apply(shopType: ShopType, itemIds: readonly number[]): number {
    const ids = [...new Set(itemIds)].slice(0, MAX_QUICK_KEYS);
    return this.db.transaction(() => {
      this.settings.set('shop.type', shopType);
      this.db.prepare('UPDATE items SET quick_key = 0 WHERE quick_key = 1').run();
      const mark = this.db.prepare('UPDATE items SET quick_key = 1 WHERE id = ? AND active = 1');
      let n = 0;
      for (const id of ids) n += mark.run(id).changes;
      return n;
    })();
  }
}
