import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProgramStore, type ProgramStore } from '../../src/server/store/programStore';
import { listHeld, reviewHeld } from '../../src/server/sync/review';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: the operator's review of records held for arriving late (review.ts), on a real SQLite
 * program store: a held redemption is accepted (paid) or rejected (keeping its reason), its held void
 * goes with it, and nothing else can be reviewed.
 */

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('reviewing held records', () => {
  let store: ProgramStore;
  let cleanup: () => void;
  beforeEach(async () => {
    const t = tempDir('caretill-review-');
    cleanup = t.cleanup;
    store = await openProgramStore(path.join(t.dir, 'home'), undefined);
  });
  afterEach(async () => {
    await store.sql.close();
    cleanup();
  });

  const record = (
    n: number,
    r: { type?: 'redeem' | 'reverse'; status: string; reason?: string | null; reverses?: string; device?: string; received?: string },
  ) =>
    store.sql.run(
      `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen,
                            forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at)
       VALUES (?, ?, 'M1', ?, 'b', 's', ?, '2026-05-01T10:00:00.000Z', ?, 1, 'balance', 1500, 0, 0, '{}', 'offline', ?, 'h', ?, ?, ?, ?)`,
      [
        id(n),
        r.device ?? 'D1',
        n,
        r.type ?? 'redeem',
        'a'.repeat(32),
        r.reverses ?? null,
        r.status,
        r.reason === undefined ? 'late_upload' : r.reason,
        r.received ?? '2026-05-05T00:00:00.000Z',
        '2026-05-05T00:00:00.000Z',
      ],
    );
  const statusOf = async (n: number) =>
    store.sql.get<{ status: string; reason: string | null }>('SELECT status, reason FROM records WHERE record_id = ?', [id(n)]);

  it('lists held records oldest first, with what the operator needs to decide', async () => {
    await record(2, { status: 'held', received: '2026-05-06T00:00:00.000Z' });
    await record(1, { status: 'held', device: 'D2' });
    await record(3, { status: 'accepted', reason: null });
    const held = await listHeld(store);
    expect(held).toEqual([
      {
        recordId: id(1),
        merchantId: 'M1',
        deviceId: 'D2',
        seq: 1,
        type: 'redeem',
        time: '2026-05-01T10:00:00.000Z',
        voucherId: 'a'.repeat(32),
        amountFen: 1500,
        reason: 'late_upload',
        receivedAt: '2026-05-05T00:00:00.000Z',
      },
      expect.objectContaining({ recordId: id(2), deviceId: 'D1', seq: 2 }),
    ]);
  });

  it('accepting a held redemption accepts its held void too, and clears the reason', async () => {
    await record(1, { status: 'held' });
    await record(2, { status: 'held', type: 'reverse', reverses: id(1) });
    await record(3, { status: 'held' });
    expect(await reviewHeld(store, id(1), 'accept')).toBe(2);
    expect(await statusOf(1)).toEqual({ status: 'accepted', reason: null });
    expect(await statusOf(2)).toEqual({ status: 'accepted', reason: null });
    expect(await statusOf(3)).toEqual({ status: 'held', reason: 'late_upload' });
  });

  it('rejecting a held redemption keeps why it was held', async () => {
    await record(1, { status: 'held' });
    expect(await reviewHeld(store, id(1), 'reject')).toBe(1);
    expect(await statusOf(1)).toEqual({ status: 'rejected', reason: 'late_upload' });
  });

  it('only a held redemption can be reviewed: not an unknown id, a decided record or a void', async () => {
    await record(1, { status: 'accepted', reason: null });
    await record(2, { status: 'held' });
    await record(3, { status: 'held', type: 'reverse', reverses: id(2) });
    await expect(reviewHeld(store, id(9), 'accept')).rejects.toMatchObject({ code: 'not_found' });
    await expect(reviewHeld(store, id(1), 'accept')).rejects.toMatchObject({
      code: 'wrong_state',
      message: expect.stringMatching(/is accepted, not held/),
    });
    await expect(reviewHeld(store, id(3), 'reject')).rejects.toMatchObject({
      code: 'wrong_state',
      message: expect.stringMatching(/review the redemption/),
    });
    await expect(reviewHeld(store, 'not-a-uuid', 'accept')).rejects.toThrow(/record/);
    expect(await statusOf(3)).toEqual({ status: 'held', reason: 'late_upload' });
  });
});
