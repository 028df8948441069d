import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/shared/sync/protocol';
import type { Campaign } from '../../src/shared/voucher/manifest';
import { openProgramStore, type ProgramStore } from '../../src/server/store/programStore';
import { judgeOfflineLimits, loadOfflineHistory, offlineView, type OfflineHistory } from '../../src/server/sync/offlineLimits';
import type { Reservation } from '../../src/server/sync/voucherRules';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: the program's offline limits (offlineLimits.ts) at their edges. The program knows a till's
 * contacts by its own clock, a minute at a time, and the till's clock may be five minutes off: it
 * counts only what certainly lies in the till's window (7 minutes of doubt each way), so an honest till
 * is never refused and one that ignores its limits is.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Clock skew (5 min) + contact grain (1 min) + a reply in flight (1 min). */
const U = 7 * MIN;
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const vid = (n: number) => n.toString(16).padStart(32, '0');

const campaign = (id: number, offline: Campaign['offline']): Campaign =>
  ({
    id,
    names: { zh: '活动', en: 'Campaign' },
    funder: { zh: '基金会', en: 'Fund' },
    validFrom: '2026-01-01T00:00:00+08:00',
    validUntil: '2027-12-31T23:59:59+08:00',
    kind: 'balance',
    eligibleCategories: ['books'],
    perVisitCaps: {},
    merchants: ['*'],
    offline,
    eligibility: 'shop',
  }) as Campaign;

const CAMPAIGNS = new Map<number, Campaign>([
  [1, campaign(1, { perVoucherFen: 5000, perDeviceTotalFen: 10_000, maxHoursOffline: 24 })],
  [2, campaign(2, { perVoucherFen: 5000, perDeviceTotalFen: 10_000, maxHoursOffline: 24 })],
]);

let n = 0;
function rec(r: Partial<JournalRecord> & { at: number }): JournalRecord {
  n++;
  const { at, ...rest } = r;
  return {
    seq: n,
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    deviceId: 'D1',
    type: 'redeem',
    time: iso(at),
    cashierId: 1,
    saleId: `sale-${n}`,
    voucherId: vid(n),
    campaignId: 1,
    kind: 'balance',
    amountFen: 1000,
    forfeitedFen: 0,
    categories: { books: { amountFen: rest.amountFen ?? 1000, quantity: 1 } },
    otherTenderFen: 0,
    authorization: 'offline',
    reverses: null,
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
    ...rest,
  };
}

const history = (h: Partial<OfflineHistory> = {}): OfflineHistory => ({ perVoucher: new Map(), earlier: [], contacts: [T0], ...h });
/** The verdict on each record, in order (null: within the limits). */
const judge = (
  records: JournalRecord[],
  h: OfflineHistory = history(),
  opts: { faceValue?: (id: string) => number | undefined; counts?: (r: JournalRecord) => boolean } = {},
) => {
  const v = judgeOfflineLimits(records, h, CAMPAIGNS, opts.faceValue ?? (() => undefined), opts.counts ?? (() => true));
  return records.map((r) => v.get(r) ?? null);
};

