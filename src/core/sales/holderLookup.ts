import { PosError } from '../../shared/api/errors';
import type { HolderVoucher } from '../../shared/api/schemas/checkout';
import { decodeHolderTicket, parseHolderCode } from '../../shared/voucher/holderTicket';
import { holderCode, maskVoucherId } from '../../shared/voucher/token';
import type { ManifestStore } from '../vouchers/manifestStore';
import { SyncFailure } from '../sync/client';
import type { SyncService } from '../sync/syncService';

/**
 * The cashier typed the holder code off a card whose QR would not scan (issue 13, item 4). Only the
 * program knows which voucher a holder code belongs to, so this asks it, and says plainly when it
 * cannot: offline, not enrolled, nothing usable under that code, or too many tries. Each voucher
 * found comes as a holder ticket the sale then carries like a scanned token (online only).
 */
export async function findByHolderCode(
  d: { sync: SyncService; manifests: ManifestStore },
  typed: string,
): Promise<{ code: string; vouchers: HolderVoucher[] }> {
  const tag = parseHolderCode(typed);
  if (!tag) throw new PosError('holder_code_invalid', 'not a holder code', { params: { code: typed.trim().slice(0, 20) } });
  const code = holderCode(tag);
  if (!d.sync.enrolled()) throw new PosError('holder_code_offline', 'holder codes are looked up by the program; this till is not enrolled');
  let tickets: string[];
  try {
    tickets = await d.sync.lookupHolderCode(code);
  } catch (e) {
    if (e instanceof SyncFailure && e.code === 'too_many_lookups')
      throw new PosError('holder_code_too_many', 'too many holder-code lookups', { params: { minutes: 15 } });
    if (e instanceof SyncFailure && e.kind === 'offline') throw new PosError('holder_code_offline', `program unreachable: ${e.code}`);
    throw e;
  }
  const campaigns = d.manifests.current()?.campaigns;
  const vouchers = tickets.flatMap((ticket): HolderVoucher[] => {
    const t = decodeHolderTicket(ticket);
    if (!t) return [];
    const f = t.fields;
    return [
      {
        ticket,
        masked: maskVoucherId(f.voucherId),
        holderCode: holderCode(f.holderTag),
        campaignName: campaigns?.get(f.campaignId)?.names ?? null,
        kind: f.kind,
        faceValueFen: f.faceValueFen,
        validUntil: new Date(f.validUntil * 1000).toISOString(),
      },
    ];
  });
  if (vouchers.length === 0) throw new PosError('holder_code_unknown', 'no usable voucher under this holder code', { params: { code } });
  return { code, vouchers };
}
