import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  allocateWithAlternative,
  lineEligibility,
  MAX_COMBINATIONS,
  type AllocLine,
  type AllocVoucher,
} from '../../src/core/checkout/allocate';
import { MAX_VOUCHERS_PER_SALE } from '../../src/shared/api/schemas/checkout';

const baby = {
  id: 1,
  eligibleCategories: ['infant_formula', 'diapers', 'baby_care'],
  perVisitCaps: { infant_formula: { maxQuantity: 2 } },
} as AllocVoucher['campaign'];
const child = {
  id: 2,
  eligibleCategories: ['books', 'toys', 'school_supplies'],
  perVisitCaps: { toys: { maxAmountFen: 10000 } },
} as AllocVoucher['campaign'];
const fixed = (face: number, campaign = baby, validUntil = 2_000_000_000): AllocVoucher => ({
  kind: 'fixed',
  campaign,
  faceValueFen: face,
  availableFen: face,
  validUntil,
});
const balance = (avail: number, campaign = child, face = 20000): AllocVoucher => ({
  kind: 'balance',
  campaign,
  faceValueFen: face,
  availableFen: avail,
  validUntil: 2_000_000_000,
});
const line = (category: string, unitPriceFen: number, quantity = 1): AllocLine => ({ category, unitPriceFen, quantity });
const none = new Map<number, number>();

