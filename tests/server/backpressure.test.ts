import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter, SyncFailure } from '../../src/core/sync/client';
import { startProgramServer, type RunningProgramServer } from '../../src/server/http/app';
import { enrolledTill, programWorld, sell, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill } from '../helpers/rawTill';

/** A batch upload that has arrived (its headers) and never finishes its body: it holds one intake place. */
function hangingUpload(url: string): { release: () => void } {
  const u = new URL('/v1/batches', url);
  const req = http.request({
    host: u.hostname,
    port: u.port,
    path: u.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': '1000' },
  });
  req.on('error', () => undefined);
  req.write('{"batchId":');
  return { release: () => req.destroy() };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

describe('Retry-After as the till reads it', () => {
  it('takes seconds or an HTTP date, and never more than the longest backoff', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter(null, now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBe(30_000);
  });
});

describe.each(STORES)('backpressure on $name', (kind) => {
  let world: ProgramWorld;
  let busy: RunningProgramServer;
  const cleanups: Array<() => void> = [];
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} store tests skipped (PostgreSQL not installed)`);
      skip();
    }
    world = await programWorld(kind);
    // A second process-like server on the same store that takes one batch at a time.
    busy = await startProgramServer({
      store: world.store,
      port: 0,
      replyKey: await world.program.replyKey(),
      maxConcurrentIntakes: 1,
      maxQueuedIntakes: 0,
      retryAfterSeconds: 240,
    });
  });
  afterEach(async () => {
    cleanups.splice(0).forEach((c) => c());
    await busy?.close();
    await world?.close();
  });

  it('with no line to wait in, answers an intake over the limit 429 with Retry-After at once, and takes it once a place is free', async () => {
    const till = await rawTill({ ...world, server: busy } as ProgramWorld);
    const [v] = await world.issue('child', 1);
    const records = [till.record({ voucherId: v!.voucherId })];
    const hanging = hangingUpload(busy.url);
    cleanups.push(hanging.release);
    await until(async () => (await metric(busy.url, 'caretill_intakes_in_flight')) === 1);

    const t0 = Date.now();
    const refused = await till.upload(records, '00000000-0000-4000-8000-000000000001');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('overloaded');
    const raw = await fetch(`${busy.url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('240');
    expect(await world.store.sql.get('SELECT 1 AS x FROM batches')).toBeUndefined(); // nothing of it was taken
    expect(await metric(busy.url, 'caretill_intakes_refused_total')).toBe(2);

    hanging.release();
    await until(async () => (await metric(busy.url, 'caretill_intakes_in_flight')) === 0);
    const taken = await till.upload(records, '00000000-0000-4000-8000-000000000001');
    expect(taken.status).toBe(200);
    expect(taken.body.results?.[0]?.status).toBe('accepted');
    const text = await (await fetch(`${busy.url}/metrics`)).text();
    expect(text).toMatch(/caretill_records_total\{status="accepted",reason=""\} 1/);
    expect(text).toMatch(/caretill_http_requests_total\{method="POST",route="\/v1\/batches",status="429"\} 2/);
    expect(text).toMatch(/caretill_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/v1\/batches"\}/);
    expect(text).toMatch(/^caretill_intakes_max 1$/m);
    // The pool's size on PostgreSQL; an embedded SQLite has no pool (0).
    expect(text).toMatch(kind.name === 'postgres' ? /^caretill_db_pool_max [1-9]\d*$/m : /^caretill_db_pool_max 0$/m);
    expect(await (await fetch(`${busy.url}/healthz`)).json()).toEqual({ ok: true });
  });

  it('with a line to wait in, an upload that finds every place taken waits for one and is taken; one that waits too long is refused', async () => {
    const queued = await startProgramServer({
      store: world.store,
      port: 0,
      replyKey: await world.program.replyKey(),
      maxConcurrentIntakes: 1,
      maxQueuedIntakes: 1,
      maxIntakeWaitMs: 400,
      retryAfterSeconds: 7,
    });
    cleanups.push(() => void queued.close());
    const till = await rawTill({ ...world, server: queued } as ProgramWorld);
    const [v] = await world.issue('child', 1);
    const records = [till.record({ voucherId: v!.voucherId })];
    const hanging = hangingUpload(queued.url);
    cleanups.push(hanging.release);
    await until(async () => (await metric(queued.url, 'caretill_intakes_in_flight')) === 1);

    // Waits in line; the place frees while it waits: it is taken, not refused.
    const waiting = till.upload(records, '00000000-0000-4000-8000-000000000002');
    await until(async () => (await metric(queued.url, 'caretill_intakes_waiting')) === 1);
    // The line holds one: the next is refused at once.
    const over = await fetch(`${queued.url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('7');
    hanging.release();
    const taken = await waiting;
    expect(taken.status).toBe(200);
    expect(taken.body.results?.[0]?.status).toBe('accepted');
    expect(await metric(queued.url, 'caretill_intakes_refused_total')).toBe(1);

    // A place held longer than the wait: the one in line is refused after maxIntakeWaitMs, not kept open.
    const again = hangingUpload(queued.url);
    cleanups.push(again.release);
    await until(async () => (await metric(queued.url, 'caretill_intakes_in_flight')) === 1);
    const t0 = Date.now();
    const late = await till.upload([till.record({ voucherId: v!.voucherId, amountFen: 500 })]);
    expect(late.status).toBe(429);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(await metric(queued.url, 'caretill_intakes_waiting')).toBe(0);
  });

  it('makes the till wait at least Retry-After before it syncs again, then it uploads', async () => {
    const clock = { offset: 0 };
    const till = await enrolledTill(world, 'M1', busy.url, { now: () => Date.now() + clock.offset });
    cleanups.push(till.cleanup);
    const [v] = await world.issue('child', 1);
    // The intake place is taken first: the sale's own background upload meets it too.
    const hanging = hangingUpload(busy.url);
    cleanups.push(hanging.release);
    await until(async () => (await metric(busy.url, 'caretill_intakes_in_flight')) === 1);
    expect((await sell(till.services, till.session, '绘本', 1, [v!.token])).ok).toBe(true);

    const failure = await till.services.sync.syncNow().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SyncFailure);
    expect(failure).toMatchObject({ kind: 'offline', code: 'overloaded' });
    expect((failure as SyncFailure).retryAfterMs).toBeGreaterThan(239_000);
    expect((failure as SyncFailure).retryAfterMs).toBeLessThanOrEqual(240_000);
    expect(await metric(busy.url, 'caretill_intakes_refused_total')).toBe(1); // the till asked once, then waited
    // The next attempt is scheduled no sooner than Retry-After (240 s), although the backoff after one failure is 45–75 s.
    expect(till.services.sync.retryDelayMs(0)).toBeGreaterThanOrEqual(239_000);
    expect(till.services.sync.retryDelayMs(1)).toBeGreaterThanOrEqual(239_000);

    // "Sync now" inside the window does not reach the program at all.
    hanging.release();
    await until(async () => (await metric(busy.url, 'caretill_intakes_in_flight')) === 0);
    const before = await metric(busy.url, 'caretill_http_request_duration_seconds_count{method="GET",route="/v1/manifest"}');
    await expect(till.services.sync.syncNow()).rejects.toMatchObject({ code: 'overloaded' });
    expect(await metric(busy.url, 'caretill_http_request_duration_seconds_count{method="GET",route="/v1/manifest"}')).toBe(before);
    expect(await world.store.sql.get('SELECT 1 AS x FROM records')).toBeUndefined();

    clock.offset = 241_000; // past Retry-After (and within the program's 5 minutes of clock skew)
    await till.services.sync.syncNow();
    expect(await world.store.sql.all('SELECT record_id FROM records')).toHaveLength(1);
  });

  it('makes the till come back when told (not after its fault backoff), five times in a row at most', async () => {
    // Retry-After 5 s: well below the 45–75 s a till backs off after a fault.
    const quick = await startProgramServer({
      store: world.store,
      port: 0,
      replyKey: await world.program.replyKey(),
      maxConcurrentIntakes: 1,
      maxQueuedIntakes: 0,
      retryAfterSeconds: 5,
    });
    let closed = false;
    cleanups.push(() => void (closed || quick.close()));
    const clock = { offset: 0 };
    const till = await enrolledTill(world, 'M1', quick.url, { now: () => Date.now() + clock.offset });
    cleanups.push(till.cleanup);
    const [v] = await world.issue('child', 1);
    const hanging = hangingUpload(quick.url);
    cleanups.push(hanging.release);
    await until(async () => (await metric(quick.url, 'caretill_intakes_in_flight')) === 1);
    expect((await sell(till.services, till.session, '绘本', 1, [v!.token])).ok).toBe(true);

    for (;;) {
      clock.offset += 11_000; // past the last Retry-After
      await expect(till.services.sync.syncNow()).rejects.toMatchObject({ code: 'overloaded' });
      const refused = await metric(quick.url, 'caretill_intakes_refused_total');
      if (refused <= 5) {
        // At the time the program gave (5 s, then each refusal a slot later), up to a fifth later.
        const asked = till.services.sync.retryDelayMs(0);
        expect(asked).toBeGreaterThanOrEqual(4_000);
        expect(asked).toBeLessThanOrEqual(8_000);
        expect(till.services.sync.retryDelayMs(1)).toBeCloseTo(asked * 1.2, -2);
        continue;
      }
      // A sixth 429 in a row is backed off from as a first fault is: 45–75 s.
      expect(refused).toBe(6);
      expect(till.services.sync.retryDelayMs(0)).toBe(45_000);
      expect(till.services.sync.retryDelayMs(1)).toBe(75_000);
      break;
    }

    // A fault after 429s (the program cannot be reached), with no success between: the fault's backoff.
    hanging.release();
    await quick.close();
    closed = true;
    clock.offset += 11_000;
    await expect(till.services.sync.syncNow()).rejects.toMatchObject({ kind: 'offline' });
    expect(till.services.sync.retryDelayMs(0)).toBe(45_000);
    expect(till.services.sync.retryDelayMs(1)).toBe(75_000);
  });
});
