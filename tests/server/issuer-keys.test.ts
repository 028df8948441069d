import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicKeyFromBase64url } from '../../src/trust/ed25519';
import { trustManifest } from '../../src/trust/trustedManifest';
import { DEFAULT_CLOCK_SKEW_MS, verifyVoucher } from '../../src/trust/verifyVoucher';
import { manifestSchema } from '../../src/shared/voucher/manifest';
import { programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill } from '../helpers/rawTill';

const MIN = 60_000;

/** Issue 10, item 3: an issuer key can be revoked, tills and the server stop its vouchers, and they can be re-issued. */
describe.each(STORES)('revoking an issuer key on $name', (kind) => {
  let world: ProgramWorld;
  const clock = { ms: Date.now() };
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    clock.ms = Date.now();
    world = await programWorld(kind, { now: () => new Date(clock.ms) });
  });
  afterEach(async () => {
    await world?.close();
  });

  const verdictAt = async (token: string, nowMs: number) => {
    const m = await world.program.publishManifest(new Date(clock.ms));
    const root = publicKeyFromBase64url((await world.store.getProgram())!.rootPublicKey);
    return verifyVoucher(token, { manifest: trustManifest(m, root), merchantId: 'M1', nowMs, skewMs: DEFAULT_CLOCK_SKEW_MS });
  };

  it('the next manifest ends a revoked key, and a till refuses its vouchers whatever its clock says', async () => {
    const [old] = await world.issue('child', 1);
    await world.program.createIssuerKey(800, new Date(clock.ms - MIN));
    const revokedAt = new Date(clock.ms);
    await world.program.revokeIssuerKey(1, '密钥泄露', revokedAt);
    const m = manifestSchema.parse(JSON.parse((await world.program.publishManifest(revokedAt)).manifest));
    expect(m.keys.find((k) => k.keyId === 1)).toMatchObject({
      validUntil: revokedAt.toISOString(),
      revokedAt: revokedAt.toISOString(),
      reason: '密钥泄露',
    });
    // A till whose clock is an hour slow still refuses it; a till that ignores `revokedAt` stops at validUntil.
    expect(await verdictAt(old!.token, clock.ms - 60 * MIN)).toMatchObject({ ok: false, code: 'key_revoked' });
    const [fresh] = await world.issue('child', 1);
    expect((await verdictAt(fresh!.token, clock.ms)).ok).toBe(true);
    await expect(world.program.issueVouchers({ campaignId: 2, count: 1, faceValueFen: 100, keyId: 1 })).rejects.toThrow(/revoked/);
    await expect(world.program.revokeIssuerKey(1, 'again')).rejects.toThrow(/revoked already/);
  });

  it('a record for a revoked issuer key is rejected; one made before the revocation is still paid', async () => {
    const till = await rawTill(world, 'M1', () => clock.ms);
    const [v] = await world.issue('child', 1);
    clock.ms += MIN;
    const before = till.record({ voucherId: v!.voucherId, amountFen: 3000 });
    clock.ms += MIN;
    await world.program.revokeIssuerKey(1, 'leaked', new Date(clock.ms));
    clock.ms += MIN;
    const after = till.record({ voucherId: v!.voucherId, amountFen: 3000 });
    const reply = await till.upload([before, after]);
    expect(reply.status).toBe(200);
    expect(reply.body.results!.map((r) => r.reason)).toEqual([null, 'key_revoked']);
  });

  it('an authorization for a voucher of a revoked key is declined', async () => {
    const till = await rawTill(world, 'M1', () => clock.ms);
    const [v] = await world.issue('child', 1);
    await world.program.revokeIssuerKey(1, 'leaked', new Date(clock.ms - 1000));
    const r = await till.post('/v1/authorize', {
      idempotencyKey: `${crypto.randomUUID()}:${v!.voucherId}`,
      voucherId: v!.voucherId,
      campaignId: 2,
      amountFen: 1000,
      token: v!.token,
    });
    expect(r).toMatchObject({ status: 200, body: { status: 'declined', reason: 'key_revoked' } });
  });

  it('re-issue gives new tokens under the new key for what is left, and revokes the old ones', async () => {
    const till = await rawTill(world, 'M1', () => clock.ms);
    const [fixedUnused, fixedUsed] = await world.issue('baby', 2);
    const [balance] = await world.issue('child', 1);
    clock.ms += MIN;
    const spent = await till.upload([
      till.record({ voucherId: balance!.voucherId, amountFen: 6000 }),
      till.record({
        voucherId: fixedUsed!.voucherId,
        campaignId: 1,
        kind: 'fixed',
        amountFen: 5000,
        categories: { diapers: { amountFen: 5000, quantity: 1 } },
      }),
    ]);
    expect(spent.body.results!.every((r) => r.status === 'accepted')).toBe(true);
    await world.program.createIssuerKey(800, new Date(clock.ms - MIN));
    await world.program.revokeIssuerKey(1, 'leaked', new Date(clock.ms));
    const r = await world.program.reissue({ keyId: 1, now: new Date(clock.ms) });
    expect(r.skipped).toEqual([{ voucherId: fixedUsed!.voucherId, why: 'used' }]);
    const byOld = new Map(r.issued.map((v) => [v.replaces, v]));
    const olds = [fixedUnused!, balance!].map((o) => o.voucherId);
    expect([...byOld.keys()].sort()).toEqual(olds.sort());
    expect(byOld.get(fixedUnused!.voucherId)).toMatchObject({ keyId: 2, faceValueFen: 5000, kind: 'fixed' });
    expect(byOld.get(balance!.voucherId)).toMatchObject({ keyId: 2, faceValueFen: 14000, kind: 'balance' });
    for (const o of olds) {
      const was = (await world.store.getVoucher(o))!;
      expect(was.revokedAt).not.toBeNull();
      expect(byOld.get(o)!.holderTag).toBe(was.holderTag); // the family's holder code stays the same
      expect((await verdictAt(byOld.get(o)!.token, clock.ms)).ok).toBe(true);
    }
    expect((await verdictAt(balance!.token, clock.ms)).ok).toBe(false);
  });

  it('an old card and its re-issued card together never pay more than the voucher was worth', async () => {
    const till = await rawTill(world, 'M1', () => clock.ms);
    const [balance] = await world.issue('child', 1);
    const [fixed] = await world.issue('baby', 1);
    clock.ms += MIN;
    const firstSale = till.record({ voucherId: balance!.voucherId, amountFen: 6000 });
    clock.ms += MIN;
    // A sale of the old cards made offline before the re-issue, that reaches the program only later.
    const lateOld = till.record({ voucherId: balance!.voucherId, amountFen: 10_000 });
    const lateFixed = till.record({
      voucherId: fixed!.voucherId,
      campaignId: 1,
      kind: 'fixed',
      amountFen: 5000,
      categories: { diapers: { amountFen: 5000, quantity: 1 } },
    });
    expect((await till.upload([firstSale])).body.results![0]!.status).toBe('accepted');
    clock.ms += MIN;
    const { issued } = await world.program.reissue({ voucherIds: [balance!.voucherId, fixed!.voucherId], now: new Date(clock.ms) });
    const newBalance = issued.find((v) => v.replaces === balance!.voucherId)!;
    const newFixed = issued.find((v) => v.replaces === fixed!.voucherId)!;
    expect(newBalance.faceValueFen).toBe(14_000);
    clock.ms += MIN;
    const useNewFixed = till.record({
      voucherId: newFixed.voucherId,
      campaignId: 1,
      kind: 'fixed',
      amountFen: 5000,
      categories: { diapers: { amountFen: 5000, quantity: 1 } },
    });
    const tooMuch = till.record({ voucherId: newBalance.voucherId, amountFen: 14_000 });
    const rest = till.record({ voucherId: newBalance.voucherId, amountFen: 4000 });
    const reply = await till.upload([lateOld, lateFixed, useNewFixed, tooMuch, rest]);
    expect(reply.body.results!.map((r) => r.reason)).toEqual([null, null, 'double_spend', 'over_balance', null]);
    const paid = await world.store.sql.get<{ n: number }>(
      "SELECT SUM(amount_fen) AS n FROM records WHERE status = 'accepted' AND campaign_id = 2",
    );
    expect(Number(paid!.n)).toBe(20_000);
  });
});
