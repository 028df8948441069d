import crypto from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProgramServer } from '../../src/server/http/app';
import { KeyFiles } from '../../src/server/program/keyFiles';
import { Program } from '../../src/server/program/program';
import { openProgramStore } from '../../src/server/store/programStore';
import { programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill, type RawTill } from '../helpers/rawTill';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: the program server's edges on loopback (app.ts): a call without a till's signature, a
 * till's records read back from a seq, a released hold, health when the database is gone, and a
 * server started with settings that make no sense.
 */
const sqlite = STORES.find((s) => s.name === 'sqlite')!;

describe('the program server’s edges', () => {
  let world: ProgramWorld;
  let till: RawTill;
  beforeEach(async () => {
    world = await programWorld(sqlite);
    till = await rawTill(world, 'M1');
  });
  afterEach(async () => {
    await world?.close();
  });

  it('a till route called without a till’s signature is 401', async () => {
    for (const [method, p] of [
      ['GET', '/v1/manifest'],
      ['GET', '/v1/status'],
      ['POST', '/v1/authorize'],
    ] as const) {
      const res = await fetch(`${world.server.url}${p}`, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('a till reads its own records back from a seq; a seq that is not one is refused', async () => {
    const [v] = await world.issue('child', 1);
    const a = till.record({ voucherId: v!.voucherId });
    const b = till.record({ voucherId: v!.voucherId });
    expect((await till.upload([a, b])).status).toBe(200);
    const all = await till.get('/v1/records');
    expect(all.status).toBe(200);
    const after1 = await till.get('/v1/records?after=1');
    expect(JSON.stringify(after1.body)).toContain(b.id);
    expect(JSON.stringify(after1.body)).not.toContain(a.id);
    for (const bad of ['-1', '1.5', 'x']) {
      const r = await till.get(`/v1/records?after=${bad}`);
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('bad_request');
    }
  });

  it('a hold is released once, and only by the till that holds it', async () => {
    const [v] = await world.issue('child', 1);
    const approved = await till.post('/v1/authorize', {
      idempotencyKey: `${crypto.randomUUID()}:${v!.voucherId}`,
      voucherId: v!.voucherId,
      campaignId: 2,
      amountFen: 1000,
      token: v!.token,
    });
    const id = approved.body.authorizationId as string;
    const other = await rawTill(world, 'M1');
    expect((await other.post(`/v1/authorize/${id}/release`, {})).body).toEqual({ released: false });
    expect((await till.post(`/v1/authorize/${id}/release`, {})).body).toEqual({ released: true });
    expect((await till.post(`/v1/authorize/${id}/release`, {})).body).toEqual({ released: false });
    expect((await till.post('/v1/authorize/not-an-id/release', {})).status).toBe(400);
  });

  it('health says when the database does not answer', async () => {
    expect(await (await fetch(`${world.server.url}/healthz`)).json()).toEqual({ ok: true });
    await world.store.sql.close();
    const res = await fetch(`${world.server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('database_unreachable');
  });
});

describe('starting the program server', () => {
  it('refuses an intake limit or a retry delay below one', async () => {
    const t = tempDir('caretill-start-');
    const store = await openProgramStore(path.join(t.dir, 'home'), undefined);
    try {
      const program = new Program(store, new KeyFiles(path.join(t.dir, 'home', 'keys')));
      await program.init('TEST', '测试', 'Test');
      const replyKey = await program.replyKey();
      await expect(startProgramServer({ store, port: 0, replyKey, maxConcurrentIntakes: 0 })).rejects.toThrow(/maxConcurrentIntakes/);
      await expect(startProgramServer({ store, port: 0, replyKey, retryAfterSeconds: 0.5 })).rejects.toThrow(/retryAfterSeconds/);
    } finally {
      await store.sql.close();
      t.cleanup();
    }
  });
});