describe('the program’s offline limits', () => {
  describe('hours since the last contact', () => {
    it('a sale exactly the campaign’s hours after the last contact (plus the doubt) is fine; a millisecond later is too long', () => {
      expect(judge([rec({ at: T0 + 24 * HOUR + U })])).toEqual([null]);
      expect(judge([rec({ at: T0 + 24 * HOUR + U + 1 })])).toEqual(['offline_too_long']);
    });

    it('the window runs from the latest contact before the sale, not the first', () => {
      const h = history({ contacts: [T0, T0 + 20 * HOUR] });
      expect(judge([rec({ at: T0 + 30 * HOUR })], h)).toEqual([null]);
      expect(judge([rec({ at: T0 + 44 * HOUR + U + 1 })], h)).toEqual(['offline_too_long']);
    });

    it('a contact within the doubt after the sale may have come before it: the till gets the benefit', () => {
      const h = history({ contacts: [T0, T0 + 30 * HOUR] });
      expect(judge([rec({ at: T0 + 30 * HOUR - U + 1 })], h)).toEqual([null]);
      expect(judge([rec({ at: T0 + 30 * HOUR - U })], h)).toEqual(['offline_too_long']);
    });

    it('without any contact on record nothing is too long', () => {
      expect(judge([rec({ at: T0 + 1000 * HOUR })], history({ contacts: [] }))).toEqual([null]);
    });
  });

  describe('per voucher', () => {
    it('one voucher spends offline at this till up to the campaign’s amount, over the batch and what came before', () => {
      const h = history({ perVoucher: new Map([[vid(100), 2000]]) });
      const a = rec({ at: T0 + HOUR, voucherId: vid(100), amountFen: 2000 });
      const b = rec({ at: T0 + 2 * HOUR, voucherId: vid(100), amountFen: 1000 });
      const c = rec({ at: T0 + 3 * HOUR, voucherId: vid(100), amountFen: 1 });
      expect(judge([a, b, c], h)).toEqual([null, null, 'offline_limit_voucher']);
    });

    it('a refused record still counts towards the later ones, as it did on the till', () => {
      const a = rec({ at: T0 + HOUR, voucherId: vid(101), amountFen: 6000 });
      const b = rec({ at: T0 + 2 * HOUR, voucherId: vid(101), amountFen: 1 });
      expect(judge([a, b])).toEqual(['offline_limit_voucher', 'offline_limit_voucher']);
    });

    it('a void gives back what its voucher spent', () => {
      const a = rec({ at: T0 + HOUR, voucherId: vid(102), amountFen: 5000 });
      const v = rec({ at: T0 + 2 * HOUR, voucherId: vid(102), amountFen: 5000, type: 'reverse', reverses: a.id });
      const b = rec({ at: T0 + 3 * HOUR, voucherId: vid(102), amountFen: 5000 });
      expect(judge([a, v, b])).toEqual([null, null, null]);
    });

    it('a fixed voucher counts at its face value offline, or at paid plus forfeited when the program does not know it', () => {
      const paid = rec({ at: T0 + HOUR, kind: 'fixed', voucherId: vid(103), amountFen: 2000, forfeitedFen: 3000 });
      expect(judge([paid], history(), { faceValue: () => 5000 })).toEqual([null]);
      expect(judge([paid], history(), { faceValue: () => 5001 })).toEqual(['offline_limit_voucher']);
      expect(judge([paid], history(), { faceValue: () => undefined })).toEqual([null]);
      const more = rec({ at: T0 + HOUR, kind: 'fixed', voucherId: vid(104), amountFen: 2000, forfeitedFen: 3001 });
      expect(judge([more], history(), { faceValue: () => undefined })).toEqual(['offline_limit_voucher']);
      // A balance voucher counts what it paid, whatever its face value.
      expect(judge([rec({ at: T0 + HOUR, amountFen: 5000 })], history(), { faceValue: () => 20_000 })).toEqual([null]);
    });

    it('records the caller says do not count (out of range, unmatched voids) are neither judged nor counted', () => {
      const bad = rec({ at: T0 + HOUR, voucherId: vid(105), amountFen: 9000 });
      const good = rec({ at: T0 + 2 * HOUR, voucherId: vid(105), amountFen: 5000 });
      expect(judge([bad, good], history(), { counts: (r) => r !== bad })).toEqual([null, null]);
    });
  });

  describe('per till between contacts', () => {
    const at = (h: number) => T0 + U + h * HOUR;
    it('a till redeems offline up to the campaign’s total since its last contact, and not a fen more', () => {
      const rs = [rec({ at: at(1), amountFen: 4000 }), rec({ at: at(2), amountFen: 4000 }), rec({ at: at(3), amountFen: 2000 })];
      expect(judge(rs)).toEqual([null, null, null]);
      const over = [rec({ at: at(1), amountFen: 4000 }), rec({ at: at(2), amountFen: 4000 }), rec({ at: at(3), amountFen: 2001 })];
      expect(judge(over)).toEqual([null, null, 'offline_limit_device']);
    });

    it('earlier offline spending since the contact counts; spending before it does not', () => {
      const h = history({
        earlier: [
          { campaignId: 1, sign: 1, amountFen: 7000, timeMs: T0 + U }, // just after the contact (with its doubt): counts
          { campaignId: 1, sign: 1, amountFen: 9000, timeMs: T0 + U - 1 }, // may be before it: does not
          { campaignId: 2, sign: 1, amountFen: 9000, timeMs: T0 + HOUR }, // another campaign: does not
        ],
      });
      expect(judge([rec({ at: at(1), amountFen: 3000 })], h)).toEqual([null]);
      expect(judge([rec({ at: at(1), amountFen: 3001 })], h)).toEqual(['offline_limit_device']);
    });

    it('voids give back from the earliest moment the window can start', () => {
      const h = history({
        contacts: [T0, T0 + 10 * HOUR],
        earlier: [
          { campaignId: 1, sign: 1, amountFen: 10_000, timeMs: T0 + 10 * HOUR + U }, // spent in the window
          { campaignId: 1, sign: -1, amountFen: 4000, timeMs: T0 + 10 * HOUR - U }, // a void just inside its earliest start
          { campaignId: 1, sign: -1, amountFen: 4000, timeMs: T0 + 10 * HOUR - U - 1 }, // one that is surely before it
        ],
      });
      const sale = T0 + 10 * HOUR + 2 * U;
      expect(judge([rec({ at: sale, amountFen: 4000 })], h)).toEqual([null]);
      expect(judge([rec({ at: sale, amountFen: 4001 })], h)).toEqual(['offline_limit_device']);
    });

    it('online records, records of campaigns the program does not know, and zero amounts are not judged', () => {
      const online = rec({ at: at(1), amountFen: 20_000, authorization: 'auth-1' });
      const unknown = rec({ at: at(1), amountFen: 20_000, campaignId: 9 });
      const zero = rec({ at: at(1), amountFen: 0 });
      const after = [rec({ at: at(2), amountFen: 5000 }), rec({ at: at(2), amountFen: 5000 })];
      expect(judge([online, unknown, zero, ...after])).toEqual([null, null, null, null, null]);
    });

    it('each campaign has its own total', () => {
      const rs = [
        rec({ at: at(1), amountFen: 5000 }),
        rec({ at: at(1), amountFen: 5000, campaignId: 2 }),
        rec({ at: at(2), amountFen: 5000 }),
      ];
      expect(judge(rs)).toEqual([null, null, null]);
      expect(judge([...rs, rec({ at: at(3), amountFen: 1 })])).toEqual([null, null, null, 'offline_limit_device']);
    });
  });

  describe('which records are offline', () => {
    const hold = (h: Partial<Reservation>): Reservation => ({
      id: 'h1',
      voucherId: vid(1),
      amount: 1000,
      idemKey: 'k',
      deviceId: 'D1',
      expiresAtMs: T0,
      status: 'reserved',
      ...h,
    });

    it('a redemption is online only while its own hold lives, and one hold covers one record', () => {
      const h1 = hold({ id: 'h1', expiresAtMs: T0 });
      const h2 = hold({ id: 'h2', expiresAtMs: T0 - 1 });
      const live = rec({ at: T0, authorization: 'h1' });
      const again = rec({ at: T0, authorization: 'h1' });
      const ended = rec({ at: T0, authorization: 'h2' });
      const none = rec({ at: T0, authorization: 'h3' });
      const offline = rec({ at: T0 });
      const voidRec = rec({ at: T0, type: 'reverse', authorization: 'h9' });
      const own = (r: { authorization: string }) => ({ h1, h2 })[r.authorization as 'h1' | 'h2'] ?? null;
      const view = offlineView([live, again, ended, none, offline, voidRec], { ownReservation: own }, T0);
      expect(view.records.map((r) => r.authorization)).toEqual(['h1', 'offline', 'offline', 'offline', 'offline', 'h9']);
      expect([...view.offline]).toEqual([again, ended, none, offline]);
      expect(view.records[0]).toBe(live);
      expect(view.original(view.records[1]!)).toBe(again);
      expect(view.original(view.records[4]!)).toBe(offline);
      expect(view.records[5]).toBe(voidRec);
    });
  });

  it('a sale the till recorded offline stays offline even when its request did reach the program and hold the voucher', () => {
    const held: Reservation = {
      id: 'h1',
      voucherId: vid(1),
      amount: 1000,
      idemKey: 'k',
      deviceId: 'D1',
      expiresAtMs: T0 + MIN,
      status: 'reserved',
    };
    const sale = rec({ at: T0 });
    const view = offlineView([sale], { ownReservation: () => held }, T0);
    expect([...view.offline]).toEqual([sale]);
    expect(view.records).toEqual([sale]);
  });

  describe('what the program reads for a batch', () => {
    let store: ProgramStore;
    let cleanup: () => void;
    let seq = 0;
    beforeEach(async () => {
      const t = tempDir('caretill-offline-');
      cleanup = t.cleanup;
      store = await openProgramStore(path.join(t.dir, 'home'), undefined);
      seq = 0;
    });
    afterEach(async () => {
      await store.sql.close();
      cleanup();
    });
    const contact = (device: string, ms: number) =>
      store.sql.run('INSERT INTO device_contacts (device_id, at) VALUES (?, ?)', [device, iso(ms)]);
    const stored = async (r: {
      device?: string;
      type?: 'redeem' | 'reverse';
      at: number;
      voucherId: string;
      amountFen: number;
      campaignId?: number;
      auth?: string;
      status?: string;
      reason?: string | null;
    }) => {
      seq++;
      await store.sql.run(
        `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen,
                              forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at)
         VALUES (?, ?, 'M1', ?, 'b', 's', ?, ?, ?, ?, 'balance', ?, 0, 0, '{}', ?, NULL, 'h', ?, ?, ?, ?)`,
        [
          `r-${seq}`,
          r.device ?? 'D1',
          seq,
          r.type ?? 'redeem',
          iso(r.at),
          r.voucherId,
          r.campaignId ?? 1,
          r.amountFen,
          r.auth ?? 'offline',
          r.status ?? 'accepted',
          r.reason ?? null,
          iso(T0),
          iso(T0),
        ],
      );
    };

    it('nothing to read for a batch without offline spending', async () => {
      expect(await loadOfflineHistory(store.sql, 'D1', [rec({ at: T0, authorization: 'auth-1' })])).toBeNull();
      expect(await loadOfflineHistory(store.sql, 'D1', [rec({ at: T0, amountFen: 0 })])).toBeNull();
      expect(await loadOfflineHistory(store.sql, 'D1', [rec({ at: T0, type: 'reverse' })])).toBeNull();
      expect(await loadOfflineHistory(store.sql, 'D1', [])).toBeNull();
    });

    it('reads the contacts around the batch: the last one surely before it and every one within the doubt after it', async () => {
      for (const ms of [
        T0 - 10 * HOUR,
        T0 - 5 * HOUR,
        T0 + HOUR - U - 1,
        T0 + HOUR - U,
        T0 + 90 * MIN, // between the two records: read, and no substitute for the one before the first
        T0 + 2 * HOUR + U - 1,
        T0 + 2 * HOUR + U,
      ])
        await contact('D1', ms);
      await contact('D2', T0 + HOUR);
      const h = await loadOfflineHistory(store.sql, 'D1', [rec({ at: T0 + 2 * HOUR }), rec({ at: T0 + HOUR })]);
      expect(h!.contacts).toEqual([T0 + HOUR - U, T0 + 90 * MIN, T0 + 2 * HOUR + U - 1]);
    });

    it('a batch before any contact reads the contacts from the first, up to the doubt after its last record', async () => {
      await contact('D1', T0 + U - 1);
      await contact('D1', T0 + U);
      const h = await loadOfflineHistory(store.sql, 'D1', [rec({ at: T0 })]);
      expect(h!.contacts).toEqual([T0 + U - 1]);
    });

    it('sums what each voucher spent offline at this till, net of voids, leaving out other tills, online sales and records that never counted', async () => {
      const v = vid(7);
      await stored({ at: T0 - HOUR, voucherId: v, amountFen: 3000 });
      await stored({ at: T0 - HOUR, voucherId: v, amountFen: 500, type: 'reverse' });
      await stored({ at: T0 - HOUR, voucherId: v, amountFen: 900, device: 'D2' });
      await stored({ at: T0 - HOUR, voucherId: v, amountFen: 800, auth: 'auth-1' });
      await stored({ at: T0 - HOUR, voucherId: v, amountFen: 700, status: 'rejected', reason: 'out_of_range' });
      await stored({ at: T0 - HOUR, voucherId: v, amountFen: 600, status: 'rejected', reason: 'bad_reversal', type: 'reverse' });
      await stored({ at: T0 - HOUR, voucherId: v, amountFen: 100, status: 'rejected', reason: 'offline_limit_voucher' });
      await stored({ at: T0 - HOUR, voucherId: vid(8), amountFen: 50 });
      const h = await loadOfflineHistory(store.sql, 'D1', [rec({ at: T0, voucherId: v }), rec({ at: T0, voucherId: vid(9) })]);
      expect(h!.perVoucher).toEqual(new Map([[v, 3000 - 500 + 100]]));
    });

    it('reads this till’s earlier offline records that may share a window with the batch’s', async () => {
      await contact('D1', T0);
      await stored({ at: T0 + U - 1000, voucherId: vid(1), amountFen: 1 }); // a second before the earliest window start: kept
      await stored({ at: T0 + U - 1001, voucherId: vid(1), amountFen: 2 }); // before it: left out
      await stored({ at: T0 + HOUR, voucherId: vid(1), amountFen: 3, campaignId: 2 });
      await stored({ at: T0 + HOUR, voucherId: vid(1), amountFen: 4, auth: 'auth-1' }); // online: left out
      await stored({ at: T0 + HOUR, voucherId: vid(1), amountFen: 5, device: 'D2' }); // another till: left out
      await stored({ at: T0 + HOUR, voucherId: vid(1), amountFen: 6, status: 'rejected', reason: 'out_of_range' }); // never counted
      await stored({ at: T0 - U - 1000, voucherId: vid(1), amountFen: 7, type: 'reverse' }); // a void from the earliest start: kept
      await stored({ at: T0 - U - 1001, voucherId: vid(1), amountFen: 8, type: 'reverse' }); // before it: left out
      // A later contact, and a second record after it: the earliest window of the batch decides what is read.
      await contact('D1', T0 + 3 * HOUR);
      const h = await loadOfflineHistory(store.sql, 'D1', [rec({ at: T0 + 2 * HOUR }), rec({ at: T0 + 5 * HOUR })]);
      expect(h!.earlier.sort((a, b) => a.amountFen - b.amountFen)).toEqual([
        { campaignId: 1, sign: 1, amountFen: 1, timeMs: T0 + U - 1000 },
        { campaignId: 2, sign: 1, amountFen: 3, timeMs: T0 + HOUR },
        { campaignId: 1, sign: -1, amountFen: 7, timeMs: T0 - U - 1000 },
      ]);
    });

    it('without a contact before the batch every earlier offline record is read', async () => {
      await stored({ at: T0 - 100 * HOUR, voucherId: vid(1), amountFen: 1 });
      await stored({ at: T0 - 100 * HOUR, voucherId: vid(1), amountFen: 2, type: 'reverse' });
      const h = await loadOfflineHistory(store.sql, 'D1', [rec({ at: T0 })]);
      expect(h!.earlier.map((e) => e.amountFen).sort()).toEqual([1, 2]);
      expect(h!.contacts).toEqual([]);
    });

    it('end to end: what the program reads and how it judges agree with the till’s limits', async () => {
      await contact('D1', T0);
      await stored({ at: T0 + HOUR, voucherId: vid(1), amountFen: 6000 });
      const batch = [
        rec({ at: T0 + 2 * HOUR, voucherId: vid(1), amountFen: 4000 }),
        rec({ at: T0 + 3 * HOUR, voucherId: vid(2), amountFen: 1 }),
      ];
      const h = await loadOfflineHistory(store.sql, 'D1', batch);
      expect(judge(batch, h!)).toEqual(['offline_limit_voucher', 'offline_limit_device']);
    });
  });
});
