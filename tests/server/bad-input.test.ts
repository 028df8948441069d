import fc from 'fast-check';
import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/server/cli/main';
import { createOperatorToken } from '../../src/server/http/operators';
import { programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill } from '../helpers/rawTill';
import { tempDir } from '../helpers/tmp';

const RLO = '\u202E';

/** Issue 10, item 8: what made the program server answer 500 now gets a 4xx with a reason, and nothing is stored. */
describe.each(STORES)('hostile input to the program server on $name', (kind) => {
  let world: ProgramWorld;
  let token: string;
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    world = await programWorld(kind);
    token = await createOperatorToken(world.store, 'ops');
  });
  afterEach(async () => {
    await world?.close();
  });

  const operator = async (method: 'GET' | 'POST', p: string, body?: unknown) => {
    const res = await fetch(`${world.server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as { error?: { code: string; message: string } } };
  };
  const merchants = async () => Number((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM merchants'))!.n);

  it('two tills sending the same idempotency key: the second gets 409 idempotency_conflict, the first its own answer', async () => {
    const a = await rawTill(world, 'M1');
    const b = await rawTill(world, 'M2');
    const [v] = await world.issue('child', 1);
    const req = {
      idempotencyKey: `${crypto.randomUUID()}:${v!.voucherId}`,
      voucherId: v!.voucherId,
      campaignId: 2,
      amountFen: 1000,
      token: v!.token,
    };
    const first = await a.post('/v1/authorize', req);
    expect(first).toMatchObject({ status: 200, body: { status: 'approved' } });
    for (let i = 0; i < 2; i++)
      expect(await b.post('/v1/authorize', req)).toMatchObject({ status: 409, body: { error: { code: 'idempotency_conflict' } } });
    expect((await a.post('/v1/authorize', req)).body).toEqual(first.body);
  });

  it('the same authorization sent twice at once is reserved once and both get the same answer', async () => {
    const a = await rawTill(world, 'M1');
    const [v] = await world.issue('baby', 1);
    const req = {
      idempotencyKey: `${crypto.randomUUID()}:${v!.voucherId}`,
      voucherId: v!.voucherId,
      campaignId: 1,
      amountFen: 5000,
      token: v!.token,
    };
    const [x, y] = await Promise.all([a.post('/v1/authorize', req), a.post('/v1/authorize', req)]);
    expect([x.status, y.status]).toEqual([200, 200]);
    expect(x.body).toEqual(y.body);
    expect(x.body).toMatchObject({ status: 'approved' });
    const n = await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM authorizations');
    expect(Number(n!.n)).toBe(1);
  });

  it('a record id reused from an earlier batch is rejected as duplicate_record, the batch completes and the next one follows', async () => {
    const a = await rawTill(world, 'M1');
    const b = await rawTill(world, 'M2');
    const [v, w] = await world.issue('child', 2);
    const original = a.record({ voucherId: v!.voucherId, amountFen: 1000 });
    expect((await a.upload([original])).body.results![0]!.status).toBe('accepted');
    // Another till reuses that id; this till reuses it too, and repeats an id within one batch.
    const stolen = b.record({ id: original.id, voucherId: w!.voucherId, amountFen: 2000 });
    const reply = await b.upload([stolen, b.record({ voucherId: w!.voucherId, amountFen: 500 })]);
    expect(reply.status).toBe(200);
    expect(reply.body.results!.map((r) => r.reason)).toEqual(['duplicate_record', null]);
    const again = a.record({ id: original.id, voucherId: v!.voucherId, amountFen: 1000 });
    const fresh = a.record({ voucherId: v!.voucherId, amountFen: 300 });
    const twice = a.record({ id: fresh.id, voucherId: v!.voucherId, amountFen: 300 });
    const voidOfDuplicate = a.reverse(again);
    expect((await a.upload([again, fresh, twice, voidOfDuplicate])).body.results!.map((r) => r.reason)).toEqual([
      'duplicate_record',
      null,
      'duplicate_record',
      'duplicate_record',
    ]);
    // The chain continues past them: the next batch is accepted, not a sequence gap.
    expect((await a.upload([a.record({ voucherId: v!.voucherId, amountFen: 100 })])).body.results![0]!.status).toBe('accepted');
    expect((await b.upload([b.record({ voucherId: w!.voucherId, amountFen: 100 })])).body.results![0]!.status).toBe('accepted');
    const paid = await world.store.sql.get<{ n: number }>("SELECT SUM(amount_fen) AS n FROM records WHERE status = 'accepted'");
    expect(Number(paid!.n)).toBe(1000 + 500 + 300 + 100 + 100);
  });

  it('a record whose free text holds a lone UTF-16 surrogate is taken (stored with U+FFFD), not a 500 the till would resend for ever', async () => {
    const till = await rawTill(world, 'M1');
    const [v] = await world.issue('child', 1);
    const odd = till.record({ voucherId: v!.voucherId, amountFen: 1000, saleId: 'sale-\ud800-x', authorization: 'offline' });
    const reply = await till.upload([odd]);
    expect(reply.status).toBe(200);
    expect(reply.body.results![0]!.status).toBe('accepted');
    const row = await world.store.sql.get<{ sale_id: string }>('SELECT sale_id FROM records WHERE record_id = ?', [odd.id]);
    // Each store writes it in its own way (PostgreSQL one U+FFFD, SQLite one a byte), never a lone surrogate.
    expect(row!.sale_id).toMatch(/^sale-\ufffd+-x$/);
    expect((await till.upload([till.record({ voucherId: v!.voucherId, amountFen: 100 })])).body.results![0]!.status).toBe('accepted');
  });

  it('two tills uploading the same new record id at the same moment: one is paid, the other is a duplicate, neither gets a 500', async () => {
    const a = await rawTill(world, 'M1');
    const b = await rawTill(world, 'M2');
    const [v, w] = await world.issue('child', 2);
    const id = crypto.randomUUID();
    const replies = await Promise.all([
      a.upload([a.record({ id, voucherId: v!.voucherId, amountFen: 1000 })]),
      b.upload([b.record({ id, voucherId: w!.voucherId, amountFen: 1000 })]),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    expect(replies.map((r) => r.body.results![0]!.reason).sort()).toEqual(['duplicate_record', null]);
  });

  it('an operator call with ttlHours "abc" gets 400 with the field named', async () => {
    expect(await operator('POST', '/v1/operator/enrollment-codes', { merchantId: 'M1', ttlHours: 'abc' })).toMatchObject({
      status: 400,
      body: { error: { code: 'bad_request', message: expect.stringMatching(/^ttlHours: /) } },
    });
  });

  it('an operator call with ttlHours 1e12 gets 400 with the field named', async () => {
    const r = await operator('POST', '/v1/operator/enrollment-codes', { merchantId: 'M1', ttlHours: 1e12 });
    expect(r).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^ttlHours: /) } } });
    const codes = await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM enrollment_codes');
    expect(Number(codes!.n)).toBe(0);
  });

  it('a statement until "garbage" gets 400 with the field named', async () => {
    expect(await operator('POST', '/v1/operator/statements', { merchantId: 'M1', until: 'garbage' })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^until: /) } },
    });
  });

  it('a duplicate merchant id gets 409 merchant_exists and the first merchant keeps its name', async () => {
    expect(await operator('POST', '/v1/operator/merchants', { merchantId: 'M1', name: '冒名店' })).toMatchObject({
      status: 409,
      body: { error: { code: 'merchant_exists' } },
    });
    expect(await world.store.sql.get('SELECT name FROM merchants WHERE merchant_id = ?', ['M1'])).toEqual({ name: '爱心母婴店' });
  });

  it('an object as merchant id, merchant id "*", or a 60,000-character name with a right-to-left override get 400 and store nothing', async () => {
    const before = await merchants();
    for (const [body, field] of [
      [{ merchantId: { a: 1 }, name: '店' }, 'merchantId'],
      [{ merchantId: '*', name: '店' }, 'merchantId'],
      [{ merchantId: 'M9', name: `${'店'.repeat(20)}${RLO}` }, 'name'],
      [{ merchantId: 'M9', name: `${'A'.repeat(60_000)}${RLO}` }, 'name'],
      [{ merchantId: 'M9', name: '店', extra: true }, 'body'],
    ] as const) {
      const r = await operator('POST', '/v1/operator/merchants', body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.body.error!.message).toContain(field === 'body' ? 'extra' : `${field}: `);
    }
    expect(await merchants()).toBe(before);
  });

  it('statement ids, payout references, release ids and status cursors are checked too', async () => {
    expect((await operator('POST', '/v1/operator/statements/x/approve')).status).toBe(400);
    expect((await operator('POST', '/v1/operator/statements/ST-20261122-ABCDEF/pay', { reference: '' })).status).toBe(400);
    expect((await operator('POST', '/v1/operator/statements/ST-20261122-ABCDEF/pay', { reference: `B${RLO}1` })).status).toBe(400);
    const till = await rawTill(world, 'M1');
    expect((await till.post('/v1/authorize/not-an-id/release', {})).status).toBe(400);
    expect((await till.get('/v1/status?cursor=garbage')).status).toBe(400);
    expect((await till.get('/v1/status?cursor=')).status).toBe(200);
  });

  it('no operator call gets a 5xx, whatever its body', async () => {
    // Each field is sometimes right (an existing merchant, a sane number), sometimes anything at all.
    const value = (...good: unknown[]) => fc.oneof(fc.constantFrom(...good), fc.jsonValue(), fc.string());
    const bodies = fc.oneof(
      fc.tuple(fc.constant('/v1/operator/merchants'), fc.record({ merchantId: value('M1', 'M9'), name: value('店', 'Shop') })),
      fc.tuple(fc.constant('/v1/operator/enrollment-codes'), fc.record({ merchantId: value('M1'), ttlHours: value(1, 72, 1e12, -1, 0.5) })),
      fc.tuple(
        fc.constant('/v1/operator/statements'),
        fc.record({ merchantId: value('M1'), until: value('2026-12-31T00:00:00Z', 'garbage') }),
      ),
      fc.tuple(fc.constantFrom('/v1/operator/merchants', '/v1/operator/enrollment-codes', '/v1/operator/statements'), fc.jsonValue()),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async ([p, body]) => (await operator('POST', p, body)).status < 500),
      { numRuns: 150 },
    );
  });
});

describe('the program CLI checks operator input the same way', () => {
  const t = tempDir('caretill-cli-input-');
  const home = path.join(t.dir, 'home');
  const cli = (...args: string[]) => runCli([...args, '--home', home], () => undefined);
  afterAll(() => t.cleanup());

  it('refuses a merchant id "*", a name with a right-to-left override, a duplicate merchant, hours out of range and a garbage date', async () => {
    await cli('init', '--id', 'CLI-IN', '--name-zh', '测试', '--name-en', 'Test');
    await expect(cli('merchants', 'add', '--id', '*', '--name', '店')).rejects.toThrow(/^merchantId: /);
    await expect(cli('merchants', 'add', '--id', 'M1', '--name', `店${RLO}`)).rejects.toThrow(/^name: .*bidi/);
    await cli('merchants', 'add', '--id', 'M1', '--name', '爱心母婴店');
    await expect(cli('merchants', 'add', '--id', 'M1', '--name', '冒名店')).rejects.toThrow(/exists already/);
    await expect(cli('enroll-code', '--merchant', 'M1', '--hours', 'abc')).rejects.toThrow(/--hours must be a whole number/);
    await expect(cli('enroll-code', '--merchant', 'M1', '--hours', '1000000000000')).rejects.toThrow(/^ttlHours: /);
    await expect(cli('statements', 'create', '--until', 'garbage')).rejects.toThrow(/--until must be a date/);
    await expect(cli('operator', 'token', '--name', `ops${RLO}`)).rejects.toThrow(/^name: /);
  });
});
