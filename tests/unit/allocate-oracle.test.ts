import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, type AllocLine, type AllocVoucher, type Plan } from '../../src/core/checkout/allocate';

/**
 * An oracle for the allocator that shares none of its code (issue 16): the property tests used
 * `lineEligibility` to check `allocate`, so a cap counted per line instead of per visit passed both.
 *
 * For small baskets the best allocation can be found by brute force. Which lines a campaign may pay
 * is restated here from the rules (never-eligible goods, the campaign's categories, "the first N cans
 * of a category in the basket"). How much a set of vouchers can pay is the maximum flow of the
 * allocation network, computed as its minimum cut by trying every set of lines (max-flow = min-cut),
 * not by augmenting paths as allocate does. Every choice of fixed vouchers is tried.
 */

type Campaign = AllocVoucher['campaign'];
type Caps = Record<string, { maxQuantity?: number; maxAmountFen?: number }>;

const NEVER = ['tobacco', 'alcohol', 'lottery', 'precious_metals', 'prepaid_cards'];

/** What campaign `c` may pay of each line: its categories only, quantity caps counted over the whole visit in basket order. */
function payable(lines: AllocLine[], c: Campaign): number[] {
  const cansSoFar: Record<string, number> = {};
  const caps = c.perVisitCaps as Caps;
  return lines.map((l) => {
    if (NEVER.includes(l.category) || !(c.eligibleCategories as readonly string[]).includes(l.category)) return 0;
    const max = caps[l.category]?.maxQuantity;
    const before = cansSoFar[l.category] ?? 0;
    cansSoFar[l.category] = before + l.quantity;
    const units = max === undefined ? l.quantity : Math.max(0, Math.min(l.quantity, max - before));
    return units * l.unitPriceFen;
  });
}

/** The most that vouchers with these amounts can pay, as the minimum over all cuts of the network. */
function mostPayable(lines: AllocLine[], amounts: Array<{ campaign: Campaign; fen: number }>, device: ReadonlyMap<number, number>) {
  const campaigns = [...new Map(amounts.map((a) => [a.campaign.id, a.campaign])).values()];
  const elig = new Map(campaigns.map((c) => [c.id, payable(lines, c)]));
  let best = Infinity;
  for (let mask = 0; mask < 1 << lines.length; mask++) {
    // Lines in `mask` are fed by the campaigns; the others are cut at their price.
    let cut = lines.reduce((s, l, j) => s + (mask & (1 << j) ? 0 : l.unitPriceFen * l.quantity), 0);
    for (const c of campaigns) {
      const vouchers = amounts.filter((a) => a.campaign.id === c.id).reduce((s, a) => s + a.fen, 0);
      const byCategory = new Map<string, number>();
      lines.forEach((l, j) => {
        if (mask & (1 << j)) byCategory.set(l.category, (byCategory.get(l.category) ?? 0) + elig.get(c.id)![j]!);
      });
      let categories = 0;
      for (const [k, fen] of byCategory) categories += Math.min(fen, (c.perVisitCaps as Caps)[k]?.maxAmountFen ?? Infinity);
      cut += Math.min(vouchers, device.get(c.id) ?? Infinity, categories);
    }
    best = Math.min(best, cut);
  }
  return best;
}

/** The best cover and forfeit over every choice of fixed vouchers (balance vouchers always offered). */
function bruteForce(lines: AllocLine[], vouchers: AllocVoucher[], device: ReadonlyMap<number, number>, plan: Plan) {
  const fixed = vouchers.filter((v) => v.kind === 'fixed');
  const balances = vouchers.filter((v) => v.kind === 'balance').map((v) => ({ campaign: v.campaign, fen: v.availableFen }));
  let best: { cover: number; forfeit: number } | null = null;
  for (let mask = 0; mask < 1 << fixed.length; mask++) {
    const chosen = fixed.filter((_, i) => mask & (1 << i)).map((v) => ({ campaign: v.campaign, fen: v.faceValueFen }));
    const face = chosen.reduce((s, v) => s + v.fen, 0);
    // Fixed vouchers pay first and keep no change; balance vouchers top up what is left.
    const e = { cover: mostPayable(lines, [...chosen, ...balances], device), forfeit: face - mostPayable(lines, chosen, device) };
    const better =
      !best ||
      (plan === 'max_cover'
        ? e.cover > best.cover || (e.cover === best.cover && e.forfeit < best.forfeit)
        : e.forfeit < best.forfeit || (e.forfeit === best.forfeit && e.cover > best.cover));
    if (better) best = e;
  }
  return best!;
}

