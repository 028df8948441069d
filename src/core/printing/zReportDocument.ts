import type { ZReport } from '../../shared/api/schemas/backoffice';
import type { Category } from '../../shared/domain/categories';
import { formatYuan } from '../../shared/domain/money';
import { translate, type MessageKey } from '../../shared/i18n/translate';
import { esc, packWords, type ReceiptDoc } from './receiptDocument';

/**
 * A Z-report for the receipt printer, from the same receiptline path as receipts (58 and 80 mm):
 * numbered, never changed, and a reprint says so. The QR carries the number and the chain head,
 * so the program can match the paper to the journal.
 */
export function zReportDocument(
  z: ZReport,
  ctx: { columns: number; shopName: string; tillId: string; timeZone: string; reprint: boolean },
): ReceiptDoc {
  const zh = (k: MessageKey, p?: Record<string, string | number>) => translate('zh-CN', k, p);
  const time = (iso: string) =>
    new Intl.DateTimeFormat('zh-CN', { timeZone: ctx.timeZone, dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' }).format(
      new Date(iso),
    );
  const out: string[] = [];
  const AMOUNT = 12;
  const full = (t: string) => out.push('{width:*}', `|${esc(t)}`);
  const codes = (t: string) => packWords(t, ctx.columns).forEach(full);
  const row = (l: string, r: string) => out.push(`{width:*,${AMOUNT}}`, `|${esc(l)} | ${esc(r)}`);
  const rule = () => out.push('{width:*}', '-');
  out.push('{width:*}', `^^${esc(ctx.shopName)}`);
  out.push('{width:*}', `^^${esc(zh('zreport.title', { number: z.number }))}`);
  if (ctx.reprint) out.push('{width:*}', `^^${esc(zh('zreport.reprint'))}`);
  rule();
  codes(zh('receipt.till', { till: ctx.tillId }));
  full(`${zh('zreport.from')} ${time(z.openedAt)}`);
  full(`${zh('zreport.to')} ${time(z.closedAt)}`);
  full(`${zh('zreport.cashiers')} ${z.cashiers.join('、') || '-'}`);
  rule();
  row(zh('zreport.sales', { count: z.sales.count }), formatYuan(z.sales.basketFen));
  row(zh('totals.voucher'), formatYuan(z.sales.voucherFen));
  row(zh('totals.other'), formatYuan(z.sales.otherTenderFen));
  row(zh('totals.forfeited'), formatYuan(z.sales.forfeitedFen));
  row(zh('zreport.voids', { count: z.voids.count }), formatYuan(0 - z.voids.voucherFen - z.voids.otherTenderFen));
  rule();
  full(zh('zreport.byCampaign'));
  for (const c of z.voucherByCampaign) row(`${c.name} ×${c.count}`, formatYuan(c.fen));
  full(zh('zreport.byCategory'));
  for (const [cat, fen] of Object.entries(z.voucherByCategory)) row(zh(`category.${cat as Category}`), formatYuan(fen));
  full(zh('zreport.byTender'));
  for (const [type, fen] of Object.entries(z.otherTenderByType)) row(zh(`tender.${type as 'cash'}`), formatYuan(fen));
  rule();
  row(zh('zreport.float'), formatYuan(z.cash.openingFloatFen));
  row(zh('zreport.cashIn'), formatYuan(z.cash.salesFen));
  row(zh('zreport.cashOut'), formatYuan(0 - z.cash.refundsFen));
  row(zh('zreport.expected'), formatYuan(z.cash.expectedFen));
  row(zh('zreport.counted'), formatYuan(z.cash.countedFen));
  row(zh('zreport.difference'), formatYuan(z.cash.differenceFen));
  rule();
  codes(zh('zreport.journal', { from: z.journal.fromSeq, to: z.journal.toSeq, count: z.journal.records }));
  codes(zh('zreport.head', { hash: z.journal.headHash.slice(0, 16) }));
  codes(
    zh('zreport.settlement', {
      pending: z.settlement.pending,
      accepted: z.settlement.accepted,
      rejected: z.settlement.rejected,
      paid: z.settlement.paid,
    }),
  );
  return {
    before: `${out.join('\n')}\n`,
    qr: `CTZ1:${z.number}:${z.journal.toSeq}:${z.journal.headHash.slice(0, 16)}`,
    after: `{width:*}\n${esc(zh('zreport.end'))}\n`,
  };
}
