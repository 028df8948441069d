import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOperatorToken } from '../../src/server/http/operators';
import { createStatement, listStatements } from '../../src/server/sync/settlement';
import { enrolledTill, programWorld, sell, STORES, type ProgramWorld } from '../helpers/program';

/**
 * Issue 16: paying a shop through the operator's HTTP API on loopback, from a real till's sale to a
 * paid statement: draft → approved → paid, each step only from the one before, and no record paid
 * twice.
 */
const sqlite = STORES.find((s) => s.name === 'sqlite')!;

describe('settling a shop through the operator API', () => {
  let world: ProgramWorld;
  let token: string;
  const cleanups: Array<() => void> = [];
  beforeEach(async () => {
    world = await programWorld(sqlite);
    token = await createOperatorToken(world.store, 'ops');
  });
  afterEach(async () => {
    cleanups.splice(0).forEach((c) => c());
    await world?.close();
  });

  const operator = async (method: 'GET' | 'POST', p: string, body?: unknown) => {
    const res = await fetch(`${world.server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { error?: { code: string } } };
  };

  it('a sale the program accepted is settled once: draft, approved, paid; each step only from the one before', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [v] = await world.issue('baby', 1);
    expect((await sell(till.services, till.session, '飞鹤', 1, [v!.token])).ok).toBe(true);
    await till.services.sync.syncNow();

    expect(await operator('GET', '/v1/operator/statements')).toEqual({ status: 200, body: [] });
    const made = await operator('POST', '/v1/operator/statements', { merchantId: 'M1' });
    expect(made.status).toBe(200);
    const statement = made.body.statement as { statement_id: string; status: string; total_fen: number; record_count: number };
    expect(statement).toMatchObject({ status: 'draft', record_count: 1 });
    expect(Number(statement.total_fen)).toBe(5000);
    // Nothing left to settle: the record is on a statement now.
    expect((await operator('POST', '/v1/operator/statements', { merchantId: 'M1' })).body).toEqual({ statement: null });

    const id = statement.statement_id;
    expect((await operator('POST', `/v1/operator/statements/${id}/pay`, { reference: 'BANK-1' })).body.error?.code).toBe('wrong_state');
    expect(await operator('POST', `/v1/operator/statements/${id}/approve`)).toEqual({ status: 200, body: { ok: true } });
    expect((await operator('POST', `/v1/operator/statements/${id}/approve`)).body.error?.code).toBe('wrong_state');
    expect(await operator('POST', `/v1/operator/statements/${id}/pay`, { reference: 'BANK-1' })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await operator('POST', `/v1/operator/statements/${id}/pay`, { reference: 'BANK-2' })).body.error?.code).toBe('wrong_state');

    const list = (await operator('GET', '/v1/operator/statements')).body as unknown as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ statement_id: id, status: 'paid', payout_reference: 'BANK-1' });
  });

  it('a statement up to a moment before the sale settles nothing', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [v] = await world.issue('baby', 1);
    expect((await sell(till.services, till.session, '飞鹤', 1, [v!.token])).ok).toBe(true);
    await till.services.sync.syncNow();
    expect((await operator('POST', '/v1/operator/statements', { merchantId: 'M1', until: '2026-01-01T00:00:00+08:00' })).body).toEqual({
      statement: null,
    });
  });

  it('a statement nets a void against its sale, lists per shop, and needs a real date', async () => {
    const till = await enrolledTill(world);
    cleanups.push(till.cleanup);
    const [a, b] = await world.issue('baby', 2);
    expect((await sell(till.services, till.session, '飞鹤', 1, [a!.token])).ok).toBe(true);
    const voided = await sell(till.services, till.session, '飞鹤', 1, [b!.token]);
    const saleId = (voided as { value: { saleId: string } }).value.saleId;
    expect((await till.services.dispatch('voidSale', { saleId }, { sessionToken: till.session.token })).ok).toBe(true);
    await till.services.sync.syncNow();
    await expect(createStatement(world.store, 'M1', new Date('not a date'))).rejects.toMatchObject({ code: 'bad_request' });
    const st = await createStatement(world.store, 'M1', new Date());
    // Three records (two sales, one void): paid what stands.
    expect(st).toMatchObject({ merchant_id: 'M1', record_count: 3 });
    expect(Number(st!.total_fen)).toBe(5000);
    expect(await listStatements(world.store, 'M1')).toHaveLength(1);
    expect(await listStatements(world.store, 'M2')).toEqual([]);
  });

  it('an operator call without the right token gets 401', async () => {
    token = 'not-a-token';
    expect((await operator('GET', '/v1/operator/statements')).status).toBe(401);
  });
});