const baby = {
  id: 1,
  eligibleCategories: ['infant_formula', 'diapers', 'baby_care'],
  perVisitCaps: { infant_formula: { maxQuantity: 2 }, diapers: { maxAmountFen: 8000 } },
} as Campaign;
const child = {
  id: 2,
  eligibleCategories: ['books', 'toys', 'diapers'],
  perVisitCaps: { toys: { maxAmountFen: 5000 }, books: { maxQuantity: 3 } },
} as Campaign;

const lineArb = fc.record({
  category: fc.constantFrom('infant_formula', 'diapers', 'baby_care', 'books', 'toys', 'alcohol', 'other'),
  unitPriceFen: fc.integer({ min: 1, max: 60 }).map((n) => n * 100),
  quantity: fc.integer({ min: 1, max: 3 }),
});
const voucherArb = fc.oneof(
  fc.record({ face: fc.constantFrom(1000, 2000, 5000), c: fc.constantFrom(baby, child) }).map(({ face, c }): AllocVoucher => ({
    kind: 'fixed',
    campaign: c,
    faceValueFen: face,
    availableFen: face,
    validUntil: 1_800_000_000,
  })),
  fc
    .record({ avail: fc.integer({ min: 1, max: 150 }).map((n) => n * 100), c: fc.constantFrom(baby, child) })
    .map(({ avail, c }): AllocVoucher => ({
      kind: 'balance',
      campaign: c,
      faceValueFen: 20_000,
      availableFen: avail,
      validUntil: 1_800_000_000,
    })),
);
const deviceArb = fc
  .record({
    1: fc.option(fc.integer({ min: 0, max: 200 }).map((n) => n * 100)),
    2: fc.option(fc.integer({ min: 0, max: 200 }).map((n) => n * 100)),
  })
  .map((d) => new Map(Object.entries(d).flatMap(([k, v]) => (v === null ? [] : [[Number(k), v] as const]))));

describe('allocate against a brute-force oracle (small baskets)', () => {
  it('the oracle itself: two formula lines of 2 and 1 cans, only 2 are payable', () => {
    const lines = [
      { category: 'infant_formula', unitPriceFen: 26_800, quantity: 2 },
      { category: 'infant_formula', unitPriceFen: 19_800, quantity: 1 },
    ];
    expect(payable(lines, baby)).toEqual([53_600, 0]);
    expect(mostPayable(lines, [{ campaign: baby, fen: 100_000 }], new Map())).toBe(53_600);
  });

  it('pays the most vouchers can, then forfeits the least; the least-forfeit plan the other way round', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 4 }),
        fc.array(voucherArb, { maxLength: 4 }),
        deviceArb,
        (lines, vouchers, device) => {
          for (const plan of ['max_cover', 'least_forfeit'] as const) {
            const r = allocate(lines, vouchers, device, plan);
            const best = bruteForce(lines, vouchers, device, plan);
            expect({ plan, cover: r.voucherPaidFen, forfeit: r.forfeitedFen }).toEqual({ plan, ...best });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no line is paid beyond what its campaign may pay this visit, and no campaign beyond its caps and this till’s allowance', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 4 }),
        fc.array(voucherArb, { maxLength: 4 }),
        deviceArb,
        (lines, vouchers, device) => {
          const r = allocate(lines, vouchers, device);
          for (const c of [baby, child]) {
            const mine = r.vouchers.filter((_, i) => vouchers[i]!.campaign.id === c.id).flatMap((v) => v.perLine);
            const paidOn = (j: number) => mine.filter((p) => p.line === j).reduce((s, p) => s + p.amountFen, 0);
            const may = payable(lines, c);
            lines.forEach((_, j) => expect(paidOn(j)).toBeLessThanOrEqual(may[j]!));
            for (const [k, cap] of Object.entries(c.perVisitCaps as Caps)) {
              const paid = lines.reduce((s, l, j) => s + (l.category === k ? paidOn(j) : 0), 0);
              if (cap.maxAmountFen !== undefined) expect(paid).toBeLessThanOrEqual(cap.maxAmountFen);
            }
            const total = mine.reduce((s, p) => s + p.amountFen, 0);
            expect(total).toBeLessThanOrEqual(device.get(c.id) ?? Infinity);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
