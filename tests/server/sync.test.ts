import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair, rawPublicKey, sign } from '../../src/trust/ed25519';
import {
  batchSigningInput,
  DEVICE_HEADER,
  formatHead,
  HEAD_HEADER,
  requestSigningInput,
  SIGNATURE_HEADER,
  TIME_HEADER,
} from '../../src/shared/sync/protocol';
import { GENESIS_HASH } from '../../src/trust/chain';
import { approveStatement, createStatement, payStatement } from '../../src/server/sync/settlement';
import { enrolledTill, programWorld, sell, STORES, type ProgramWorld } from '../helpers/program';

type BatchResult = { results: Array<{ status: string; reason: string }> };

const net = (rows: Array<{ type: string; amount_fen: number }>) =>
  rows.reduce((a, r) => a + (r.type === 'redeem' ? 1 : -1) * Number(r.amount_fen), 0);

describe.each(STORES)('program server and sync on $name', (kind) => {
  let world: ProgramWorld;
  const cleanups: Array<() => void> = [];
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    world = await programWorld(kind);
  });
  afterEach(async () => {
    cleanups.splice(0).forEach((c) => c());
    await world?.close();
  });

  it('enrolls a till with a one-time code; a replayed code is refused and stores nothing', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    expect(till.services.sync.connection()).toBe('online');
    expect(till.services.manifests.current()?.campaigns.size).toBe(2);
    expect(till.services.settings.get('program.merchantId')).toBe('M1');
    const code = await world.code();
    const a = await enrolledTill(world);
    cleanups.push(a.cleanup);
    const res = await fetch(`${world.server.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code,
        deviceId: crypto.randomUUID(),
        publicKey: rawPublicKey(generateKeyPair().publicKey).toString('base64url'),
        name: 'x',
      }),
    });
    expect(res.status).toBe(200);
    const replay = await fetch(`${world.server.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code,
        deviceId: crypto.randomUUID(),
        publicKey: rawPublicKey(generateKeyPair().publicKey).toString('base64url'),
        name: 'x',
      }),
    });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'enroll_code_used' } });
    expect((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM devices'))!.n).toBe(3);
    const unknown = await fetch(`${world.server.url}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: 'AAAA-BBBB-CCCC',
        deviceId: crypto.randomUUID(),
        publicKey: rawPublicKey(generateKeyPair().publicKey).toString('base64url'),
        name: 'x',
      }),
    });
    expect(unknown.status).toBe(404);
  });

  it('online: a sale is authorized, uploaded, accepted, and the reservation captured', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [v] = await world.issue('child', 1);
    const r = await sell(till.services, till.session, '绘本', 2, [v!.token]);
    expect(r.ok).toBe(true);
    const [rec] = till.services.journal.range(1, 10);
    expect(rec!.authorization).not.toBe('offline');
    await till.services.sync.syncNow();
    expect(till.services.sync.pending()).toBe(0);
    const auth = await world.store.sql.get<{ status: string }>('SELECT status FROM authorizations WHERE authorization_id = ?', [
      rec!.authorization,
    ]);
    expect(auth?.status).toBe('captured');
    const server = await world.store.sql.all<{ type: string; amount_fen: number; status: string }>(
      'SELECT type, amount_fen, status FROM records',
    );
    expect(server).toEqual([{ type: 'redeem', amount_fen: 6560, status: 'accepted' }]);
    expect(till.services.handlers.getSettlement({}, {})).toMatchObject({ totals: { acceptedFen: 6560, pendingFen: 0 } });
  });

  it('a balance voucher cannot be overspent across two shops online', async () => {
    const a = await enrolledTill(world, 'M1');
    const b = await enrolledTill(world, 'M2');
    cleanups.push(a.cleanup, b.cleanup);
    const [v] = await world.issue('child', 1);
    expect((await sell(a.services, a.session, '积木', 2, [v!.token])).ok).toBe(true); // ¥136 of ¥200
    const second = await sell(b.services, b.session, '积木', 2, [v!.token]); // another ¥136: over
    expect(second).toMatchObject({ ok: false, error: { code: 'voucher_declined', params: { reason: 'over_balance' } } });
    expect(b.services.journal.head().seq).toBe(0);
  });

  it('the same fixed voucher redeemed offline at two tills: the second is rejected as a double spend, and its owner sees why', async () => {
    const a = await enrolledTill(world, 'M1');
    const b = await enrolledTill(world, 'M2');
    cleanups.push(a.cleanup, b.cleanup);
    const [v] = await world.issue('baby', 1);
    const port = world.server.port;
    await world.server.close(); // the program goes offline
    expect((await sell(a.services, a.session, '湿巾', 1, [v!.token])).ok).toBe(true);
    expect((await sell(b.services, b.session, '湿巾', 1, [v!.token])).ok).toBe(true);
    expect(a.services.journal.range(1, 1)[0]!.authorization).toBe('offline');
    await world.restart();
    expect(world.server.port).toBe(port);
    await a.services.sync.syncNow();
    await b.services.sync.syncNow();
    const sa = a.services.handlers.getSettlement({}, {}) as { totals: { acceptedFen: number; rejectedFen: number } };
    const sb = b.services.handlers.getSettlement({}, {}) as {
      totals: { acceptedFen: number; rejectedFen: number };
      rejected: Array<{ reason: string }>;
    };
    expect(sa.totals).toMatchObject({ acceptedFen: 2990, rejectedFen: 0 });
    expect(sb.totals).toMatchObject({ acceptedFen: 0, rejectedFen: 2990 });
    expect(sb.rejected).toEqual([expect.objectContaining({ reason: 'double_spend', amountFen: 2990 })]);
  });

  it('re-sending a batch gives the same answer and never counts twice; another body under a used batch id is a conflict', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [v] = await world.issue('child', 1);
    await sell(till.services, till.session, '绘本', 1, [v!.token]);
    await till.services.sync.syncNow();
    const answer = () =>
      till.services.db.prepare('SELECT record_id, status, reason FROM record_status ORDER BY record_id').all() as Array<{ status: string }>;
    const first = answer();
    expect(first).toEqual([expect.objectContaining({ status: 'accepted', reason: null })]);
    // the till never heard the answer: mark the batch unsent, forget the answer and upload again
    till.services.db.prepare('UPDATE outbox_batches SET done_at = NULL').run();
    till.services.db.prepare('DELETE FROM record_status').run();
    expect(await till.services.sync.upload()).toEqual({ accepted: 1, rejected: 0 });
    expect(answer()).toEqual(first);
    const rows = await world.store.sql.all<{ type: string; amount_fen: number }>('SELECT type, amount_fen FROM records');
    expect(rows).toHaveLength(1);
    const batch = till.services.db.prepare<[], { batch_id: string }>('SELECT batch_id FROM outbox_batches').get()!;
    const key = till.services.sync['d'].key.key();
    const records = till.services.journal.range(1, 10);
    const forged = { batchId: batch.batch_id, deviceId: records[0]!.deviceId, records: [{ ...records[0]!, amountFen: 1 }] };
    const body = JSON.stringify({ ...forged, signature: sign(key, Buffer.from(batchSigningInput(forged))).toString('base64url') });
    const res = await signedPost(world, '/v1/batches', body, records[0]!.deviceId, key);
    expect(res.status).toBe(409);
    expect(net(await world.store.sql.all('SELECT type, amount_fen FROM records'))).toBe(3280);
  });

  it('refuses oversized and malformed bodies, unknown devices, bad signatures, gaps and broken chains', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [v] = await world.issue('child', 1);
    const port = world.server.port;
    await world.server.close();
    await sell(till.services, till.session, '绘本', 1, [v!.token]);
    await sell(till.services, till.session, '文具', 1, [v!.token]);
    await world.restart();
    expect(world.server.port).toBe(port);
    const key = till.services.sync['d'].key.key();
    const records = till.services.journal.range(1, 10);
    const deviceId = records[0]!.deviceId;
    const batchOf = (recs: typeof records, k = key) => {
      const b = { batchId: crypto.randomUUID(), deviceId, records: recs };
      return JSON.stringify({ ...b, signature: sign(k, Buffer.from(batchSigningInput(b))).toString('base64url') });
    };
    const huge = await signedPost(world, '/v1/batches', JSON.stringify({ pad: 'x'.repeat(17 * 1024 * 1024) }), deviceId, key);
    expect(huge.status).toBe(413);
    const torn = await signedPost(world, '/v1/batches', '{"batchId":', deviceId, key);
    expect(torn.status).toBe(400);
    const unknownKey = generateKeyPair().privateKey;
    const stranger = await signedPost(world, '/v1/batches', batchOf(records), crypto.randomUUID(), unknownKey);
    expect(stranger.status).toBe(401);
    const wrongSig = await signedPost(world, '/v1/batches', batchOf(records), deviceId, unknownKey);
    expect(wrongSig.status).toBe(401);
    const badBatchSig = (await (await signedPost(world, '/v1/batches', batchOf(records, unknownKey), deviceId, key)).json()) as BatchResult;
    expect(badBatchSig.results.map((r: { reason: string }) => r.reason)).toEqual(['bad_signature', 'bad_signature']);
    const gap = (await (await signedPost(world, '/v1/batches', batchOf(records.slice(1)), deviceId, key)).json()) as BatchResult;
    expect(gap.results[0]).toMatchObject({ status: 'rejected', reason: 'sequence_gap' });
    const broken = (await (
      await signedPost(world, '/v1/batches', batchOf([records[0]!, { ...records[1]!, amountFen: 99 }]), deviceId, key)
    ).json()) as BatchResult;
    expect(broken.results.map((r: { reason: string }) => r.reason)).toEqual(['bad_chain', 'bad_chain']);
    expect((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM records'))!.n).toBe(0);
    // the genuine upload still goes through afterwards
    await till.services.sync.syncNow();
    expect((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM records'))!.n).toBe(2);
  });

  it('settlement: a statement goes draft → approved → paid and the owner sees “paid”', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [v] = await world.issue('child', 1);
    await sell(till.services, till.session, '绘本', 1, [v!.token]);
    await till.services.sync.syncNow();
    const st = (await createStatement(world.store, 'M1', new Date()))!;
    expect(st).toMatchObject({ status: 'draft', total_fen: 3280, record_count: 1 });
    await expect(payStatement(world.store, st.statement_id, 'X')).rejects.toThrow(/not approved/);
    await approveStatement(world.store, st.statement_id);
    await payStatement(world.store, st.statement_id, 'BANK-20261122-001');
    await till.services.sync.pullStatus();
    const view = till.services.handlers.getSettlement({}, {}) as {
      totals: { paidFen: number; acceptedFen: number };
      statements: Array<{ status: string; payoutReference: string }>;
    };
    expect(view.totals).toMatchObject({ paidFen: 3280, acceptedFen: 0 });
    expect(view.statements[0]).toMatchObject({ status: 'paid', payoutReference: 'BANK-20261122-001' });
  });

  it('a void releases the reservation and its reversal is accepted, net zero', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [v] = await world.issue('baby', 1);
    const r = await sell(till.services, till.session, '湿巾', 1, [v!.token]);
    const saleId = (r as { ok: true; value: { saleId: string } }).value.saleId;
    await till.services.dispatch('voidSale', { saleId }, { sessionToken: till.session.token });
    await till.services.sync.syncNow();
    const rows = await world.store.sql.all<{ type: string; amount_fen: number; status: string }>(
      'SELECT type, amount_fen, status FROM records ORDER BY seq',
    );
    expect(rows.map((x) => [x.type, x.status])).toEqual([
      ['redeem', 'accepted'],
      ['reverse', 'accepted'],
    ]);
    expect(net(rows)).toBe(0);
    // the voucher can be used again, online
    expect((await sell(till.services, till.session, '湿巾', 1, [v!.token])).ok).toBe(true);
  });
});

/** A request signed by a till key, as SyncClient would send it. */
export async function signedPost(
  world: ProgramWorld,
  path: string,
  body: string,
  deviceId: string,
  key: ReturnType<typeof generateKeyPair>['privateKey'],
): Promise<Response> {
  const ts = new Date().toISOString();
  const digest = crypto.createHash('sha256').update(body).digest('hex');
  const head = { seq: 0, hash: GENESIS_HASH }; // what the request reports; these tests judge the batch, not its times
  return fetch(`${world.server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [DEVICE_HEADER]: deviceId,
      [TIME_HEADER]: ts,
      [HEAD_HEADER]: formatHead(head),
      [SIGNATURE_HEADER]: sign(key, Buffer.from(requestSigningInput('POST', path, ts, digest, head))).toString('base64url'),
    },
    body,
  });
}
