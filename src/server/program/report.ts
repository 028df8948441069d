import * as XLSX from '@e965/xlsx';
import { CATEGORIES, type Category } from '../../shared/domain/categories';
import { translate } from '../../shared/i18n/translate';
import type { ProgramStore } from '../store/programStore';
import { ServerError } from '../sync/errors';

/**
 * What a campaign's money bought (issue 11's transparency report): by category, by merchant, the
 * top items and per day. Counted over accepted redemptions that no accepted void reversed (so net
 * of reversals), amounts in yuan with two decimals, days in the program's zone (Asia/Shanghai).
 * Categories come from each record's per-category amounts (records from tills before item lines
 * count there too); items from the lines tills recorded.
 */
export const REPORT_ZONE = 'Asia/Shanghai';
const TOP_ITEMS = 100;

export interface CampaignReport {
  campaign: { id: number; nameZh: string; nameEn: string; eligibility: 'apl' | 'shop' };
  zone: string;
  generatedAt: string;
  totals: { records: number; amountFen: number; amount: string };
  byCategory: Array<{ category: string; nameZh: string; nameEn: string; quantity: number; amountFen: number; amount: string }>;
  byMerchant: Array<{ merchantId: string; name: string; records: number; amountFen: number; amount: string }>;
  topItems: Array<{ code: string; name: string; category: string; quantity: number; records: number; amountFen: number; amount: string }>;
  perDay: Array<{ date: string; records: number; amountFen: number; amount: string }>;
  /** Redemptions recorded without item lines (tills from before them): counted above, not in the top items. */
  withoutLines: { records: number; amountFen: number; amount: string };
}

export const yuan = (fen: number): string =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: REPORT_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const KNOWN: ReadonlySet<string> = new Set(CATEGORIES);
const categoryName = (locale: 'zh-CN' | 'en', c: string) => (KNOWN.has(c) ? translate(locale, `category.${c as Category}`) : c);

const LIVE = `r.campaign_id = ? AND r.type = 'redeem' AND r.status = 'accepted'
  AND NOT EXISTS (SELECT 1 FROM records x WHERE x.reverses = r.record_id AND x.type = 'reverse' AND x.status = 'accepted')`;

