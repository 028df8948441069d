import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_FAILED_PINS } from '../../src/core/auth/users';
import { direct, overHttp, useSeededTill } from '../helpers/clients';
import { code, value } from '../helpers/results';

/** Attacks on the till itself (issue: trust), each through core directly and over the HTTP host. */

describe.each([direct, overHttp])('the till resists its own users via $name', (factory) => {
  const till = useSeededTill(factory);

  const lateSale = async () => {
    const lines = [{ itemId: till.seed.item('飞鹤').id, quantity: 1 }];
    const vouchers = [till.seed.babyVoucher().token];
    const q = value(await till.api.quoteSale({ lines, vouchers }));
    const sale = value(
      await till.api.commitSale({
        lines,
        vouchers,
        clientSaleId: crypto.randomUUID(),
        expect: { voucherPaidFen: q.totals.voucherPaidFen, otherTenderFen: q.totals.otherTenderFen, forfeitedFen: q.totals.forfeitedFen },
      }),
    );
    till.h.clock.ms += 11 * 60_000; // past the cashier's own 10 minutes: the owner must approve
    return sale;
  };

  const failedPins = (userId: number) =>
    till.h.services.db.prepare('SELECT failed_pins, locked_until FROM users WHERE id = ?').get(userId) as {
      failed_pins: number;
      locked_until: string | null;
    };

  it('a cashier cannot guess the owner’s PIN through void approvals: the failures count and the owner locks', async () => {
    const sale = await lateSale();
    const answers: string[] = [];
    for (let i = 0; i < 30; i++)
      answers.push(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: String(1000 + i).padStart(4, '0') })));
    // The count went up for good: four wrong answers, then the owner is locked (and the cashier paused).
    expect(answers.slice(0, MAX_FAILED_PINS - 1)).toEqual(Array(MAX_FAILED_PINS - 1).fill('pin_wrong'));
    expect(answers.slice(MAX_FAILED_PINS - 1).every((c) => c === 'locked_out' || c === 'approvals_locked')).toBe(true);
    expect(failedPins(till.seed.owner.id).locked_until).not.toBeNull();
    // Even the right PIN does not work now, and the owner cannot sign in either until the lockout ends.
    expect(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: '1234' }))).not.toBe('ok');
    till.h.useSession(undefined);
    expect(code(await till.api.login({ userId: till.seed.owner.id, pin: '1234' }))).toBe('locked_out');
  });

  it('approvals are throttled per acting cashier, even when owners share the guessing', async () => {
    const sale = await lateSale();
    // Two owners: each wrong PIN is tried against both, so the owners' own lockouts come later.
    till.h.services.users.create('张店主', 'owner', '4321');
    for (let i = 0; i < 4; i++) expect(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: `99${i}9` }))).toBe('pin_wrong');
    expect(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: '9949' }))).toMatch(/approvals_locked|locked_out/);
    const r = await till.api.voidSale({ saleId: sale.saleId, ownerPin: '4321' });
    expect(code(r)).toMatch(/approvals_locked|locked_out/);
    // The pause ends after the lockout time; then the right PIN approves.
    till.h.clock.ms += 6 * 60_000;
    expect(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: '4321' }))).toBe('ok');
  });

  it('three wrong owner PINs, then the right one, then two wrong: not locked', async () => {
    const sale = await lateSale();
    const other = await lateSale();
    for (const pin of ['1111', '2222', '3333'])
      expect(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: pin }))).toBe('pin_wrong');
    expect(code(await till.api.voidSale({ saleId: sale.saleId, ownerPin: '1234' }))).toBe('ok');
    for (const pin of ['1111', '2222']) expect(code(await till.api.voidSale({ saleId: other.saleId, ownerPin: pin }))).toBe('pin_wrong');
    expect(failedPins(till.seed.owner.id)).toEqual({ failed_pins: 2, locked_until: null });
    expect(code(await till.api.voidSale({ saleId: other.saleId, ownerPin: '1234' }))).toBe('ok');
  });

  it('an idle owner session expires after 15 minutes; a cashier’s after 8 hours; none lives past 12 hours', async () => {
    till.h.useSession(till.seed.ownerSession);
    expect(code(await till.api.verifyJournal({}))).toBe('ok');
    till.h.clock.ms += 14 * 60_000;
    expect(code(await till.api.verifyJournal({}))).toBe('ok'); // activity restarts the idle clock
    till.h.clock.ms += 16 * 60_000;
    expect(code(await till.api.verifyJournal({}))).toBe('session_expired');
    expect(value(await till.api.getStatus({})).cashier).toBeNull();

    const cashier = till.seed.cashierSession();
    till.h.useSession(cashier);
    till.h.clock.ms += 7 * 3_600_000;
    expect(code(await till.api.listSalesToday({}))).toBe('ok');
    till.h.clock.ms += 4 * 3_600_000;
    expect(code(await till.api.listSalesToday({}))).toBe('ok'); // 11 h old, active
    till.h.clock.ms += 2 * 3_600_000;
    expect(code(await till.api.listSalesToday({}))).toBe('session_expired'); // 13 h: past the maximum age
  });

  it('a screen that polls does not keep an idle session alive', async () => {
    till.h.useSession(till.seed.ownerSession);
    for (let i = 0; i < 14; i++) {
      till.h.clock.ms += 60_000;
      expect(code(await till.api.getSync({}))).toBe('ok');
    }
    till.h.clock.ms += 2 * 60_000; // 16 minutes since the owner last did anything
    expect(code(await till.api.verifyJournal({}))).toBe('session_expired');
  });
});
