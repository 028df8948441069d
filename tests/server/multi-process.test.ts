import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createOperatorToken } from '../../src/server/http/operators';
import { createMerchant } from '../../src/server/sync/enrollment';
import { programWorld, STORES, type ProgramWorld } from '../helpers/program';
import { rawTill, type RawTill, type Reply } from '../helpers/rawTill';
import {
  batchSigningInput,
  DEVICE_HEADER,
  formatHead,
  HEAD_HEADER,
  requestSigningInput,
  SIGNATURE_HEADER,
  TIME_HEADER,
  type JournalRecord,
} from '../../src/shared/sync/protocol';
import { sign } from '../../src/trust/ed25519';

/**
 * Two, then four, program server processes on one PostgreSQL (a throwaway cluster), tills racing
 * through all of them. What keeps this right is the database alone, never memory (DESIGN: stateless servers):
 * - authorization: the voucher rows (and their re-issue lineage) are locked FOR UPDATE in voucher-id
 *   order before the rules read spend and holds, so two shops' requests for one voucher serialise;
 *   the idempotency key is UNIQUE (`ON CONFLICT DO NOTHING`, then read the winner's answer);
 * - batch intake: the till's `devices` row is locked FOR UPDATE first, so a second copy of a batch
 *   waits for the first and then finds its stored answer (`batches.batch_id` PRIMARY KEY); record
 *   ids are PRIMARY KEY (a lost race is a unique violation, retried: isConcurrencyConflict);
 * - statements: a claim is a row of statement_records keyed by the record (PRIMARY KEY); a statement
 *   made at the same moment waits on the other's inserted claims and skips them (`ON CONFLICT DO
 *   NOTHING`), and the totals are summed from the claims this statement inserted.
 */
const root = path.resolve(import.meta.dirname, '../..');
const pgKind = STORES.find((s) => s.name === 'postgres')!;

interface Child {
  url: string;
  proc: ChildProcess;
}

async function startServerProcess(home: string, databaseUrl: string, poolMax: number): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tests/fixtures/program-server-child.ts'), home], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: String(poolMax) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: proc.stdout! });
    rl.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`server process ended (${code}) before listening`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, proc };
}

async function stopServerProcess(c: Child): Promise<void> {
  if (c.proc.exitCode !== null) return;
  const gone = new Promise((r) => c.proc.once('exit', r));
  c.proc.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
  if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
}

