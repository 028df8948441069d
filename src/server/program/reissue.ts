import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { IssuerKey } from '../../shared/voucher/manifest';
import type { IssuedVoucher, ProgramStore, VoucherRecord } from '../store/programStore';
import { chunks, loadVoucherContext } from '../sync/voucherRules';
import { checkInput, keyIdSchema, reasonSchema, voucherIdSchema } from './inputs';
import { mint, withoutToken } from './mint';
import { ProgramError } from './programError';

export interface ReissueOptions {
  /** Every live voucher signed by this key (usually one just revoked)… */
  keyId?: number;
  /** …or these vouchers (a lost card, a card to print again). */
  voucherIds?: string[];
  /** Goes into the manifest's revocation of the old vouchers. */
  reason?: string;
  now?: Date;
}

/** Why a voucher got no new token: not ours, revoked already, a fixed voucher used, a balance spent. */
export type SkipReason = 'unknown' | 'revoked' | 'used' | 'spent';

export interface ReissueResult {
  issued: IssuedVoucher[];
  skipped: Array<{ voucherId: string; why: SkipReason }>;
}

/**
 * New tokens for vouchers whose old ones must stop working. Each new voucher keeps the campaign,
 * the validity and the holder tag (the family's holder code on the card stays the same), is signed
 * by the newest valid key, and is worth what is left: an unused fixed voucher its face value, a
 * balance voucher its balance less what open authorizations hold. The old voucher is revoked in the
 * same transaction, and old and new share one budget (their lineage): a record of the old card made
 * offline before the revocation still counts, and the two together never pay more than was given.
 */
export async function reissueVouchers(
  store: ProgramStore,
  o: ReissueOptions,
  pickKey: (keyId: undefined, now: Date, until: Date) => Promise<IssuerKey>,
  privateKeyOf: (keyId: number) => KeyObject,
): Promise<ReissueResult> {
  const now = o.now ?? new Date();
  const reason = o.reason === undefined ? null : checkInput(reasonSchema, o.reason, 'reason');
  if ((o.keyId === undefined) === (o.voucherIds === undefined) || o.voucherIds?.length === 0)
    throw new ProgramError('name a key (--key KID) or the vouchers to re-issue (one or the other)');
  const ids =
    o.keyId !== undefined
      ? (await store.listVouchers({ keyId: checkInput(keyIdSchema, o.keyId, 'key') })).filter((v) => !v.revokedAt).map((v) => v.voucherId)
      : [...new Set(o.voucherIds!.map((id) => checkInput(voucherIdSchema, id.trim().toLowerCase(), 'voucher')))];
  if (ids.length === 0) return { issued: [], skipped: [] };
  // The key is chosen before the transaction (SQLite runs one statement at a time).
  let latestUntil = 0;
  for (const chunk of chunks(ids, 500)) for (const v of await store.getVouchers(chunk)) latestUntil = Math.max(latestUntil, v.validUntil);
  const key = await pickKey(undefined, now, new Date(latestUntil * 1000));
  const privateKey = privateKeyOf(key.keyId);
  const nowIso = now.toISOString();

  return store.sql.tx(async (t) => {
    const ctx = await loadVoucherContext(t, ids, '');
    const heldOn = (members: string[]) =>
      members
        .flatMap((m) => ctx.reservations.get(m) ?? [])
        .filter((h) => h.status === 'reserved' && h.expiresAtMs > now.getTime())
        .reduce((a, h) => a + h.amount, 0);
    const skipped: ReissueResult['skipped'] = [];
    const plans: Array<{ old: VoucherRecord; valueFen: number }> = [];
    for (const id of ids) {
      const st = ctx.state.get(id);
      if (!st) skipped.push({ voucherId: id, why: 'unknown' });
      else if (st.v.revokedAt) skipped.push({ voucherId: id, why: 'revoked' });
      else if (st.v.kind === 'fixed') {
        if (st.budget.live > 0) skipped.push({ voucherId: id, why: 'used' });
        else plans.push({ old: st.v, valueFen: st.v.faceValueFen });
      } else {
        const left = Math.min(
          st.v.faceValueFen - st.net - heldOn([id]),
          st.budget.faceValueFen - st.budget.net - heldOn(st.budget.members),
        );
        if (left <= 0) skipped.push({ voucherId: id, why: 'spent' });
        else plans.push({ old: st.v, valueFen: left });
      }
    }
    const issued = plans.map(({ old, valueFen }) =>
      mint(privateKey, {
        voucherId: crypto.randomBytes(16).toString('hex'),
        campaignId: old.campaignId,
        kind: old.kind,
        faceValueFen: valueFen,
        validFrom: old.validFrom,
        validUntil: old.validUntil,
        holderTag: old.holderTag,
        keyId: key.keyId,
        issuedAt: nowIso,
        replaces: old.voucherId,
        lineage: old.lineage ?? old.voucherId,
      }),
    );
    await store.addVouchers(issued.map(withoutToken), t);
    for (const chunk of chunks(
      plans.map((p) => p.old.voucherId),
      500,
    ))
      await t.run(
        `UPDATE vouchers SET revoked_at = ?, revoke_reason = ?, lineage = COALESCE(lineage, voucher_id)
          WHERE revoked_at IS NULL AND voucher_id IN (${chunk.map(() => '?').join(', ')})`,
        [nowIso, reason ?? 're-issued', ...chunk],
      );
    return { issued, skipped };
  });
}
