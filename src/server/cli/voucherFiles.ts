import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import fs from 'node:fs';
import path from 'node:path';
import type { Campaign } from '../../shared/voucher/manifest';
import { holderCode } from '../../shared/voucher/token';
import { renderCardsPdf, type CardData } from '../cards/cardsPdf';
import { findCjkFont } from '../cards/fonts';
import { ProgramError } from '../program/programError';
import { writePrivateFile } from '../store/privateFiles';
import type { IssuedVoucher } from '../store/programStore';

/**
 * The voucher list and the cards: the only places a token exists once issued. Both are bearer
 * documents (whoever holds a line can spend it), so they are written 0600; hand them over and
 * delete them. The program keeps no copy: another print of a card means re-issuing it.
 */
export const CSV_COLUMNS = [
  'voucher_id',
  'campaign_id',
  'kind',
  'value_fen',
  'valid_from',
  'valid_until',
  'holder_code',
  'holder_tag',
  'replaces',
  'token',
] as const;

export function writeVoucherCsv(file: string, vouchers: IssuedVoucher[]): void {
  const rows = vouchers.map((v) => [
    v.voucherId,
    v.campaignId,
    v.kind,
    v.faceValueFen,
    new Date(v.validFrom * 1000).toISOString(),
    new Date(v.validUntil * 1000).toISOString(),
    holderCode(v.holderTag),
    v.holderTag,
    v.replaces ?? '',
    v.token,
  ]);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // BOM: Excel, which many program offices use, then opens the file as UTF-8.
  writePrivateFile(file, stringifyCsv(rows, { header: true, columns: [...CSV_COLUMNS], bom: true }));
}

/** Cards for the vouchers of a list written at issue (or re-issue). */
export function readCardsCsv(file: string, campaigns: ReadonlyMap<number, Campaign>): CardData[] {
  const rows = parseCsv(fs.readFileSync(file), { columns: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return rows.map((r, i) => {
    const token = r.token;
    if (!token || !r.value_fen || !r.campaign_id || !r.valid_from || !r.valid_until || !r.holder_tag)
      throw new ProgramError(`${file} row ${i + 2}: missing columns (expected ${CSV_COLUMNS.join(',')})`);
    const campaign = campaigns.get(Number(r.campaign_id));
    if (!campaign) throw new ProgramError(`campaign ${r.campaign_id} is not in this program`);
    return {
      token,
      faceValueFen: Number(r.value_fen),
      validFrom: Date.parse(r.valid_from) / 1000,
      validUntil: Date.parse(r.valid_until) / 1000,
      holderTag: r.holder_tag,
      campaign,
    };
  });
}

export function cardsOf(vouchers: IssuedVoucher[], campaigns: ReadonlyMap<number, Campaign>): CardData[] {
  return vouchers.map((v) => {
    const campaign = campaigns.get(v.campaignId);
    if (!campaign) throw new ProgramError(`campaign ${v.campaignId} is not in this program`);
    return {
      token: v.token,
      faceValueFen: v.faceValueFen,
      validFrom: v.validFrom,
      validUntil: v.validUntil,
      holderTag: v.holderTag,
      campaign,
    };
  });
}

export async function writeCardsPdf(file: string, cards: CardData[], o: { font?: string; tz?: string } = {}): Promise<void> {
  const pdf = await renderCardsPdf(cards, { fonts: findCjkFont(o.font), timeZone: o.tz ?? 'Asia/Shanghai' });
  writePrivateFile(file, pdf);
}
