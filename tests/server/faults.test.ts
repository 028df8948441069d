import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultProxy, FAULTS, type Fault } from '../helpers/faultProxy';
import { enrolledTill, programWorld, sell, STORES, type ProgramWorld } from '../helpers/program';

/** A small seeded PRNG, so a failing run can be replayed with the printed seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUNDS = 200;
/**
 * The till gives up on a request after TIMEOUT_MS; a delayed one is held far longer, so it times out
 * even when a busy machine fires the till's timer late, and ordinary requests have room to be slow.
 */
const TIMEOUT_MS = 1200;
const DELAY_MS = TIMEOUT_MS + 2500;

describe.each(STORES)('uploads through a faulty network on $name', (kind) => {
  let world: ProgramWorld;
  let proxy: FaultProxy;
  beforeEach(async ({ skip }) => {
    if (!kind.available) {
      console.warn(`NOTICE: ${kind.name} fault tests skipped (PostgreSQL not installed)`);
      skip();
    }
    world = await programWorld(kind);
  });
  afterEach(async () => {
    await proxy?.stop();
    await world?.close();
  });

  it(`${ROUNDS} randomized uploads: the server's accepted totals equal the till's journal to the fen`, async () => {
    const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100000);
    const random = prng(seed);
    let faulty = false;
    proxy = new FaultProxy(
      () => world.server.url,
      () => (faulty ? (random() < 0.3 ? 'ok' : FAULTS[1 + Math.floor(random() * (FAULTS.length - 1))]!) : 'ok'),
      DELAY_MS,
    );
    await proxy.start();
    const till = await enrolledTill(world, 'M1', proxy.url, { syncTimeoutMs: TIMEOUT_MS });
    try {
      const vouchers = await world.issue('child', 40);
      faulty = true;
      let committed = 0;
      for (let i = 0; i < ROUNDS; i++) {
        // A sale now and then (online or, when the proxy fails it, offline), then an upload attempt.
        if (i % 2 === 0) {
          const r = await sell(till.services, till.session, '文具', 1, [vouchers[i % vouchers.length]!.token]);
          if (r.ok) committed++;
        }
        await till.services.sync.upload().catch(() => undefined);
      }
      faulty = false;
      // A sync started by the last sale may still be finishing through the faults: go until one is clean.
      for (let tries = 0; ; tries++) {
        try {
          await till.services.sync.syncNow();
          break;
        } catch (e) {
          if (tries > 5) throw e;
        }
      }
      expect(till.services.sync.pending(), `seed ${seed}`).toBe(0);

      const journal = till.services.journal.range(1, 100_000);
      const server = await world.store.sql.all<{ record_id: string; type: string; amount_fen: number; status: string }>(
        'SELECT record_id, type, amount_fen, status FROM records',
      );
      const netOf = (rows: Array<{ type: string; amount: number }>) =>
        rows.reduce((a, r) => a + (r.type === 'redeem' ? r.amount : -r.amount), 0);
      expect(committed).toBeGreaterThan(50);
      expect(server.length, `seed ${seed}`).toBe(journal.length);
      expect(new Set(server.map((r) => r.record_id)).size).toBe(server.length);
      expect(
        server.every((r) => r.status === 'accepted'),
        `seed ${seed}`,
      ).toBe(true);
      expect(netOf(server.map((r) => ({ type: r.type, amount: Number(r.amount_fen) }))), `seed ${seed}`).toBe(
        netOf(journal.map((r) => ({ type: r.type, amount: r.amountFen }))),
      );
      // Authorizations of the sales that went through online were captured exactly once.
      // No reservation is left competing with a recorded sale.
      const stray = await world.store.sql.all<{ idem_key: string }>(
        "SELECT a.idem_key FROM authorizations a JOIN records r ON a.idem_key = r.sale_id || ':' || r.voucher_id WHERE a.status = 'reserved'",
      );
      expect(stray).toEqual([]);
      for (const f of FAULTS.filter((x): x is Fault => x !== 'ok'))
        expect(proxy.seen.get(f) ?? 0, `fault ${f} never happened (seed ${seed})`).toBeGreaterThan(0);
    } finally {
      till.cleanup();
    }
  }, 300_000);
});
