import type { KeyObject } from 'node:crypto';
import { sign } from '../../trust/ed25519';
import { encodePayload, encodeToken, signingInput, type VoucherFields } from '../../shared/voucher/token';
import type { IssuedVoucher, VoucherRecord } from '../store/programStore';

type NewVoucher = Omit<VoucherRecord, 'revokedAt' | 'revokeReason' | 'replaces' | 'lineage'> &
  Partial<Pick<VoucherRecord, 'replaces' | 'lineage'>>;

/** Signs a voucher's fields into its token (the QR). The token goes to the CSV and the cards only. */
/** The fields a voucher's token (or holder ticket) carries, from what the program stores of it. */
export function voucherFields(v: Pick<VoucherRecord, keyof VoucherFields>): VoucherFields {
  return {
    voucherId: v.voucherId,
    campaignId: v.campaignId,
    kind: v.kind,
    faceValueFen: v.faceValueFen,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
    holderTag: v.holderTag,
    keyId: v.keyId,
  };
}

export function mint(privateKey: KeyObject, v: NewVoucher): IssuedVoucher {
  const payload = encodePayload(voucherFields(v));
  const token = encodeToken(payload, sign(privateKey, signingInput(payload)));
  return { revokedAt: null, revokeReason: null, replaces: null, lineage: null, ...v, token };
}

/** What the program stores of an issued voucher. */
export const withoutToken = ({ token: _token, ...v }: IssuedVoucher): VoucherRecord => v;
