import * as XLSX from '@e965/xlsx';
import { stringify } from 'csv-stringify/sync';
import type { ExportFile, Report } from '../../shared/api/schemas/backoffice';
import { translate, type MessageKey } from '../../shared/i18n/translate';
import type { Locale } from '../../shared/i18n/locales';
import type { JournalLine } from './reports';

export type ExportFormat = 'xlsx' | 'csv';
type Cell = string | number;

/**
 * Reports as files an accountant opens: XLSX (one sheet, Chinese headers, amounts in yuan as
 * numbers so Excel can add them up) or CSV in UTF-8 with a BOM (so Excel shows the Chinese).
 * Amounts are kept in fen everywhere else; yuan appear only here, at the edge.
 */
export function tableFile(o: {
  title: string;
  shop: string;
  period: string;
  header: string[];
  rows: Cell[][];
  format: ExportFormat;
}): ExportFile {
  const base = safeName(`${o.shop}-${o.title}-${o.period}`);
  if (o.format === 'csv') {
    const csv = stringify([o.header, ...o.rows], { bom: true, record_delimiter: 'windows' });
    return { fileName: `${base}.csv`, mimeType: 'text/csv;charset=utf-8', base64: Buffer.from(csv, 'utf8').toString('base64') };
  }
  const sheet = XLSX.utils.aoa_to_sheet([o.header, ...o.rows]);
  sheet['!cols'] = o.header.map((h) => ({ wch: Math.max(10, [...h].length * 2 + 2) }));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, o.title.slice(0, 31));
  const bytes = XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
  return {
    fileName: `${base}.xlsx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    base64: Buffer.from(bytes).toString('base64'),
  };
}

const yuan = (fen: number) => Math.round(fen) / 100;

export function reportFile(r: Report, o: { shop: string; period: string; format: ExportFormat; locale: Locale }): ExportFile {
  const t = (k: MessageKey) => translate(o.locale, k);
  const header = [
    t(`report.group.${r.groupBy}`),
    t('report.col.sales'),
    t('report.col.quantity'),
    t('report.col.basket'),
    t('report.col.voucher'),
    t('report.col.other'),
    t('report.col.forfeited'),
  ];
  const row = (label: string, x: Report['totals']): Cell[] => [
    label,
    x.sales,
    x.quantity,
    yuan(x.basketFen),
    yuan(x.voucherFen),
    yuan(x.otherTenderFen),
    yuan(x.forfeitedFen),
  ];
  return tableFile({
    title: t(`report.group.${r.groupBy}`),
    shop: o.shop,
    period: o.period,
    header,
    rows: [...r.rows.map((x) => row(x.label, x)), row(t('report.total'), r.totals)],
    format: o.format,
  });
}

export function journalFile(
  lines: JournalLine[],
  o: { shop: string; period: string; format: ExportFormat; locale: Locale; timeZone: string },
): ExportFile {
  const t = (k: MessageKey) => translate(o.locale, k);
  const time = new Intl.DateTimeFormat(o.locale, { timeZone: o.timeZone, dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' });
  return tableFile({
    title: t('report.journal'),
    shop: o.shop,
    period: o.period,
    header: [
      t('report.col.seq'),
      t('report.col.time'),
      t('report.col.type'),
      t('report.col.sale'),
      t('report.col.voucherId'),
      t('report.col.campaign'),
      t('report.col.voucher'),
      t('report.col.forfeited'),
      t('report.col.online'),
      t('report.col.state'),
      t('report.col.reason'),
    ],
    rows: lines.map((l) => [
      l.seq,
      time.format(new Date(l.time)),
      t(l.type === 'redeem' ? 'report.type.redeem' : 'report.type.reverse'),
      l.saleId.slice(0, 8).toUpperCase(),
      l.voucher,
      l.campaignId,
      yuan(l.type === 'redeem' ? l.amountFen : -l.amountFen),
      yuan(l.forfeitedFen),
      l.authorization === 'offline' ? t('report.offline') : t('report.online'),
      t(`settle.state.${l.state}`),
      l.reason ? t(`reject.${l.reason}` as MessageKey) : '',
    ]),
    format: o.format,
  });
}

/** A file name any OS accepts: no path separators or reserved characters. */
function safeName(name: string): string {
  return [...name]
    .map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c))
    .join('')
    .slice(0, 120);
}