describe('allocate: table', () => {
  it('one ¥50 fixed voucher on ¥38 of formula and a beer: pays ¥38, forfeits ¥12, beer in cash', () => {
    const r = allocate([line('infant_formula', 3800), line('alcohol', 650)], [fixed(5000)], none);
    expect(r).toMatchObject({ basketFen: 4450, voucherPaidFen: 3800, forfeitedFen: 1200, otherTenderFen: 650 });
    expect(r.lines.map((l) => [l.status, l.reason, l.voucherPaidFen])).toEqual([
      ['eligible', null, 3800],
      ['not_eligible', 'never_eligible', 0],
    ]);
    expect(r.vouchers[0]).toMatchObject({ selected: true, usedFen: 3800, forfeitedFen: 1200 });
  });

  it('four ¥50 vouchers on ¥120 eligible: proposes three (forfeit ¥30), offers two plus ¥20 cash', () => {
    const { main, alternative } = allocateWithAlternative(
      [line('diapers', 6000, 2)],
      [fixed(5000), fixed(5000), fixed(5000), fixed(5000)],
      none,
    );
    expect(main).toMatchObject({ voucherPaidFen: 12000, forfeitedFen: 3000, otherTenderFen: 0 });
    expect(main.vouchers.filter((v) => v.selected)).toHaveLength(3);
    expect(alternative).toMatchObject({ plan: 'least_forfeit', voucherPaidFen: 10000, forfeitedFen: 0, otherTenderFen: 2000 });
    expect(alternative!.vouchers.filter((v) => v.selected)).toHaveLength(2);
  });

  it('no alternative when nothing is forfeited, or when the only no-forfeit choice uses no voucher', () => {
    expect(allocateWithAlternative([line('diapers', 10000)], [fixed(5000), fixed(5000)], none).alternative).toBeNull();
    expect(allocateWithAlternative([line('diapers', 3000)], [fixed(5000)], none).alternative).toBeNull();
    // A balance voucher never forfeits: nothing to offer instead.
    expect(allocateWithAlternative([line('books', 3000)], [balance(20000)], none).alternative).toBeNull();
  });

  it('a campaign paying by the lists pays no line they do not vouch for, and says why; a campaign trusting the shop pays it', () => {
    const byList = { ...baby, eligibility: 'apl' } as AllocVoucher['campaign'];
    const lines: AllocLine[] = [
      { ...line('diapers', 3000), unlisted: 'not_listed' },
      { ...line('diapers', 2000), unlisted: 'over_max_price' },
      line('diapers', 1000),
    ];
    const r = allocate(lines, [balance(20000, byList)], none);
    expect(r.lines.map((l) => [l.status, l.reason, l.eligibleFen, l.voucherPaidFen])).toEqual([
      ['not_eligible', 'not_listed', 0, 0],
      ['not_eligible', 'over_max_price', 0, 0],
      ['eligible', null, 1000, 1000],
    ]);
    expect(r).toMatchObject({ voucherPaidFen: 1000, otherTenderFen: 5000 });
    expect(allocate(lines, [balance(20000, baby)], none).voucherPaidFen).toBe(6000);
  });

  it('among equal choices uses the voucher that expires first', () => {
    const r = allocate([line('diapers', 5000)], [fixed(5000, baby, 1_900_000_000), fixed(5000, baby, 1_800_000_000)], none);
    expect(r.vouchers.map((v) => v.selected)).toEqual([false, true]);
  });

  it('…whichever order they were scanned in', () => {
    const r = allocate([line('diapers', 5000)], [fixed(5000, baby, 1_800_000_000), fixed(5000, baby, 1_900_000_000)], none);
    expect(r.vouchers.map((v) => v.selected)).toEqual([true, false]);
  });

  it('of several, uses those that expire soonest: of ¥50 vouchers expiring on days 2, 1 and 3, a ¥100 basket uses days 1 and 2', () => {
    const day = (d: number) => 1_800_000_000 + d * 86_400;
    const r = allocate([line('diapers', 10000)], [fixed(5000, baby, day(2)), fixed(5000, baby, day(1)), fixed(5000, baby, day(3))], none);
    expect(r.vouchers.map((v) => v.selected)).toEqual([true, true, false]);
  });

  it('then uses the fewest vouchers: one ¥100 rather than two ¥50, in either order', () => {
    const fewest = (vs: AllocVoucher[]) => allocate([line('diapers', 10000)], vs, none).vouchers.map((v) => v.selected);
    expect(fewest([fixed(5000), fixed(5000), fixed(10000)])).toEqual([false, false, true]);
    expect(fewest([fixed(10000), fixed(5000), fixed(5000)])).toEqual([true, false, false]);
  });

  it('with everything equal, the voucher scanned first is used', () => {
    const twin = { ...baby, id: 9 } as AllocVoucher['campaign'];
    const r = allocate([line('diapers', 5000)], [fixed(5000, baby), fixed(5000, twin)], none);
    expect(r.vouchers.map((v) => v.selected)).toEqual([true, false]);
  });

  it('a fixed voucher pays before a balance voucher of the same campaign, which keeps its balance', () => {
    const r = allocate([line('diapers', 5000)], [balance(20000, baby), fixed(5000, baby)], none);
    expect(r.vouchers.map((v) => [v.selected, v.usedFen])).toEqual([
      [false, 0],
      [true, 5000],
    ]);
    expect(r.forfeitedFen).toBe(0);
  });

  it('balance vouchers are no choices: they do not count towards the combinations tried', () => {
    const distinct = Array.from({ length: 12 }, (_, i) => fixed(100 + i));
    expect(() => allocate([line('diapers', 100_000)], [...distinct, balance(1000, baby)], none)).not.toThrow();
    expect(() => allocate([line('diapers', 100_000)], [...distinct, fixed(99)], none)).toThrow('too many fixed vouchers in one sale');
  });

  it('prefers the exact-fitting voucher over one that would forfeit', () => {
    const r = allocate([line('diapers', 3000)], [fixed(5000), fixed(3000)], none);
    expect(r.vouchers.map((v) => v.selected)).toEqual([false, true]);
    expect(r.forfeitedFen).toBe(0);
  });

  it('a balance voucher pays min(balance, eligible) and keeps the rest', () => {
    const r = allocate([line('books', 8000), line('tobacco', 4500)], [balance(20000)], none);
    expect(r).toMatchObject({ voucherPaidFen: 8000, forfeitedFen: 0, otherTenderFen: 4500 });
    expect(allocate([line('books', 30000)], [balance(12345)], none).voucherPaidFen).toBe(12345);
  });

  it('fixed vouchers go first; balance tops up (its rest is not lost)', () => {
    const both = { ...baby, eligibleCategories: ['books', 'diapers'] } as AllocVoucher['campaign'];
    const r = allocate([line('books', 12000)], [balance(20000, both), fixed(5000, both)], none);
    expect(r.vouchers.map((v) => v.usedFen)).toEqual([7000, 5000]);
    expect(r.forfeitedFen).toBe(0);
  });

  it('per-visit quantity caps: formula ≤ 2 cans a visit', () => {
    const lines = [line('infant_formula', 10000, 3)];
    expect(lineEligibility(lines, baby)).toEqual([{ amountFen: 20000, reason: 'over_cap' }]);
    // Exactly the cap is no reason; the cap counts the visit, so a second line gets what the first left.
    expect(lineEligibility([line('infant_formula', 10000, 2), line('infant_formula', 9000, 1)], baby)).toEqual([
      { amountFen: 20000, reason: null },
      { amountFen: 0, reason: 'over_cap' },
    ]);
    const r = allocate(lines, [fixed(5000), fixed(5000), fixed(5000), fixed(5000), fixed(5000)], none);
    expect(r).toMatchObject({ voucherPaidFen: 20000, otherTenderFen: 10000, forfeitedFen: 0 });
    expect(r.lines[0]).toMatchObject({ status: 'partial', reason: 'over_cap', eligibleFen: 20000 });
  });

  it('per-visit amount caps: toys ≤ ¥100 a visit across lines', () => {
    const r = allocate([line('toys', 6000), line('toys', 9000)], [balance(50000)], none);
    expect(r.voucherPaidFen).toBe(10000);
    expect(r.otherTenderFen).toBe(5000);
  });

  it('a voucher that pays nothing is not used and pays no line', () => {
    const r = allocate([line('diapers', 5000)], [fixed(5000, baby), balance(20000, child), fixed(3000, baby)], none);
    expect(r.vouchers).toEqual([
      { selected: true, usedFen: 5000, forfeitedFen: 0, perLine: [{ line: 0, amountFen: 5000 }] },
      { selected: false, usedFen: 0, forfeitedFen: 0, perLine: [] },
      { selected: false, usedFen: 0, forfeitedFen: 0, perLine: [] },
    ]);
  });

  it('two campaigns in one basket: each voucher pays only its own categories', () => {
    const r = allocate(
      [line('diapers', 6000), line('books', 3000), line('daily_necessities', 1290)],
      [fixed(5000, baby), balance(20000, child)],
      none,
    );
    expect(r.vouchers[0]!.perLine).toEqual([{ line: 0, amountFen: 5000 }]);
    expect(r.vouchers[1]!.perLine).toEqual([{ line: 1, amountFen: 3000 }]);
    expect(r).toMatchObject({ voucherPaidFen: 8000, otherTenderFen: 1000 + 1290, forfeitedFen: 0 });
    expect(r.lines[2]).toMatchObject({ status: 'not_eligible', reason: 'category_not_eligible' });
  });

  it('routes a shared line to the voucher that cannot pay elsewhere', () => {
    const wide = { id: 3, eligibleCategories: ['diapers', 'books'], perVisitCaps: {} } as AllocVoucher['campaign'];
    // Balance (wide) could pay the diapers, but then the baby voucher would forfeit: it pays the books instead.
    const r = allocate([line('diapers', 5000), line('books', 5000)], [balance(5000, wide), fixed(5000, baby)], none);
    expect(r).toMatchObject({ voucherPaidFen: 10000, forfeitedFen: 0 });
  });

  it('this till’s remaining offline allowance caps a campaign', () => {
    const r = allocate([line('books', 9000)], [balance(20000)], new Map([[2, 3000]]));
    expect(r.voucherPaidFen).toBe(3000);
  });

  it(`a sale's ${MAX_VOUCHERS_PER_SALE} vouchers, all different, are within the combinations tried; one more is refused`, () => {
    // The till refuses a 13th voucher before allocating, so a real sale never reaches the RangeError.
    const distinct = (n: number) => Array.from({ length: n }, (_, i) => fixed(1000 + i));
    expect(2 ** MAX_VOUCHERS_PER_SALE).toBeLessThanOrEqual(MAX_COMBINATIONS);
    expect(allocate([line('diapers', 100_000)], distinct(MAX_VOUCHERS_PER_SALE), none).vouchers.every((v) => v.selected)).toBe(true);
    expect(() => allocate([line('diapers', 100_000)], distinct(MAX_VOUCHERS_PER_SALE + 1), none)).toThrow(RangeError);
  });

  it('a basket with no voucher yet marks never-eligible lines and leaves the rest pending', () => {
    const r = allocate([line('diapers', 100), line('lottery', 200)], [], none);
    expect(r.lines.map((l) => l.status)).toEqual(['no_voucher', 'not_eligible']);
    expect(r).toMatchObject({ voucherPaidFen: 0, otherTenderFen: 300 });
  });
});

