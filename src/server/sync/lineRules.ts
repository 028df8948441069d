import type { JournalRecord, RejectReason } from '../../shared/sync/protocol';
import type { Campaign } from '../../shared/voucher/manifest';
import type { Param, SqlDriver } from '../store/sqlDriver';
import { chunks } from './voucherRules';

/**
 * Item lines (issue 11): a redemption's lines must justify its amount, and in a campaign that pays
 * by the program's list (`eligibility: 'apl'`) every line must be listed, at the list version the
 * till had when it recorded the sale, valid at the sale's time, in a category the campaign pays for
 * (the listed category, which the line must carry), at no more than the list's unit price.
 * The lists are read once per batch, in set queries; judging is in memory.
 */

interface ListedRange {
  from: number;
  /** Exclusive; Infinity while still listed. */
  to: number;
  category: string;
  maxUnitPriceFen: number | null;
  validFromMs: number;
  validUntilMs: number;
}

export interface ListContext {
  /** The newest APL version published, and this merchant's newest shop list version. */
  aplNewest: number;
  shopNewest: number;
  /** Barcode → its ranges on the APL. */
  apl: Map<string, ListedRange[]>;
  /** Proposal id → its ranges on this merchant's shop list. */
  shop: Map<string, ListedRange[]>;
  /** Barcode → ranges of this merchant's approved proposals for a barcode the APL lacks. */
  shopByBarcode: Map<string, ListedRange[]>;
}

const SHOP = 'shop:';
const ms = (iso: string | null, fallback: number) => (iso ? Date.parse(iso) : fallback);

export async function loadListContext(t: SqlDriver, merchantId: string, records: readonly JournalRecord[]): Promise<ListContext> {
  const barcodes = new Set<string>();
  let anyShop = false;
  for (const r of records)
    for (const l of r.lines ?? []) {
      if (/^[0-9]/.test(l.code)) barcodes.add(l.code);
      else if (l.code.startsWith(SHOP)) anyShop = true;
    }
  const ctx: ListContext = { aplNewest: 0, shopNewest: 0, apl: new Map(), shop: new Map(), shopByBarcode: new Map() };
  if (barcodes.size === 0 && !anyShop) return ctx;
  const push = (m: Map<string, ListedRange[]>, k: string, v: ListedRange) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  ctx.aplNewest = Number((await t.get<{ v: number | string | null }>('SELECT MAX(version) AS v FROM apl_versions'))?.v ?? 0);
  for (const chunk of chunks([...barcodes], 500))
    for (const row of await t.all<{
      barcode: string;
      from_version: number | string;
      to_version: number | string | null;
      category: string;
      max_unit_price_fen: number | string | null;
      valid_from: string | null;
      valid_until: string | null;
    }>(
      `SELECT barcode, from_version, to_version, category, max_unit_price_fen, valid_from, valid_until FROM apl_entries WHERE barcode IN (${chunk.map(() => '?').join(', ')})`,
      chunk as Param[],
    ))
      push(ctx.apl, row.barcode, {
        from: Number(row.from_version),
        to: row.to_version === null ? Infinity : Number(row.to_version),
        category: row.category,
        maxUnitPriceFen: row.max_unit_price_fen === null ? null : Number(row.max_unit_price_fen),
        validFromMs: ms(row.valid_from, -Infinity),
        validUntilMs: ms(row.valid_until, Infinity),
      });
  // A shop's own list is small (its approved proposals): read whole.
  ctx.shopNewest = Number(
    (await t.get<{ v: number | string | null }>('SELECT MAX(version) AS v FROM shop_lists WHERE merchant_id = ?', [merchantId]))?.v ?? 0,
  );
  if (ctx.shopNewest > 0)
    for (const row of await t.all<{
      proposal_id: string;
      barcode: string | null;
      from_version: number | string;
      to_version: number | string | null;
      category: string;
      price_fen: number | string;
    }>('SELECT proposal_id, barcode, from_version, to_version, category, price_fen FROM shop_entries WHERE merchant_id = ?', [
      merchantId,
    ])) {
      const range: ListedRange = {
        from: Number(row.from_version),
        to: row.to_version === null ? Infinity : Number(row.to_version),
        category: row.category,
        maxUnitPriceFen: Number(row.price_fen),
        validFromMs: -Infinity,
        validUntilMs: Infinity,
      };
      push(ctx.shop, row.proposal_id, range);
      if (row.barcode) push(ctx.shopByBarcode, row.barcode, range);
    }
  return ctx;
}

export interface LinesVerdict {
  reason: RejectReason;
  lines: Array<{ index: number; reason: RejectReason }>;
}

const at = (ranges: ListedRange[] | undefined, version: number) => ranges?.find((x) => x.from <= version && version < x.to);