/** A till's signed batch upload sent to the server at `url` (what a till does after a timeout, through another process). */
async function uploadVia(till: RawTill, url: string, records: JournalRecord[], batchId: string): Promise<Reply> {
  const b = { batchId, deviceId: till.deviceId, records };
  const body = JSON.stringify({ ...b, signature: sign(till.key, Buffer.from(batchSigningInput(b))).toString('base64url') });
  const ts = new Date().toISOString();
  const digest = crypto.createHash('sha256').update(body).digest('hex');
  const head = till.head();
  const res = await fetch(`${url}/v1/batches`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [DEVICE_HEADER]: till.deviceId,
      [TIME_HEADER]: ts,
      [HEAD_HEADER]: formatHead(head),
      [SIGNATURE_HEADER]: sign(till.key, Buffer.from(requestSigningInput('POST', '/v1/batches', ts, digest, head))).toString('base64url'),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

/** A raw till that talks to one given server process. */
const tillVia = (world: ProgramWorld, url: string, merchantId: string): Promise<RawTill> =>
  rawTill({ ...world, server: { ...world.server, url } } as ProgramWorld, merchantId);

/** Shops enough for one till per process, each at a shop of its own (programWorld makes M1 and M2). */
async function shops(world: ProgramWorld, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `M${i + 1}`);
  for (const id of ids.slice(2)) await createMerchant(world.store, id, `店 ${id}`);
  return ids;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe.each([2, 4])('%i program server processes on one PostgreSQL', (processes) => {
  let world: ProgramWorld;
  let procs: Child[] = [];
  beforeEach(async ({ skip }) => {
    if (!pgKind.available) {
      if (process.env.CI) throw new Error('the cross-process tests need PostgreSQL in CI');
      console.warn('NOTICE: cross-process tests skipped (PostgreSQL not installed)');
      skip();
    }
    world = await programWorld(pgKind);
    const db = (await world.store.sql.get<{ name: string }>('SELECT current_database() AS name'))!.name;
    const url = new URL(inject('pgUrl'));
    url.pathname = `/${db}`;
    // Processes × pool stays well below max_connections (100), other test files' databases beside.
    procs = await Promise.all(
      Array.from({ length: processes }, () => startServerProcess(path.join(world.dir, 'home'), url.toString(), processes > 2 ? 4 : 6)),
    );
  }, 60_000);
  afterEach(async () => {
    await Promise.all(procs.map(stopServerProcess));
    procs = [];
    await world?.close();
  });

  it('a voucher authorized from a shop through each process at the same instant is approved exactly once', async () => {
    const merchants = await shops(world, processes);
    // One till per process, each at its own shop.
    const tills = await Promise.all(procs.map((p, i) => tillVia(world, p.url, merchants[i]!)));
    const fixed = await world.issue('baby', 10);
    const balance = await world.issue('child', 10);
    const ask = (till: RawTill, v: { token: string; voucherId: string }, campaignId: number, amountFen: number) =>
      till.post('/v1/authorize', {
        idempotencyKey: `${crypto.randomUUID()}:${v.voucherId}`,
        voucherId: v.voucherId,
        campaignId,
        amountFen,
        token: v.token,
      });
    const races = [
      ...fixed.map((v) => Promise.all(tills.map((till) => ask(till, v, 1, 5000)))),
      // ¥150 of a ¥200 balance from each shop: only one fits.
      ...balance.map((v) => Promise.all(tills.map((till) => ask(till, v, 2, 15000)))),
    ];
    for (const answers of await Promise.all(races)) {
      expect(answers.map((r) => r.status)).toEqual(tills.map(() => 200));
      expect(
        answers.filter((r) => r.body.status === 'approved'),
        JSON.stringify(answers),
      ).toHaveLength(1);
    }
    const held = await world.store.sql.all<{ voucher_id: string; n: number }>(
      "SELECT voucher_id, count(*) AS n FROM authorizations WHERE status = 'reserved' GROUP BY voucher_id",
    );
    expect(held).toHaveLength(20);
    expect(held.every((h) => Number(h.n) === 1)).toBe(true);
  });

  it('a voucher redeemed offline at a shop through each process at the same instant is accepted exactly once', async () => {
    const merchants = await shops(world, processes);
    const tills = await Promise.all(procs.map((p, i) => tillVia(world, p.url, merchants[i]!)));
    const fixed = await world.issue('baby', 10);
    const balance = await world.issue('child', 10);
    // Every till records the same families' vouchers offline (¥50 fixed; ¥150 of a ¥200 balance), then all upload at once.
    const batches = tills.map((till) => [
      ...fixed.map((v) =>
        till.record({
          voucherId: v.voucherId,
          campaignId: 1,
          kind: 'fixed',
          amountFen: 5000,
          categories: { infant_formula: { amountFen: 5000, quantity: 1 } },
        }),
      ),
      ...balance.map((v) => till.record({ voucherId: v.voucherId, amountFen: 15000 })),
    ]);
    const replies = await Promise.all(tills.map((till, i) => till.upload(batches[i]!)));
    expect(replies.map((r) => r.status)).toEqual(tills.map(() => 200));
    for (const v of [...fixed, ...balance]) {
      const outcomes = replies.flatMap((r, i) =>
        r.body.results!.filter((x) => batches[i]!.find((b) => b.id === x.id)!.voucherId === v.voucherId),
      );
      expect(outcomes).toHaveLength(processes);
      expect(
        outcomes.filter((o) => o.status === 'accepted'),
        JSON.stringify(outcomes),
      ).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason)).toEqual(
        Array(processes - 1).fill(fixed.includes(v) ? 'double_spend' : 'over_balance'),
      );
    }
    const accepted = await world.store.sql.all<{ voucher_id: string; n: number }>(
      "SELECT voucher_id, count(*) AS n FROM records WHERE status = 'accepted' GROUP BY voucher_id",
    );
    expect(accepted).toHaveLength(20);
    expect(accepted.every((a) => Number(a.n) === 1)).toBe(true);
  });

  it('the same batch sent to every process at once is counted once', async () => {
    const tills = await Promise.all([0, 1, 2, 3].map((i) => tillVia(world, procs[i % processes]!.url, 'M1')));
    const vouchers = await world.issue('child', 40);
    const sent = await Promise.all(
      tills.map(async (till, i) => {
        const records = vouchers.slice(i * 10, i * 10 + 10).map((v) => till.record({ voucherId: v.voucherId }));
        const batchId = crypto.randomUUID();
        // The same signed batch, to every process at the same moment.
        const replies = await Promise.all(procs.map((p) => uploadVia(till, p.url, records, batchId)));
        return { replies, records };
      }),
    );
    for (const { replies, records } of sent) {
      expect(replies.map((r) => r.status)).toEqual(procs.map(() => 200));
      for (const r of replies.slice(1)) expect(r.body).toEqual(replies[0]!.body);
      expect(replies[0]!.body.results?.every((r) => r.status === 'accepted')).toBe(true);
      expect(replies[0]!.body.results).toHaveLength(records.length);
    }
    expect((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM records'))!.n).toBe(40);
    expect((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM batches'))!.n).toBe(4);
    expect((await world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM duplicate_records'))!.n).toBe(0);
  });

  it('statements created through every process while batches arrive neither miss nor double-count a record', async () => {
    const token = await createOperatorToken(world.store, 'ops');
    const tills = await Promise.all([0, 1, 2, 3].map((i) => tillVia(world, procs[i % processes]!.url, 'M1')));
    const vouchers = await world.issue('child', 4 * 30);
    let uploading = true;
    const uploads = Promise.all(
      tills.map(async (till, i) => {
        for (let n = 0; n < 6; n++) {
          const records = vouchers.slice(i * 30 + n * 5, i * 30 + n * 5 + 5).map((v) => till.record({ voucherId: v.voucherId }));
          const r = await till.upload(records);
          expect(r.status).toBe(200);
        }
      }),
    ).finally(() => {
      uploading = false;
    });
    const statements: Array<{ statement_id: string; total_fen: number; record_count: number }> = [];
    const makeStatement = async (url: string) => {
      const res = await fetch(`${url}/v1/operator/statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ merchantId: 'M1' }),
      });
      expect(res.status).toBe(200);
      const { statement } = (await res.json()) as { statement: (typeof statements)[number] | null };
      if (statement) statements.push(statement);
    };
    while (uploading) await Promise.all(procs.map((p) => makeStatement(p.url)));
    await uploads;
    await makeStatement(procs[0]!.url);

    const accepted = await world.store.sql.all<{ record_id: string; statement_id: string | null; amount_fen: number }>(
      "SELECT r.record_id, c.statement_id, r.amount_fen FROM records r LEFT JOIN statement_records c ON c.rid = r.rid WHERE r.status = 'accepted'",
    );
    expect(accepted).toHaveLength(120);
    expect(accepted.filter((r) => r.statement_id === null)).toHaveLength(0); // none missed
    expect(sum(statements.map((st) => Number(st.record_count)))).toBe(120); // none counted twice
    expect(sum(statements.map((st) => Number(st.total_fen)))).toBe(sum(accepted.map((r) => Number(r.amount_fen))));
    for (const st of statements) {
      const mine = accepted.filter((r) => r.statement_id === st.statement_id);
      expect(mine).toHaveLength(Number(st.record_count));
      expect(sum(mine.map((r) => Number(r.amount_fen)))).toBe(Number(st.total_fen));
    }
    expect(statements.length).toBeGreaterThan(1);
  });
});
