import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeOfflineLimits, UNCERTAINTY_MS, type OfflineHistory } from '../../src/server/sync/offlineLimits';
import type { JournalRecord, RejectReason } from '../../src/shared/sync/protocol';
import type { Campaign } from '../../src/shared/voucher/manifest';

/**
 * The program's offline limits checked against an oracle written apart from them (issue 16): no
 * Fenwick tree, no binary search, every sum and every window found by reading the whole list, as a
 * person would with a pencil. Times fall on whole minutes, so records land exactly on the edges of
 * windows (a contact plus or minus the uncertainty) as often as inside them.
 */
const BASE = Date.parse('2026-06-01T00:00:00Z');
const MIN = 60_000;

interface Case {
  contacts: number[];
  earlier: OfflineHistory['earlier'];
  perVoucher: Array<[string, number]>;
  records: JournalRecord[];
  counted: boolean[];
  campaigns: Map<number, Campaign>;
  faceValues: Map<string, number>;
}

function oracle(c: Case): Map<JournalRecord, RejectReason> {
  const verdicts = new Map<JournalRecord, RejectReason>();
  const perVoucher = new Map(c.perVoucher);
  // Everything that counts so far: the till's earlier offline records, then the batch's as they are judged.
  const seen: Array<{ campaignId: number; sign: 1 | -1; amountFen: number; timeMs: number }> = [...c.earlier];
  const latest = (pred: (t: number) => boolean) => {
    const before = c.contacts.filter(pred);
    return before.length ? Math.max(...before) : null;
  };
  c.records.forEach((r, i) => {
    const campaign = c.campaigns.get(r.campaignId);
    if (!campaign || r.authorization !== 'offline') return;
    const sale = Date.parse(r.time);
    const counts = c.counted[i]!;
    if (r.type === 'redeem' && r.amountFen > 0 && counts) {
      const mayBeBefore = latest((t) => t < sale + UNCERTAINTY_MS);
      const surelyBefore = latest((t) => t <= sale - UNCERTAINTY_MS);
      const spendFrom = mayBeBefore === null ? -Infinity : mayBeBefore + UNCERTAINTY_MS;
      const voidsFrom = surelyBefore === null ? -Infinity : surelyBefore - UNCERTAINTY_MS;
      const sum = (sign: 1 | -1, from: number) =>
        seen.filter((e) => e.campaignId === r.campaignId && e.sign === sign && e.timeMs >= from).reduce((a, e) => a + e.amountFen, 0);
      const exposure = r.amountFen + sum(1, spendFrom) - sum(-1, voidsFrom);
      const needs = r.kind === 'fixed' ? (c.faceValues.get(r.voucherId) ?? r.amountFen + r.forfeitedFen) : r.amountFen;
      const limits = campaign.offline;
      if (mayBeBefore !== null && sale - mayBeBefore - UNCERTAINTY_MS > limits.maxHoursOffline * 3_600_000)
        verdicts.set(r, 'offline_too_long');
      else if ((perVoucher.get(r.voucherId) ?? 0) + needs > limits.perVoucherFen) verdicts.set(r, 'offline_limit_voucher');
      else if (exposure > limits.perDeviceTotalFen) verdicts.set(r, 'offline_limit_device');
    }
    if (!counts) return;
    const sign = r.type === 'redeem' ? 1 : -1;
    perVoucher.set(r.voucherId, (perVoucher.get(r.voucherId) ?? 0) + sign * r.amountFen);
    seen.push({ campaignId: r.campaignId, sign, amountFen: r.amountFen, timeMs: sale });
  });
  return verdicts;
}

