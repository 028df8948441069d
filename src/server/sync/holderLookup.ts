import { parseHolderCode } from '../../shared/voucher/holderTicket';
import type { HolderLookupResponse } from '../../shared/sync/protocol';
import { signHolderTicket } from '../../trust/holderTicket';
import { voucherFields } from '../program/mint';
import type { ReplyKey } from '../program/program';
import { toVoucherRecord, type ProgramStore, type VoucherRow } from '../store/programStore';
import { ServerError } from './errors';
import { judgeVoucherUse, loadVoucherContext } from './voucherRules';

/**
 * A till looking a voucher up by the holder code typed off a card whose QR is torn (issue 13,
 * item 4). The holder code is 40 bits: with the lookups of each till counted in the database (so
 * every server process sees them) and a till allowed only a few misses, guessing codes is no way to
 * find vouchers. A hit answers with a holder ticket per voucher still usable at this shop: the
 * voucher's fields, signed by the server key, for this till only, for half an hour (holderTicket.ts).
 */
export const LOOKUP_WINDOW_MS = 15 * 60_000;
export const MAX_MISSES_PER_WINDOW = 10;
/** A family holds a few vouchers under one code (4 × ￥50); more than this is not a family's card. */
const MAX_TICKETS = 20;

export async function lookupHolderCode(
  store: ProgramStore,
  key: ReplyKey,
  deviceId: string,
  typed: string,
  now: Date,
): Promise<HolderLookupResponse> {
  const sql = store.sql;
  const since = new Date(now.getTime() - LOOKUP_WINDOW_MS).toISOString();
  const misses = await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM holder_lookups WHERE device_id = ? AND found = 0 AND at > ?', [
    deviceId,
    since,
  ]);
  if (Number(misses?.n ?? 0) >= MAX_MISSES_PER_WINDOW)
    throw new ServerError(
      'too_many_lookups',
      `more than ${MAX_MISSES_PER_WINDOW} unknown holder codes in ${LOOKUP_WINDOW_MS / 60_000} minutes`,
      LOOKUP_WINDOW_MS / 1000,
    );
  const tag = parseHolderCode(typed);
  if (!tag) throw new ServerError('bad_request', 'not a holder code');
  const device = await sql.get<{ merchant_id: string }>('SELECT merchant_id FROM devices WHERE device_id = ?', [deviceId]);
  if (!device) throw new ServerError('unknown_device', 'unknown device');

  const rows = await sql.all<VoucherRow>(
    'SELECT * FROM vouchers WHERE holder_tag = ? AND revoked_at IS NULL ORDER BY valid_until, voucher_id',
    [tag],
  );
  // Only what this shop could take now: not used up, not expired, of a campaign open here.
  const ctx = rows.length
    ? await loadVoucherContext(
        sql,
        rows.map((r) => r.voucher_id),
        deviceId,
      )
    : null;
  const usable = rows
    .map(toVoucherRecord)
    .filter(
      (v) =>
        judgeVoucherUse(
          ctx!,
          {
            voucherId: v.voucherId,
            campaignId: v.campaignId,
            kind: v.kind,
            amountFen: 1,
            forfeitedFen: 0,
            time: now.toISOString(),
            categories: {},
            saleId: 'holder-lookup',
            authorization: 'offline',
          },
          device.merchant_id,
        ) === null,
    )
    .slice(0, MAX_TICKETS);
  await sql.run('INSERT INTO holder_lookups (device_id, at, found) VALUES (?, ?, ?)', [deviceId, now.toISOString(), usable.length ? 1 : 0]);
  return {
    tickets: usable.map((v) => signHolderTicket(key, voucherFields(v), deviceId, now.getTime())),
  };
}