export async function campaignReport(store: ProgramStore, campaignId: number, now = new Date()): Promise<CampaignReport> {
  const campaign = await store.getCampaign(campaignId);
  if (!campaign) throw new ServerError('not_found', `no campaign ${campaignId}`);
  const sql = store.sql;
  const records = await sql.all<{ record_id: string; merchant_id: string; time: string; amount_fen: number | string; categories: string }>(
    `SELECT r.record_id, r.merchant_id, r.time, r.amount_fen, r.categories FROM records r WHERE ${LIVE}`,
    [campaignId],
  );
  const names = new Map(
    (await sql.all<{ merchant_id: string; name: string }>('SELECT merchant_id, name FROM merchants')).map((m) => [m.merchant_id, m.name]),
  );
  const withLines = new Set(
    (
      await sql.all<{ record_id: string }>(
        `SELECT DISTINCT l.record_id FROM record_lines l JOIN records r ON r.record_id = l.record_id WHERE ${LIVE}`,
        [campaignId],
      )
    ).map((x) => x.record_id),
  );
  let total = 0;
  const byCategory = new Map<string, { quantity: number; amountFen: number }>();
  const byMerchant = new Map<string, { records: number; amountFen: number }>();
  const perDay = new Map<string, { records: number; amountFen: number }>();
  const without = { records: 0, amountFen: 0 };
  for (const r of records) {
    const amount = Number(r.amount_fen);
    total += amount;
    for (const [c, v] of Object.entries(JSON.parse(r.categories) as Record<string, { amountFen: number; quantity: number }>)) {
      const e = byCategory.get(c) ?? { quantity: 0, amountFen: 0 };
      e.quantity += v.quantity;
      e.amountFen += v.amountFen;
      byCategory.set(c, e);
    }
    const m = byMerchant.get(r.merchant_id) ?? { records: 0, amountFen: 0 };
    m.records++;
    m.amountFen += amount;
    byMerchant.set(r.merchant_id, m);
    const day = dayOf.format(new Date(r.time));
    const d = perDay.get(day) ?? { records: 0, amountFen: 0 };
    d.records++;
    d.amountFen += amount;
    perDay.set(day, d);
    if (!withLines.has(r.record_id)) {
      without.records++;
      without.amountFen += amount;
    }
  }
  const items = await sql.all<{
    code: string;
    name: string;
    category: string;
    quantity: number | string;
    records: number | string;
    amount_fen: number | string;
  }>(
    `SELECT l.code, MAX(l.name) AS name, MAX(l.category) AS category, SUM(l.quantity) AS quantity, COUNT(DISTINCT l.record_id) AS records,
            SUM(l.amount_fen) AS amount_fen
       FROM record_lines l JOIN records r ON r.record_id = l.record_id
      WHERE ${LIVE}
      GROUP BY l.code ORDER BY SUM(l.amount_fen) DESC, l.code LIMIT ${TOP_ITEMS}`,
    [campaignId],
  );
  const desc = <T extends { amountFen: number }>(a: [string, T], b: [string, T]) =>
    b[1].amountFen - a[1].amountFen || (a[0] < b[0] ? -1 : 1);
  return {
    campaign: { id: campaign.id, nameZh: campaign.names.zh, nameEn: campaign.names.en, eligibility: campaign.eligibility },
    zone: REPORT_ZONE,
    generatedAt: now.toISOString(),
    totals: { records: records.length, amountFen: total, amount: yuan(total) },
    byCategory: [...byCategory].sort(desc).map(([category, v]) => ({
      category,
      nameZh: categoryName('zh-CN', category),
      nameEn: categoryName('en', category),
      quantity: v.quantity,
      amountFen: v.amountFen,
      amount: yuan(v.amountFen),
    })),
    byMerchant: [...byMerchant].sort(desc).map(([merchantId, v]) => ({
      merchantId,
      name: names.get(merchantId) ?? '',
      records: v.records,
      amountFen: v.amountFen,
      amount: yuan(v.amountFen),
    })),
    topItems: items.map((i) => ({
      code: i.code,
      name: i.name,
      category: i.category,
      quantity: Number(i.quantity),
      records: Number(i.records),
      amountFen: Number(i.amount_fen),
      amount: yuan(Number(i.amount_fen)),
    })),
    perDay: [...perDay]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([date, v]) => ({ date, records: v.records, amountFen: v.amountFen, amount: yuan(v.amountFen) })),
    withoutLines: { ...without, amount: yuan(without.amountFen) },
  };
}

/** The report as a workbook: one sheet each, amounts as numbers in yuan shown with two decimals. */
export function reportWorkbook(report: CampaignReport): Uint8Array {
  const book = XLSX.utils.book_new();
  const sheet = (name: string, header: string[], rows: Array<Array<string | number>>, amountColumns: number[]) => {
    const ws = XLSX.utils.aoa_to_sheet([header, ...rows]);
    for (let r = 1; r <= rows.length; r++)
      for (const c of amountColumns) {
        const cell = ws[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
        if (cell) cell.z = '0.00';
      }
    XLSX.utils.book_append_sheet(book, ws, name);
  };
  const money = (fen: number) => fen / 100;
  sheet(
    '按类别 By category',
    ['类别 Category', '代码 Code', '数量 Quantity', '金额(元) Amount (yuan)'],
    report.byCategory.map((c) => [`${c.nameZh} ${c.nameEn}`, c.category, c.quantity, money(c.amountFen)]),
    [3],
  );
  sheet(
    '按商户 By merchant',
    ['商户 Merchant', '名称 Name', '笔数 Records', '金额(元) Amount (yuan)'],
    report.byMerchant.map((m) => [m.merchantId, m.name, m.records, money(m.amountFen)]),
    [3],
  );
  sheet(
    '热门商品 Top items',
    ['条码/编号 Code', '品名 Name', '类别 Category', '数量 Quantity', '笔数 Records', '金额(元) Amount (yuan)'],
    report.topItems.map((i) => [i.code, i.name, categoryName('zh-CN', i.category), i.quantity, i.records, money(i.amountFen)]),
    [5],
  );
  sheet(
    '按日 Per day',
    [`日期 Date (${report.zone})`, '笔数 Records', '金额(元) Amount (yuan)'],
    report.perDay.map((d) => [d.date, d.records, money(d.amountFen)]),
    [2],
  );
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Uint8Array;
}