const minute = fc.integer({ min: 0, max: 90 }).map((m) => BASE + m * MIN);
const vouchers = ['v1', 'v2', 'v3', 'v4'];
const campaignOf = (id: number, perVoucherFen: number, perDeviceTotalFen: number, maxHoursOffline: number) =>
  ({ id, offline: { perVoucherFen, perDeviceTotalFen, maxHoursOffline } }) as unknown as Campaign;

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    contacts: fc.uniqueArray(minute, { maxLength: 6 }),
    earlier: fc.array(
      fc.record({
        campaignId: fc.constantFrom(1, 2),
        sign: fc.constantFrom(1 as const, -1 as const),
        amountFen: fc.integer({ min: 1, max: 6000 }),
        timeMs: minute,
      }),
      { maxLength: 6 },
    ),
    perVoucher: fc.array(fc.tuple(fc.constantFrom(...vouchers), fc.integer({ min: 0, max: 9000 })), { maxLength: 3 }),
    records: fc.array(
      fc.record({
        voucherId: fc.constantFrom(...vouchers),
        campaignId: fc.constantFrom(1, 2, 3), // 3: a campaign the program does not know
        kind: fc.constantFrom('fixed' as const, 'balance' as const),
        type: fc.constantFrom('redeem' as const, 'redeem' as const, 'reverse' as const),
        authorization: fc.constantFrom('offline', 'offline', 'offline', 'auth-1'),
        amountFen: fc.integer({ min: 0, max: 6000 }),
        forfeitedFen: fc.integer({ min: 0, max: 3000 }),
        time: minute,
        counted: fc.boolean(),
      }),
      { minLength: 1, maxLength: 10 },
    ),
    limits: fc.tuple(fc.integer({ min: 0, max: 12000 }), fc.integer({ min: 0, max: 20000 }), fc.integer({ min: 0, max: 8 })),
    limits2: fc.tuple(fc.integer({ min: 0, max: 12000 }), fc.integer({ min: 0, max: 20000 }), fc.integer({ min: 0, max: 8 })),
    faceValues: fc.array(fc.tuple(fc.constantFrom(...vouchers), fc.integer({ min: 1000, max: 8000 })), { maxLength: 3 }),
  })
  .map((x) => ({
    contacts: [...x.contacts].sort((a, b) => a - b),
    earlier: x.earlier,
    perVoucher: x.perVoucher,
    records: x.records.map(
      (r, i) =>
        ({
          id: `r${i}`,
          voucherId: r.voucherId,
          campaignId: r.campaignId,
          kind: r.kind,
          type: r.type,
          authorization: r.authorization,
          amountFen: r.amountFen,
          forfeitedFen: r.forfeitedFen,
          time: new Date(r.time).toISOString(),
        }) as unknown as JournalRecord,
    ),
    counted: x.records.map((r) => r.counted),
    campaigns: new Map([
      [1, campaignOf(1, ...x.limits)],
      [2, campaignOf(2, ...x.limits2)],
    ]),
    faceValues: new Map(x.faceValues),
  }));

const judge = (c: Case) =>
  judgeOfflineLimits(
    c.records,
    { contacts: c.contacts, earlier: c.earlier, perVoucher: new Map(c.perVoucher) },
    c.campaigns,
    (id) => c.faceValues.get(id),
    (r) => c.counted[c.records.indexOf(r)]!,
  );
const ids = (m: Map<JournalRecord, RejectReason>) => [...m].map(([r, reason]) => [r.id, reason]);

describe('the program’s offline limits against an oracle written apart', () => {
  it('agree with it on every record of random batches, histories and contacts', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        expect(ids(judge(c))).toEqual(ids(oracle(c)));
      }),
      { numRuns: 3000, seed: 20261206 },
    );
  });

  it('find every verdict in those batches (the generator reaches each reason and none)', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(caseArb, (c) => {
        for (const r of c.records) reached.add(judge(c).get(r) ?? 'none');
      }),
      { numRuns: 1000, seed: 7 },
    );
    expect([...reached].sort()).toEqual(['none', 'offline_limit_device', 'offline_limit_voucher', 'offline_too_long']);
  });

  /** A ￥30 offline sale at `saleMs`, judged against a campaign of ￥50 a till between contacts: its verdicts. */
  const judgeSale = (saleMs: number, contacts: number[], earlier: OfflineHistory['earlier']) => {
    const sale = {
      id: 'x',
      voucherId: 'v1',
      campaignId: 1,
      kind: 'balance',
      type: 'redeem',
      authorization: 'offline',
      amountFen: 3000,
      forfeitedFen: 0,
      time: new Date(saleMs).toISOString(),
    } as unknown as JournalRecord;
    const verdicts = judgeOfflineLimits(
      [sale],
      { contacts, earlier, perVoucher: new Map() },
      new Map([[1, campaignOf(1, 100_000, 5000, 48)]]),
      () => undefined,
      () => true,
    );
    return [...verdicts.values()];
  };

  it('a record exactly the uncertainty after a contact counts spending from that instant on, one a minute earlier does not', () => {
    const contact = BASE;
    const sale = contact + UNCERTAINTY_MS + 60 * MIN;
    const spentAt = (ms: number) => [{ campaignId: 1, sign: 1 as const, amountFen: 3000, timeMs: ms }];
    // Spending that surely followed the contact counts (3,000 + 3,000 > 5,000)…
    expect(judgeSale(sale, [contact], spentAt(contact + UNCERTAINTY_MS))).toEqual(['offline_limit_device']);
    // …spending that may have come before it does not.
    expect(judgeSale(sale, [contact], spentAt(contact + UNCERTAINTY_MS - MIN))).toEqual([]);
  });

  it('a contact exactly the uncertainty before a sale surely came before it: voids count only from that contact’s window on', () => {
    const [c0, c1] = [BASE, BASE + 60 * MIN];
    const sale = c1 + UNCERTAINTY_MS;
    // ¥30 spent since the last contact; a ¥30 void from before it (the window of c0), which gives nothing back now.
    const earlier: OfflineHistory['earlier'] = [
      { campaignId: 1, sign: 1, amountFen: 3000, timeMs: sale },
      { campaignId: 1, sign: -1, amountFen: 3000, timeMs: c0 },
    ];
    expect(judgeSale(sale, [c0, c1], earlier)).toEqual(['offline_limit_device']);
  });
});
