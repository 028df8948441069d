import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyFiles } from '../../src/server/program/keyFiles';
import { Program } from '../../src/server/program/program';
import { openProgramStore, type ProgramStore } from '../../src/server/store/programStore';
import { judgeVoucherUse, loadVoucherContext } from '../../src/server/sync/voucherRules';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: re-issuing a voucher (a lost card, a leaked key) never creates money: the new card is worth
 * what is left (a balance less what was spent and what live holds keep), a used fixed voucher is not
 * re-issued, and the old card is revoked at the same moment.
 */
describe('re-issuing vouchers', () => {
  let store: ProgramStore;
  let program: Program;
  let cleanup: () => void;
  const now = new Date();
  beforeEach(async () => {
    const t = tempDir('caretill-reissue-');
    cleanup = t.cleanup;
    store = await openProgramStore(path.join(t.dir, 'home'), undefined);
    program = new Program(store, new KeyFiles(path.join(t.dir, 'home', 'keys')));
    await program.init('TEST', '测试项目', 'Test program', new Date(now.getTime() - 60_000));
    const window = {
      validFrom: '2026-01-01T00:00:00+08:00',
      validUntil: '2027-12-31T23:59:59+08:00',
      merchants: ['*'],
      funder: { zh: '基金会', en: 'Fund' },
    };
    const offline = { perVoucherFen: 5000, perDeviceTotalFen: 100_000, maxHoursOffline: 72 };
    await program.createCampaign({
      ...window,
      names: { zh: '新生儿', en: 'Newborn' },
      kind: 'fixed',
      eligibleCategories: ['diapers'],
      offline,
    });
    await program.createCampaign({
      ...window,
      names: { zh: '成长', en: 'Child' },
      kind: 'balance',
      eligibleCategories: ['books'],
      offline,
    });
  });
  afterEach(async () => {
    await store.sql.close();
    cleanup();
  });

  let seq = 0;
  const spend = (voucherId: string, amountFen: number, status = 'accepted') =>
    store.sql.run(
      `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen,
                            forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at)
       VALUES (?, 'D1', 'M1', ?, 'b', 's', 'redeem', ?, ?, 2, 'balance', ?, 0, 0, '{}', 'offline', NULL, 'h', ?, NULL, ?, ?)`,
      [`r-${++seq}`, seq, now.toISOString(), voucherId, amountFen, status, now.toISOString(), now.toISOString()],
    );
  const hold = (voucherId: string, amountFen: number, expiresAt: Date) =>
    store.sql.run(
      `INSERT INTO authorizations (authorization_id, idem_key, device_id, voucher_id, amount_fen, status, reason, created_at, expires_at)
       VALUES (?, ?, 'D2', ?, ?, 'reserved', NULL, ?, ?)`,
      [`h-${++seq}`, `k-${seq}`, voucherId, amountFen, now.toISOString(), expiresAt.toISOString()],
    );

  /** A sale of the child campaign's balance voucher, recorded offline, as the rules judge it. */
  const use = (voucherId: string, amountFen: number) => ({
    voucherId,
    campaignId: 2,
    kind: 'balance' as const,
    amountFen,
    forfeitedFen: 0,
    time: now.toISOString(),
    categories: {},
    saleId: 'late-sale',
    authorization: 'offline',
  });

  it('a balance voucher is re-issued for what is left after spending and live holds; an ended hold keeps nothing', async () => {
    const [v] = await program.issueVouchers({ campaignId: 2, count: 1, faceValueFen: 20_000 });
    await spend(v!.voucherId, 3000);
    await spend(v!.voucherId, 1000, 'rejected');
    await hold(v!.voucherId, 2000, new Date(now.getTime() + 60_000));
    await hold(v!.voucherId, 4000, new Date(now.getTime() - 1));
    const r = await program.reissue({ voucherIds: [` ${v!.voucherId.toUpperCase()} `], reason: 'card lost' });
    expect(r.skipped).toEqual([]);
    expect(r.issued).toHaveLength(1);
    expect(r.issued[0]).toMatchObject({
      faceValueFen: 15_000,
      campaignId: 2,
      holderTag: v!.holderTag,
      replaces: v!.voucherId,
      lineage: v!.voucherId,
    });
    const old = await store.sql.get<{ revoked_at: string; revoke_reason: string; lineage: string }>(
      'SELECT revoked_at, revoke_reason, lineage FROM vouchers WHERE voucher_id = ?',
      [v!.voucherId],
    );
    expect(old).toMatchObject({ revoke_reason: 'card lost', lineage: v!.voucherId });
  });

  it('a re-issue of a re-issue shares the first card’s budget', async () => {
    const [v] = await program.issueVouchers({ campaignId: 2, count: 1, faceValueFen: 20_000 });
    const first = (await program.reissue({ voucherIds: [v!.voucherId] })).issued[0]!;
    await spend(first.voucherId, 5000);
    const second = (await program.reissue({ voucherIds: [first.voucherId] })).issued[0]!;
    expect(second).toMatchObject({ faceValueFen: 15_000, lineage: v!.voucherId, replaces: first.voucherId });
  });

  it('a re-issue chain shares one budget however many vouchers a batch names (one lock statement, or chunks above 500)', async () => {
    const [v] = await program.issueVouchers({ campaignId: 2, count: 1, faceValueFen: 20_000 });
    await spend(v!.voucherId, 15_000);
    const card = (await program.reissue({ voucherIds: [v!.voucherId] })).issued[0]!;
    await spend(card.voucherId, 1000);
    const others = (await program.issueVouchers({ campaignId: 2, count: 600, faceValueFen: 20_000 })).map((o) => o.voucherId);
    for (const named of [
      [card.voucherId],
      [card.voucherId, ...others.slice(0, 10)],
      [...others.slice(0, 300), card.voucherId, ...others.slice(300)],
    ]) {
      await store.sql.tx(async (t) => {
        const ctx = await loadVoucherContext(t, named, 'D1');
        // The old card is read with the new one, whichever way the vouchers were locked.
        expect(ctx.state.get(v!.voucherId)?.budget.members.sort()).toEqual([v!.voucherId, card.voucherId].sort());
        expect(ctx.state.get(card.voucherId)?.budget).toMatchObject({ faceValueFen: 20_000, net: 16_000, live: 2 });
        expect(ctx.state.size).toBe(named.length + 1);
        // A late offline record on the old card: ¥40 is left of the chain's ¥200, whichever card.
        expect(judgeVoucherUse(ctx, use(v!.voucherId, 4001), 'M1')).toBe('over_balance');
        expect(judgeVoucherUse(ctx, use(v!.voucherId, 4000), 'M1')).toBeNull();
        expect(judgeVoucherUse(ctx, use(card.voucherId, 4000), 'M1')).toBeNull();
        // A voucher of no chain keeps a budget of its own.
        const plain = named[named.length - 1]!;
        if (plain !== card.voucherId)
          expect(ctx.state.get(plain)?.budget).toMatchObject({ faceValueFen: 20_000, net: 0, members: [plain] });
      });
    }
  });

  it('a new card never pays more than its own face value, though the chain has room (a hold it was re-issued without, released later)', async () => {
    const [v] = await program.issueVouchers({ campaignId: 2, count: 1, faceValueFen: 20_000 });
    await spend(v!.voucherId, 15_000);
    await hold(v!.voucherId, 3000, new Date(now.getTime() + 60_000));
    const card = (await program.reissue({ voucherIds: [v!.voucherId] })).issued[0]!;
    expect(card.faceValueFen).toBe(2000); // ￥200 − ￥150 spent − ￥30 held
    await store.sql.run("UPDATE authorizations SET status = 'released'");
    const judge = (amountFen: number) =>
      store.sql.tx(async (t) => judgeVoucherUse(await loadVoucherContext(t, [card.voucherId], 'D1'), use(card.voucherId, amountFen), 'M1'));
    // The chain has ￥50 left, the card ￥20: the card's own value binds.
    expect(await judge(2000)).toBeNull();
    expect(await judge(2001)).toBe('over_balance');
    // Another till's live hold on the card counts against the card's own value too.
    await hold(card.voucherId, 1500, new Date(now.getTime() + 60_000));
    expect(await judge(500)).toBeNull();
    expect(await judge(501)).toBe('over_balance');
  });

  it('used, spent, revoked and unknown vouchers are skipped, each with its reason', async () => {
    const [used, fresh] = await program.issueVouchers({ campaignId: 1, count: 2, faceValueFen: 5000 });
    const [spent] = await program.issueVouchers({ campaignId: 2, count: 1, faceValueFen: 2000 });
    const [revoked] = await program.issueVouchers({ campaignId: 2, count: 1, faceValueFen: 2000 });
    await spend(used!.voucherId, 5000);
    await spend(spent!.voucherId, 2000);
    await program.revoke([revoked!.voucherId], 'stolen');
    const unknown = 'f'.repeat(32);
    const r = await program.reissue({ voucherIds: [used!.voucherId, spent!.voucherId, revoked!.voucherId, unknown, fresh!.voucherId] });
    expect(r.skipped).toEqual([
      { voucherId: used!.voucherId, why: 'used' },
      { voucherId: spent!.voucherId, why: 'spent' },
      { voucherId: revoked!.voucherId, why: 'revoked' },
      { voucherId: unknown, why: 'unknown' },
    ]);
    expect(r.issued.map((i) => [i.replaces, i.faceValueFen])).toEqual([[fresh!.voucherId, 5000]]);
  });

  it('by key: every live voucher the key signed; none left is nothing to do', async () => {
    const vs = await program.issueVouchers({ campaignId: 2, count: 3, faceValueFen: 1000 });
    await program.revoke([vs[0]!.voucherId], null);
    const r = await program.reissue({ keyId: vs[0]!.keyId });
    expect(r.issued.map((i) => i.replaces).sort()).toEqual([vs[1]!.voucherId, vs[2]!.voucherId].sort());
    const unused = await program.createIssuerKey(30);
    expect(await program.reissue({ keyId: unused.keyId })).toEqual({ issued: [], skipped: [] });
  });

  it('one needs to name a key or the vouchers, not both and not neither', async () => {
    await expect(program.reissue({})).rejects.toThrow(/one or the other/);
    await expect(program.reissue({ keyId: 1, voucherIds: ['a'.repeat(32)] })).rejects.toThrow(/one or the other/);
    await expect(program.reissue({ voucherIds: [] })).rejects.toThrow(/one or the other/);
  });
});