/** Why this record's lines do not stand (null: they do, or there are none and none are needed). */
export function judgeLines(r: JournalRecord, campaign: Campaign | undefined, lists: ListContext): LinesVerdict | null {
  if (r.type !== 'redeem') return null;
  const lines = r.lines;
  const apl = campaign?.eligibility === 'apl';
  if (!lines) return apl ? { reason: 'lines_mismatch', lines: [] } : null;
  // The lines add up to the amount, and per category to the record's per-category amounts.
  let sum = 0;
  const perCategory = new Map<string, number>();
  for (const l of lines) {
    sum += l.amountFen;
    perCategory.set(l.category, (perCategory.get(l.category) ?? 0) + l.amountFen);
  }
  const categories = Object.entries(r.categories);
  const balanced =
    sum === r.amountFen &&
    categories.every(([c, v]) => (perCategory.get(c) ?? 0) === v.amountFen) &&
    [...perCategory.entries()].every(([c, amount]) => amount === 0 || r.categories[c] !== undefined);
  if (!balanced) return { reason: 'lines_mismatch', lines: [] };
  if (!apl || !campaign) return null;

  const time = Date.parse(r.time);
  const aplVersion = r.listVersions?.apl ?? 0;
  const shopVersion = r.listVersions?.shop ?? 0;
  // A version above what the program has published is one the till cannot have had.
  const aplKnown = aplVersion <= lists.aplNewest;
  const shopKnown = shopVersion <= lists.shopNewest;
  const allowed = campaign.eligibleCategories as readonly string[];
  const bad: LinesVerdict['lines'] = [];
  lines.forEach((l, index) => {
    if (l.amountFen === 0) return;
    let listed: ListedRange | undefined;
    if (l.code.startsWith(SHOP)) listed = shopKnown ? at(lists.shop.get(l.code.slice(SHOP.length)), shopVersion) : undefined;
    else if (/^[0-9]/.test(l.code))
      listed =
        (aplKnown ? at(lists.apl.get(l.code), aplVersion) : undefined) ??
        (shopKnown ? at(lists.shopByBarcode.get(l.code), shopVersion) : undefined);
    if (
      !listed ||
      time < listed.validFromMs ||
      time > listed.validUntilMs ||
      listed.category !== l.category ||
      !allowed.includes(listed.category)
    )
      bad.push({ index, reason: 'line_not_listed' });
    else if (listed.maxUnitPriceFen !== null && l.unitPriceFen > listed.maxUnitPriceFen) bad.push({ index, reason: 'over_max_unit_price' });
  });
  return bad.length > 0 ? { reason: bad[0]!.reason, lines: bad } : null;
}

/** Keeps the records' lines and list versions (records without either keep nothing here). */
export async function storeLines(t: SqlDriver, records: readonly JournalRecord[]): Promise<void> {
  const meta: Param[][] = [];
  const lines: Param[][] = [];
  for (const r of records) {
    if (r.lines === undefined && r.listVersions === undefined) continue;
    meta.push([r.id, r.listVersions?.apl ?? null, r.listVersions?.shop ?? null, r.lines === undefined ? null : r.lines.length]);
    (r.lines ?? []).forEach((l, i) => lines.push([r.id, i, l.code, l.name, l.quantity, l.unitPriceFen, l.amountFen, l.category]));
  }
  for (const chunk of chunks(meta, 500))
    await t.run(
      `INSERT INTO record_list_versions (record_id, apl, shop, line_count) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
      chunk.flat(),
    );
  for (const chunk of chunks(lines, 400))
    await t.run(
      `INSERT INTO record_lines (record_id, line_index, code, name, quantity, unit_price_fen, amount_fen, category)
       VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flat(),
    );
}

/** The lines and list versions of these records, as the till wrote them (for recovery: the hash covers them). */
export async function loadLines(
  sql: SqlDriver,
  recordIds: readonly string[],
): Promise<Map<string, Pick<JournalRecord, 'lines' | 'listVersions'>>> {
  const out = new Map<string, Pick<JournalRecord, 'lines' | 'listVersions'>>();
  for (const chunk of chunks([...recordIds], 500)) {
    const m = chunk.map(() => '?').join(', ');
    const metas = await sql.all<{
      record_id: string;
      apl: number | string | null;
      shop: number | string | null;
      line_count: number | string | null;
    }>(`SELECT record_id, apl, shop, line_count FROM record_list_versions WHERE record_id IN (${m})`, chunk);
    if (metas.length === 0) continue;
    const lineRows = await sql.all<{
      record_id: string;
      line_index: number | string;
      code: string;
      name: string;
      quantity: number | string;
      unit_price_fen: number | string;
      amount_fen: number | string;
      category: string;
    }>(`SELECT * FROM record_lines WHERE record_id IN (${m}) ORDER BY record_id, line_index`, chunk);
    const byRecord = new Map<string, NonNullable<JournalRecord['lines']>>();
    for (const l of lineRows) {
      const list = byRecord.get(l.record_id) ?? [];
      list.push({
        code: l.code,
        name: l.name,
        quantity: Number(l.quantity),
        unitPriceFen: Number(l.unit_price_fen),
        amountFen: Number(l.amount_fen),
        category: l.category,
      });
      byRecord.set(l.record_id, list);
    }
    for (const meta of metas)
      out.set(meta.record_id, {
        ...(meta.apl !== null ? { listVersions: { apl: Number(meta.apl), shop: Number(meta.shop ?? 0) } } : {}),
        ...(meta.line_count !== null ? { lines: byRecord.get(meta.record_id) ?? [] } : {}),
      });
  }
  return out;
}
