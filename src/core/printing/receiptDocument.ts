import { redeemedOnline, type CompletedSale } from '../../shared/api/schemas/checkout';
import { formatYuan } from '../../shared/domain/money';
import { translate } from '../../shared/i18n/translate';

export type ReceiptCopy = 'beneficiary' | 'shop';

export interface ReceiptContext {
  /** Characters per line of the paper (32 or 48). */
  columns: number;
  shopName: string;
  /** Short till id printed on the receipt. */
  tillId: string;
  timeZone: string;
  copy: ReceiptCopy;
}

/** The QR on a receipt: lets the program look a redemption up and check it against its hash later. ASCII only. */
export function receiptQrPayload(sale: Pick<CompletedSale, 'records'>): string {
  return `CTR1:${sale.records
    .filter((r) => r.type === 'redeem')
    .map((r) => `${r.id}.${r.hash.slice(0, 16)}`)
    .join(';')}`;
}

/**
 * One receipt as a receiptline document (https://github.com/receiptline/receiptline): the single
 * source for the printer's ESC/POS bytes and the on-screen preview. Printed in Chinese: it is the
 * beneficiary's record and the shop's filing copy. Only characters in GB2312 are used (no ✓, no ¥),
 * so every Chinese printer font has them.
 */
export interface ReceiptDoc {
  /** receiptline markup above the QR code. */
  before: string;
  /** The QR payload (ASCII). */
  qr: string;
  /** receiptline markup below the QR code (the renderer adds the final cut). */
  after: string;
}

export function receiptDocument(sale: CompletedSale, ctx: ReceiptContext): ReceiptDoc {
  const zh = (k: Parameters<typeof translate>[1], p?: Parameters<typeof translate>[2]) => translate('zh-CN', k, p);
  const time = new Intl.DateTimeFormat('zh-CN', {
    timeZone: ctx.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(sale.createdAt));
  const redeems = sale.records.filter((r) => r.type === 'redeem');
  const online = redeemedOnline(sale);
  const out: string[] = [];
  const AMOUNT = 12;
  const full = (text: string, align: 'left' | 'center' = 'left') => out.push('{width:*}', align === 'left' ? `|${esc(text)}` : esc(text));
  // Lines with what a person compares (a hash, a voucher code, sequence numbers) are packed word by
  // word, so none is split across two lines; names and prose wrap wherever the paper ends.
  const codes = (text: string) => {
    for (const line of packWords(text, ctx.columns)) full(line);
  };
  // The holder code with its label is one unit: never "持券码" at a line's end and the code below it.
  const units = (...parts: string[]) => {
    for (const line of packUnits(parts, ctx.columns)) full(line);
  };
  const row = (left: string, right: string, bold = false) => {
    const b = bold ? '"' : '';
    out.push(`{width:*,${AMOUNT}}`, `|${b}${esc(left)} | ${b}${esc(right)}`);
  };
  const rule = () => out.push('{width:*}', '-');

  out.push('{width:*}', `^^${esc(ctx.shopName)}`);
  full(zh('receipt.heading', { copy: zh(ctx.copy === 'shop' ? 'receipt.copy.shop' : 'receipt.copy.beneficiary') }), 'center');
  if (sale.voidedAt) out.push('{width:*}', `^^${esc(zh('receipt.voided'))}`);
  rule();
  full(time);
  codes(`${zh('receipt.till', { till: ctx.tillId })}  ${zh('receipt.cashier', { name: sale.cashier.name })}`);
  codes(zh('receipt.no', { no: sale.saleId.slice(0, 8).toUpperCase() }));
  rule();
  const leftWidth = ctx.columns - AMOUNT - 1;
  for (const l of sale.lines) {
    full(l.name);
    const kind = `${zh(`category.${l.category}`)} ${l.voucherPaidFen > 0 ? zh('receipt.mark.voucher') : zh('receipt.mark.self')}`;
    const qty = `${l.quantity} × ${formatYuan(l.unitPriceFen)}`;
    // One line when it fits (80 mm), else the category and mark get a line of their own (58 mm).
    if (displayWidth(`${kind} ${qty}`) <= leftWidth) row(`${kind} ${qty}`, formatYuan(l.amountFen));
    else {
      full(kind);
      row(qty, formatYuan(l.amountFen));
    }
  }
  rule();
  row(zh('totals.basket'), formatYuan(sale.totals.basketFen));
  row(zh('totals.voucher'), formatYuan(sale.totals.voucherPaidFen), true);
  row(zh('totals.other'), formatYuan(sale.totals.otherTenderFen), true);
  if (sale.totals.forfeitedFen > 0) row(zh('totals.forfeited'), formatYuan(sale.totals.forfeitedFen));
  rule();
  for (const v of sale.vouchers) {
    // The holder code printed on the family's card, so card, receipt and settlement match; sales
    // recorded before the till kept it print the masked voucher id.
    units(v.campaignName.zh, v.holderCode ? zh('voucher.holderCode', { code: v.holderCode }) : v.masked);
    row(zh('receipt.voucherUsed'), formatYuan(v.usedFen));
    if (v.forfeitedFen > 0) row(zh('receipt.voucherForfeited'), formatYuan(v.forfeitedFen));
    if (v.balanceAfterFen !== null) row(zh('receipt.voucherBalance'), formatYuan(v.balanceAfterFen));
  }
  rule();
  const last = redeems[redeems.length - 1];
  codes(
    zh(online ? 'receipt.online' : 'receipt.offlineMark', {
      seq: redeems.map((r) => r.seq).join(','),
      hash: last ? last.hash.slice(0, 8) : '',
    }),
  );
  return { before: `${out.join('\n')}\n`, qr: receiptQrPayload(sale), after: `{width:*}\n${esc(zh('receipt.thanks'))}\n` };
}

/** Splits text at spaces into lines of at most `columns` display columns; a longer word keeps a line of its own. */
export function packWords(text: string, columns: number): string[] {
  return packUnits(text.split(' '), columns);
}

/** Joins units with spaces into lines of at most `columns` display columns, never splitting a unit; a longer unit keeps a line of its own. */
export function packUnits(units: readonly string[], columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const unit of units) {
    const next = line ? `${line} ${unit}` : unit;
    if (line && displayWidth(next) > columns) {
      lines.push(line);
      line = unit;
    } else line = next;
  }
  lines.push(line);
  return lines;
}

/** Columns a string takes on a GB18030 printer: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return n;
}

/** receiptline gives meaning to these characters; shop and item names are data, never markup. */
export function esc(text: string): string {
  return text.replace(/[\\|{}~_"`^=-]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}