describe('allocate: properties', () => {
  const categories = ['infant_formula', 'diapers', 'baby_care', 'books', 'toys', 'school_supplies', 'tobacco', 'other'];
  const lineArb = fc.record({
    category: fc.constantFrom(...categories),
    unitPriceFen: fc.integer({ min: 0, max: 50000 }),
    quantity: fc.integer({ min: 1, max: 5 }),
  });
  const voucherArb = fc.oneof(
    fc
      .record({
        face: fc.constantFrom(1000, 2000, 5000, 10000, 20000),
        c: fc.constantFrom(baby, child),
        exp: fc.integer({ min: 1_800_000_000, max: 1_800_000_005 }),
      })
      .map(({ face, c, exp }) => fixed(face, c, exp)),
    fc
      .record({ avail: fc.integer({ min: 1, max: 50000 }), c: fc.constantFrom(baby, child) })
      .map(({ avail, c }) => balance(avail, c, 50000)),
  );

  it('never pays more than eligible, face value or balance; all sums exact to the fen', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 8 }), fc.array(voucherArb, { maxLength: 6 }), (lines, vouchers) => {
        const r = allocate(lines, vouchers, none);
        expect(r.basketFen).toBe(lines.reduce((s, l) => s + l.unitPriceFen * l.quantity, 0));
        expect(r.voucherPaidFen + r.otherTenderFen).toBe(r.basketFen);
        let forfeit = 0;
        vouchers.forEach((v, i) => {
          const res = r.vouchers[i]!;
          expect(res.usedFen).toBeLessThanOrEqual(v.kind === 'fixed' ? v.faceValueFen : v.availableFen);
          expect(res.perLine.reduce((s, p) => s + p.amountFen, 0)).toBe(res.usedFen);
          const elig = lineEligibility(lines, v.campaign);
          for (const p of res.perLine) {
            expect(p.amountFen).toBeGreaterThan(0);
            expect(p.amountFen).toBeLessThanOrEqual(elig[p.line]!.amountFen);
          }
          if (res.selected && v.kind === 'fixed') forfeit += v.faceValueFen - res.usedFen;
          if (!res.selected) expect(res.usedFen).toBe(0);
        });
        expect(r.forfeitedFen).toBe(forfeit);
        r.lines.forEach((l, j) => {
          expect(l.voucherPaidFen).toBeLessThanOrEqual(l.amountFen);
          expect(l.voucherPaidFen).toBe(
            r.vouchers.reduce((s, v) => s + v.perLine.filter((p) => p.line === j).reduce((a, p) => a + p.amountFen, 0), 0),
          );
        });
      }),
      { numRuns: 400 },
    );
  });

  it('within one campaign: covers as much as possible and forfeits the minimum (brute-force oracle)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(1000, 2000, 3000, 5000, 10000), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 30000 }), { maxLength: 2 }),
        fc.integer({ min: 0, max: 40000 }),
        (faces, balances, eligible) => {
          const vouchers = [...faces.map((f) => fixed(f)), ...balances.map((b) => balance(b, baby, 30000))];
          const r = allocate([line('diapers', eligible), line('other', 777)], vouchers, none);
          const B = balances.reduce((a, b) => a + b, 0);
          let bestCover = -1;
          let bestForfeit = Infinity;
          for (let mask = 0; mask < 1 << faces.length; mask++) {
            const S = faces.reduce((s, f, i) => s + (mask & (1 << i) ? f : 0), 0);
            const cover = Math.min(S + B, eligible);
            const forfeit = Math.max(0, S - eligible);
            if (cover > bestCover || (cover === bestCover && forfeit < bestForfeit)) [bestCover, bestForfeit] = [cover, forfeit];
          }
          expect(r.voucherPaidFen).toBe(bestCover);
          expect(r.forfeitedFen).toBe(bestForfeit);
          const alt = allocate([line('diapers', eligible)], vouchers, none, 'least_forfeit');
          expect(alt.forfeitedFen).toBe(0);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('allocate: what each line and voucher says', () => {
  it('with no voucher scanned, a beer is never eligible and a book waits for a voucher', () => {
    const r = allocate([line('alcohol', 650), line('books', 3000)], [], none);
    expect(r.lines.map((l) => [l.status, l.reason])).toEqual([
      ['not_eligible', 'never_eligible'],
      ['no_voucher', null],
    ]);
  });

  it('a line one voucher’s cap leaves at nothing and another voucher’s campaign does not cover says “not in the campaign”', () => {
    // Formula is capped at 2 cans a visit by the baby campaign; the child campaign has no formula.
    const r = allocate([line('infant_formula', 3000, 2), line('infant_formula', 3000, 1)], [fixed(5000), balance(20000)], none);
    expect(r.lines[1]).toMatchObject({ status: 'not_eligible', reason: 'category_not_eligible', eligibleFen: 0 });
  });

  it('a voucher paying several lines lists them in basket order, whatever order its categories come in', () => {
    const r = allocate([line('books', 1000), line('toys', 2000), line('books', 3000)], [balance(20000)], none);
    expect(r.vouchers[0]!.perLine).toEqual([
      { line: 0, amountFen: 1000 },
      { line: 1, amountFen: 2000 },
      { line: 2, amountFen: 3000 },
    ]);
  });
});
