import { isHolderTicket } from '../shared/voucher/holderTicket';
import { decodeToken, type DecodedToken, type VoucherFields } from '../shared/voucher/token';
import type { VoucherVerdict } from '../shared/voucher/verdict';
import { verify } from './ed25519';
import { verifyHolderTicket } from './holderTicket';
import type { TrustedManifest } from './trustedManifest';

export interface VerifyContext {
  manifest: TrustedManifest | null;
  /** This shop's merchant id; null before enrollment (then only campaigns open to every merchant pass). */
  merchantId: string | null;
  nowMs: number;
  /**
   * Tolerance for the till's clock at validity edges. A till a few minutes slow or fast should
   * not turn a beneficiary away at 00:00; the program server applies the same tolerance.
   */
  skewMs: number;
  /** This till's device id (null before enrollment): a holder ticket must have been made for it. */
  deviceId?: string | null;
}

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Decode and fully verify a scanned string against the installed manifest: format, trusted key,
 * signature, campaign, revocation, validity windows and this shop. Whatever the input, it returns
 * a verdict; it never throws. (Per-sale checks such as "already used" or caps live in checkout.)
 */
export function verifyVoucher(raw: string, ctx: VerifyContext): VoucherVerdict {
  if (isHolderTicket(raw)) return verifyTicket(raw, ctx);
  const decoded = decodeToken(raw);
  if (!decoded.ok) return { ok: false, code: decoded.reason };
  return judgeFields(decoded.token.fields, ctx, decoded.token);
}

/** A holder ticket: the program's server key vouches for the fields, for this till, for now. */
function verifyTicket(raw: string, ctx: VerifyContext): VoucherVerdict {
  const m = ctx.manifest;
  if (!m) return { ok: false, code: 'no_manifest' };
  const t = verifyHolderTicket(raw, { serverKeys: m.serverKeys, deviceId: ctx.deviceId ?? null, nowMs: ctx.nowMs, skewMs: ctx.skewMs });
  if (!t.ok) return { ok: false, code: t.code, ...(t.fields ? { voucher: t.fields } : {}) };
  const verdict = judgeFields(t.ticket.fields, ctx, 'checked_by_server_key');
  return verdict.ok ? { ...verdict, byHolderCode: true } : verdict;
}

/**
 * The checks after the string: for a token, the issuer's signature first; then what the program's
 * manifest says of the key, the campaign, the voucher and this shop (the same for a holder ticket).
 */
function judgeFields(
  fields: VoucherFields,
  ctx: VerifyContext,
  issuerSignature: Pick<DecodedToken, 'signedBytes' | 'signature'> | 'checked_by_server_key',
): VoucherVerdict {
  const m = ctx.manifest;
  if (!m) return { ok: false, code: 'no_manifest' };

  const key = m.keys.get(fields.keyId);
  if (!key) return { ok: false, code: 'unknown_key' };
  if (issuerSignature !== 'checked_by_server_key' && !verify(key.key, issuerSignature.signedBytes, issuerSignature.signature))
    return { ok: false, code: 'bad_signature' };
  // From here on the fields are authentic and may be shown.
  const voucher = fields;
  const now = ctx.nowMs;
  const skew = ctx.skewMs;
  // A revoked key binds from the moment the till has the manifest saying so, whatever its clock:
  // the manifest was published after the revocation, so "now" is after it too.
  if (key.revoked) return { ok: false, code: 'key_revoked', voucher };
  // Rotation: a voucher signed by an older key stays good while that key's window is open.
  if (now + skew < key.fromMs || now - skew > key.untilMs) return { ok: false, code: 'key_not_valid', voucher };

  const campaign = m.campaigns.get(fields.campaignId);
  if (!campaign) return { ok: false, code: 'unknown_campaign', voucher };
  if (campaign.kind !== fields.kind) return { ok: false, code: 'kind_mismatch', voucher };
  if (m.revoked.has(fields.voucherId)) return { ok: false, code: 'revoked', voucher };
  if (now + skew < fields.validFrom * 1000) return { ok: false, code: 'not_yet_valid', voucher };
  if (now - skew > fields.validUntil * 1000) return { ok: false, code: 'expired', voucher };
  if (now + skew < campaign.fromMs || now - skew > campaign.untilMs) return { ok: false, code: 'campaign_not_active', voucher };
  // '*' opens a campaign to every shop; a till not yet enrolled (merchant null) is no named shop.
  if (!campaign.merchants.some((m) => m === '*' || m === ctx.merchantId)) return { ok: false, code: 'not_at_this_shop', voucher };
  return { ok: true, voucher, campaign };
}
