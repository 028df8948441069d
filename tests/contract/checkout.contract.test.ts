import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { direct, overHttp, useSeededTill } from '../helpers/clients';
import { code, value } from '../helpers/results';
import { holderCode } from '../../src/shared/voucher/token';

describe.each([direct, overHttp])('checkout contract via $name', (factory) => {
  const till = useSeededTill(factory);

  const formula = () => till.seed.item('飞鹤');
  const beer = () => till.seed.item('啤酒');
  const commit = async (
    vouchers: string[],
    lines: Array<{ itemId: number; quantity: number }>,
    plan: 'max_cover' | 'least_forfeit' = 'max_cover',
  ) => {
    const q = value(await till.api.quoteSale({ lines, vouchers, plan }));
    return till.api.commitSale({
      lines,
      vouchers,
      plan,
      clientSaleId: crypto.randomUUID(),
      expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
    });
  };

  it('roles are enforced in core: signed out, cashier, owner', async () => {
    till.h.useSession(undefined);
    expect(code(await till.api.quoteSale({ lines: [], vouchers: [] }))).toBe('not_logged_in');
    expect(code(await till.api.lookupBarcode({ code: '6902754001019' }))).toBe('not_logged_in');
    till.h.useSession(till.seed.cashierSession());
    expect(code(await till.api.createUser({ name: '新人', role: 'cashier', pin: '0000' }))).toBe('forbidden');
    expect(code(await till.api.saveItem({ name: 'x', priceFen: 1, unit: '个', category: 'other', quickKey: false, barcodes: [] }))).toBe(
      'forbidden',
    );
    expect(code(await till.api.verifyJournal({}))).toBe('forbidden');
    till.h.useSession(till.seed.ownerSession);
    expect(value(await till.api.createUser({ name: '新人', role: 'cashier', pin: '0000' }))).toMatchObject({
      name: '新人',
      role: 'cashier',
    });
    till.h.useSession('forged-session-token');
    expect(code(await till.api.quoteSale({ lines: [], vouchers: [] }))).toBe('not_logged_in');
  });

  it('first-run setup happens once', async () => {
    expect(value(await till.api.getSetupState({}))).toMatchObject({ needsSetup: false, shopName: '爱心母婴店' });
    expect(code(await till.api.setupShop({ shopName: 'x', ownerName: 'y', ownerPin: '9999', loadDemoCatalog: false }))).toBe(
      'already_set_up',
    );
  });

  it('PIN login with lockout after 5 wrong PINs for 5 minutes', async () => {
    const id = till.seed.cashier.id;
    for (let left = 4; left >= 1; left--) {
      const r = await till.api.login({ userId: id, pin: '0000' });
      expect(r).toMatchObject({ ok: false, error: { code: 'pin_wrong', params: { left } } });
    }
    expect(await till.api.login({ userId: id, pin: '0000' })).toMatchObject({
      ok: false,
      error: { code: 'locked_out', params: { minutes: 5 } },
    });
    // even the right PIN is refused while locked
    expect(code(await till.api.login({ userId: id, pin: '5678' }))).toBe('locked_out');
    till.h.clock.ms += 5 * 60 * 1000 + 1;
    const ok = value(await till.api.login({ userId: id, pin: '5678' }));
    expect(ok.user).toMatchObject({ id, role: 'cashier' });
  });

  it('barcodes: EAN-13, UPC-A form, bad check digit, unknown', async () => {
    expect(value(await till.api.lookupBarcode({ code: '6902754001019' })).name).toContain('飞鹤');
    expect(code(await till.api.lookupBarcode({ code: '6902754001018' }))).toBe('invalid_barcode');
    expect(await till.api.lookupBarcode({ code: '4006381333931' })).toMatchObject({
      ok: false,
      error: { code: 'unknown_barcode', params: { code: '4006381333931' } },
    });
    till.h.useSession(till.seed.ownerSession);
    value(
      await till.api.saveItem({
        name: '进口奶粉',
        priceFen: 30000,
        unit: '罐',
        category: 'infant_formula',
        quickKey: false,
        barcodes: ['036000291452'],
      }),
    );
    till.h.useSession(till.seed.cashierSession());
    expect(value(await till.api.lookupBarcode({ code: '0036000291452' })).name).toBe('进口奶粉');
    expect(value(await till.api.lookupBarcode({ code: '036000291452' })).name).toBe('进口奶粉');
  });

  it('a mixed basket: the formula is paid by the voucher, the beer is not, the rest is forfeited and recorded', async () => {
    const v = till.seed.babyVoucher();
    const lines = [
      { itemId: beer().id, quantity: 2 },
      { itemId: till.seed.item('婴儿湿巾').id, quantity: 1 },
    ];
    const q = value(await till.api.quoteSale({ lines, vouchers: [v.token] }));
    expect(q.lines.map((l) => [l.status, l.reason])).toEqual([
      ['not_eligible', 'never_eligible'],
      ['eligible', null],
    ]);
    expect(q.totals).toEqual({ basketFen: 1300 + 2990, voucherPaidFen: 2990, otherTenderFen: 1300, forfeitedFen: 2010 });
    expect(q.vouchers[0]).toMatchObject({ code: 'valid', selected: true, usedFen: 2990, forfeitedFen: 2010, balanceAfterFen: 0 });
    const sale = value(await commit([v.token], lines));
    expect(sale.totals).toEqual(q.totals);
    expect(sale.records).toHaveLength(1);
    const [record] = till.h.services.journal.bySale(sale.saleId);
    expect(record).toMatchObject({
      type: 'redeem',
      amountFen: 2990,
      forfeitedFen: 2010,
      otherTenderFen: 1300,
      authorization: 'offline',
      voucherId: v.fields.voucherId,
      categories: { baby_care: { amountFen: 2990, quantity: 1 } },
    });
    // the same voucher again: already used
    const again = value(await till.api.quoteSale({ lines, vouchers: [v.token] }));
    expect(again.vouchers[0]!.code).toBe('already_used');
    expect(again.committable).toBe(false);
    expect(code(await commit([v.token], lines))).toBe('sale_blocked');
  });

  it('committing twice with the same client sale id records the sale once', async () => {
    const v = till.seed.childVoucher();
    const lines = [{ itemId: till.seed.item('绘本').id, quantity: 1 }];
    const q = value(await till.api.quoteSale({ lines, vouchers: [v.token] }));
    const input = {
      lines,
      vouchers: [v.token],
      plan: 'max_cover' as const,
      clientSaleId: crypto.randomUUID(),
      expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
    };
    const [a, b] = await Promise.all([till.api.commitSale(input), till.api.commitSale(input)]);
    expect(value(a).saleId).toBe(value(b).saleId);
    expect(till.h.services.journal.head().seq).toBe(1);
    const after = value(await till.api.quoteSale({ lines, vouchers: [v.token] }));
    expect(after.vouchers[0]).toMatchObject({ balanceBeforeFen: 20000 - 3280 });
  });

  it('a sale that changed since the cashier saw it is not committed', async () => {
    const v = till.seed.babyVoucher();
    const lines = [{ itemId: formula().id, quantity: 1 }];
    const r = await till.api.commitSale({
      lines,
      vouchers: [v.token],
      plan: 'max_cover',
      clientSaleId: crypto.randomUUID(),
      expect: { voucherPaidFen: 4000, otherTenderFen: 0, forfeitedFen: 0 },
    });
    expect(code(r)).toBe('quote_changed');
    expect(till.h.services.journal.head().seq).toBe(0);
  });

  it('the cashier may choose the plan that forfeits less', async () => {
    const vouchers = [till.seed.babyVoucher().token, till.seed.babyVoucher().token, till.seed.babyVoucher().token];
    const lines = [{ itemId: till.seed.item('好奇').id, quantity: 1 }]; // ¥119: three vouchers pay it all and forfeit ¥31
    const q = value(await till.api.quoteSale({ lines, vouchers }));
    expect(q.totals).toMatchObject({ voucherPaidFen: 11900, forfeitedFen: 3100, otherTenderFen: 0 });
    expect(q.alternative).toMatchObject({ plan: 'least_forfeit', voucherPaidFen: 10000, forfeitedFen: 0, otherTenderFen: 1900 });
    const sale = value(await commit(vouchers, lines, 'least_forfeit'));
    expect(sale.totals).toMatchObject({ voucherPaidFen: 10000, forfeitedFen: 0, otherTenderFen: 1900 });
    expect(sale.vouchers).toHaveLength(2);
    // the third voucher was not consumed
    expect(value(await till.api.quoteSale({ lines, vouchers: [vouchers[2]!] })).vouchers[0]!.code).toBe('valid');
  });

  it('void: own sale within 10 minutes; later only with the owner’s PIN; the voucher is usable again', async () => {
    const v = till.seed.babyVoucher();
    const lines = [{ itemId: formula().id, quantity: 1 }];
    const sale = value(await commit([v.token], lines));
    till.h.clock.ms += 11 * 60 * 1000;
    expect(code(await till.api.voidSale({ saleId: sale.saleId }))).toBe('void_needs_owner');
    expect(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: '0000' }))).toBe('pin_wrong');
    const voided = value(await till.api.voidSale({ saleId: sale.saleId, ownerPin: '1234' }));
    expect(voided.voidedAt).not.toBeNull();
    expect(voided.records.map((r) => r.type)).toEqual(['redeem', 'reverse']);
    expect(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: '1234' }))).toBe('already_voided');
    expect(value(await till.api.quoteSale({ lines, vouchers: [v.token] })).vouchers[0]!.code).toBe('valid');
    till.h.useSession(till.seed.ownerSession);
    expect(value(await till.api.verifyJournal({}))).toEqual({ ok: true, count: 2, headSeq: 2, problem: null });
  });

  it('today’s sales list knows what the cashier may void alone', async () => {
    const s1 = value(await commit([till.seed.babyVoucher().token], [{ itemId: formula().id, quantity: 1 }]));
    const list = value(await till.api.listSalesToday({}));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ saleId: s1.saleId, voidableBySelf: true, cashierName: '李收银' });
    till.h.clock.ms += 11 * 60 * 1000;
    expect(value(await till.api.listSalesToday({}))[0]!.voidableBySelf).toBe(false);
  });

  it('overflowing quantities and prices are refused', async () => {
    expect(code(await till.api.quoteSale({ lines: [{ itemId: formula().id, quantity: 100000 }], vouchers: [] }))).toBe('validation');
    const many = Array.from({ length: 200 }, () => ({ itemId: formula().id, quantity: 999 }));
    expect(code(await till.api.quoteSale({ lines: many, vouchers: [] }))).toBe('amount_too_large');
    till.h.useSession(till.seed.ownerSession);
    expect(
      code(await till.api.saveItem({ name: 'x', priceFen: 10_000_001, unit: '个', category: 'other', quickKey: false, barcodes: [] })),
    ).toBe('validation');
  });

  it('every scanned string in a sale gets a verdict; the same voucher twice is caught', async () => {
    const v = till.seed.babyVoucher();
    const q = value(
      await till.api.quoteSale({
        lines: [{ itemId: formula().id, quantity: 1 }],
        vouchers: [
          v.token,
          v.token,
          'hello',
          '',
          till.seed.babyVoucher({
            validUntil: Date.parse('2026-01-01T00:00:00Z') / 1000,
            validFrom: Date.parse('2025-12-01T00:00:00Z') / 1000,
          }).token,
        ],
      }),
    );
    expect(q.vouchers.map((x) => x.code)).toEqual(['valid', 'duplicate_in_sale', 'wrong_prefix', 'empty', 'expired']);
  });
  it('a voucher is named by the holder code on its card: in the quote, the recorded sale, and after a void', async () => {
    const v = till.seed.babyVoucher();
    const card = holderCode(v.fields.holderTag);
    const lines = [{ itemId: formula().id, quantity: 1 }];
    expect(value(await till.api.quoteSale({ lines, vouchers: [v.token] })).vouchers[0]).toMatchObject({ code: 'valid', holderCode: card });
    expect(value(await till.api.quoteSale({ lines, vouchers: ['hello'] })).vouchers[0]).toMatchObject({ holderCode: null });
    const sale = value(await commit([v.token], lines));
    expect(sale.vouchers[0]!.holderCode).toBe(card);
    expect(value(await till.api.getSale({ saleId: sale.saleId })).vouchers[0]!.holderCode).toBe(card);
    const voided = value(await till.api.voidSale({ saleId: sale.saleId }));
    expect(voided.vouchers[0]!.holderCode).toBe(card);
  });

  it('a sale says where its records are with the program: waiting for enrollment, uploaded, then the program’s answer', async () => {
    const lines = [{ itemId: formula().id, quantity: 1 }];
    const sale = value(await commit([till.seed.babyVoucher().token], lines));
    // This till has no program: redeemed offline, and nothing to upload to yet.
    expect(sale.records.map((r) => r.authorization)).toEqual(['offline']);
    expect(sale.upload).toBe('not_enrolled');
    const upload = async () => value(await till.api.getSaleUpload({ saleId: sale.saleId })).upload;
    expect(await upload()).toBe('not_enrolled');

    // A finished batch covering its seq (as the upload, or recovery from the program, writes it): uploaded.
    const seq = sale.records[0]!.seq;
    const at = new Date(till.h.clock.ms).toISOString();
    till.h.services.db
      .prepare('INSERT INTO outbox_batches (batch_id, from_seq, to_seq, created_at, done_at) VALUES (?, ?, ?, ?, ?)')
      .run('b-1', seq, seq, at, at);
    expect(await upload()).toBe('uploaded');
    expect(value(await till.api.getSale({ saleId: sale.saleId })).upload).toBe('uploaded');

    // The program's answer, as the upload's reply or the status pull records it.
    const answer = till.h.services.db.prepare(
      'INSERT INTO record_status (record_id, status, reason, statement_id, updated_at) VALUES (?, ?, NULL, NULL, ?) ON CONFLICT (record_id) DO UPDATE SET status = excluded.status',
    );
    for (const [status, shown] of [
      ['held', 'held'],
      ['accepted', 'accepted'],
      ['rejected', 'rejected'],
    ] as const) {
      answer.run(sale.records[0]!.id, status, at);
      expect(await upload()).toBe(shown);
      expect(value(await till.api.getSale({ saleId: sale.saleId })).upload).toBe(shown);
    }
    expect(code(await till.api.getSaleUpload({ saleId: 'no-such-sale' }))).toBe('sale_not_found');
  });

  it('asking after a sale’s upload is polling: it keeps no idle session alive', async () => {
    const sale = value(await commit([till.seed.babyVoucher().token], [{ itemId: formula().id, quantity: 1 }]));
    till.h.useSession(till.seed.ownerSession);
    for (let i = 0; i < 14; i++) {
      till.h.clock.ms += 60_000;
      expect(code(await till.api.getSaleUpload({ saleId: sale.saleId }))).toBe('ok');
    }
    till.h.clock.ms += 2 * 60_000; // 16 minutes since the owner last did anything
    expect(code(await till.api.getSale({ saleId: sale.saleId }))).toBe('session_expired');
  });

  it('voice announcements are on by default, and only the owner turns them off', async () => {
    expect(value(await till.api.getPreferences({}))).toMatchObject({ voice: true });
    expect(code(await till.api.setPreferences({ voice: false }))).toBe('forbidden');
    expect(value(await till.api.setPreferences({ cameraId: 'cam-1' }))).toMatchObject({ cameraId: 'cam-1', voice: true });
    till.h.useSession(till.seed.ownerSession);
    expect(value(await till.api.setPreferences({ voice: false }))).toMatchObject({ voice: false });
    till.h.useSession(till.seed.cashierSession());
    expect(value(await till.api.getPreferences({}))).toMatchObject({ voice: false });
  });
});
