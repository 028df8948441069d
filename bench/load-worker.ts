/**
 * One process of the load generator (bench/load.bench.ts): simulates its share of the tills, each
 * with its own Ed25519 device key, its own enrollment with a one-time code, its own hash-chained
 * journal and signed requests (tests/helpers/rawTill.ts: the till's protocol without the till).
 * Every request goes to the next server in a round robin, as a proxy in front of several
 * `program serve` processes would send it. A 429 is honoured as a till does: wait its Retry-After
 * (each refused till is given a time of its own; plus up to a fifth more at random), then
 * send the same batch again. Driven over the IPC channel, one phase at a time; ends with its parent.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseRetryAfter } from '../src/core/sync/client';
import {
  batchSigningInput,
  DEVICE_HEADER,
  formatHead,
  HEAD_HEADER,
  requestSigningInput,
  SIGNATURE_HEADER,
  TIME_HEADER,
  type JournalRecord,
} from '../src/shared/sync/protocol';
import { sign } from '../src/trust/ed25519';
import type { ProgramWorld } from '../tests/helpers/program';
import { rawTill, type RawTill, type Reply } from '../tests/helpers/rawTill';

export interface TillSpec {
  index: number;
  merchantId: string;
  code: string;
  /** Balance vouchers (¥200) this till's families redeem offline during the day, uploaded at day close. */
  balance: string[];
  /** Fixed vouchers (¥50) authorized online during the day, one per sale. */
  fixed: Array<{ voucherId: string; token: string }>;
}

export type Command =
  | { cmd: 'init'; urls: string[]; tills: TillSpec[]; deadlineMs: number }
  | { cmd: 'enroll' }
  | { cmd: 'day'; tills: number; from: number; sales: number; paceMs: number; uploadEvery: number; statusEvery: number }
  | { cmd: 'prepare-evening'; records: number }
  | { cmd: 'evening' }
  | { cmd: 'status' }
  | { cmd: 'exit' };

export interface PhaseResult {
  ok: boolean;
  error?: string;
  /** Latency of each timed request (ms): authorizations in the day, uploads in the evening, pulls after. */
  latencies: number[];
  accepted: number;
  rejected: number;
  approved: number;
  declined: number;
  refused429: number;
  requests: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let urls: string[] = [];
let rr = 0;
let deadlineMs = 60_000;
let specs: TillSpec[] = [];
const tills = new Map<number, RawTill>();
const evening = new Map<number, () => Promise<Reply>>();
const cursors = new Map<number, string>();

/** What rawTill needs of a program world: where to send the next request (round robin) and an enrollment code. */
function worldFor(spec: TillSpec): ProgramWorld {
  return {
    get server() {
      return { url: urls[rr++ % urls.length]! };
    },
    code: async () => spec.code,
  } as unknown as ProgramWorld;
}

const blank = (): PhaseResult => ({
  ok: true,
  latencies: [],
  accepted: 0,
  rejected: 0,
  approved: 0,
  declined: 0,
  refused429: 0,
  requests: 0,
});

/** Runs fn over items with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Keep-alive connections for the evening's uploads, through node:http rather than fetch: a till
 * sends its batch from its own machine, and here fetch's own CPU (a few hundred microseconds a
 * request) would be taken from the two cores the servers and PostgreSQL share with the generator.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function postRaw(url: string, headers: Record<string, string>, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          body: text ? (JSON.parse(text) as Reply['body']) : {},
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One signed batch upload, as rawTill's upload but with the batch's body, its signature and its
 * digest made once, before the clock starts (a till has its journal signed and ready when the day
 * closes): a send, and a resend after a 429, signs only the request, as a till does.
 */
function preparedUpload(till: RawTill, records: JournalRecord[]): () => Promise<Reply> {
  const batchId = crypto.randomUUID();
  const b = { batchId, deviceId: till.deviceId, records };
  const body = JSON.stringify({ ...b, signature: sign(till.key, Buffer.from(batchSigningInput(b))).toString('base64url') });
  const digest = crypto.createHash('sha256').update(body).digest('hex');
  const head = till.head();
  return () => {
    const ts = new Date().toISOString();
    return postRaw(
      `${urls[rr++ % urls.length]!}/v1/batches`,
      {
        'content-type': 'application/json',
        [DEVICE_HEADER]: till.deviceId,
        [TIME_HEADER]: ts,
        [HEAD_HEADER]: formatHead(head),
        [SIGNATURE_HEADER]: sign(till.key, Buffer.from(requestSigningInput('POST', '/v1/batches', ts, digest, head))).toString('base64url'),
      },
      body,
    );
  };
}

/** Sends (and, after a 429, sends again) one batch until it is answered or the phase's time is up. */
async function uploadHonouringRetryAfter(send: () => Promise<Reply>, res: PhaseResult, until: number): Promise<Reply> {
  for (;;) {
    res.requests++;
    const r = await send();
    if (r.status !== 429) return r;
    res.refused429++;
    // As the till does (SyncService.retryDelayMs): at the time the program gave, up to a fifth later.
    const wait = Math.max(1000, parseRetryAfter(r.retryAfter ?? null, Date.now())) * (1 + Math.random() * 0.2);
    if (Date.now() + wait > until) throw new Error(`a batch was still refused (429) when the phase's ${deadlineMs} ms were up`);
    await sleep(wait);
  }
}

function countBatch(r: Reply, res: PhaseResult): void {
  if (r.status !== 200) throw new Error(`batch upload answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  for (const x of r.body.results ?? []) {
    if (x.status === 'accepted') res.accepted++;
    else res.rejected++;
  }
}

async function run(c: Command): Promise<PhaseResult> {
  const res = blank();
  const until = Date.now() + deadlineMs;
  switch (c.cmd) {
    case 'init':
      urls = c.urls;
      specs = c.tills;
      deadlineMs = c.deadlineMs;
      return res;
    case 'enroll':
      await pool(specs, 16, async (s) => {
        res.requests++;
        tills.set(s.index, await rawTill(worldFor(s), s.merchantId));
      });
      return res;
    case 'day': {
      // Online sales: authorize (timed), record the sale with its authorization, upload the
      // sale records every few sales (which captures the holds), and pull the status now and then;
      // each till uses its fixed vouchers from..from+sales, one a sale.
      const active = specs.filter((s) => s.index < c.tills);
      await Promise.all(
        active.map(async (s) => {
          const till = tills.get(s.index)!;
          let pending: JournalRecord[] = [];
          for (const [n, v] of s.fixed.slice(c.from, c.from + c.sales).entries()) {
            // Paced: a till's next customer comes after paceMs on average (at random), not at once.
            if (c.paceMs > 0) await sleep(Math.random() * 2 * c.paceMs);
            if (Date.now() > until) throw new Error(`the day's sales were not done within ${deadlineMs} ms`);
            const saleId = crypto.randomUUID();
            const t0 = performance.now();
            res.requests++;
            const r = await till.post('/v1/authorize', {
              idempotencyKey: `${saleId}:${v.voucherId}`,
              voucherId: v.voucherId,
              campaignId: 1,
              amountFen: 5000,
              token: v.token,
            });
            res.latencies.push(performance.now() - t0);
            if (r.status !== 200) throw new Error(`authorize answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
            if (r.body.status !== 'approved') {
              res.declined++;
              continue;
            }
            res.approved++;
            pending.push(
              till.record({
                voucherId: v.voucherId,
                campaignId: 1,
                kind: 'fixed',
                amountFen: 5000,
                categories: { infant_formula: { amountFen: 5000, quantity: 1 } },
                authorization: String(r.body.authorizationId),
                saleId,
              }),
            );
            if (pending.length >= c.uploadEvery) {
              countBatch(await uploadHonouringRetryAfter(preparedUpload(till, pending), res, until), res);
              pending = [];
            }
            if ((n + 1) % c.statusEvery === 0) {
              res.requests++;
              const st = await till.get(`/v1/status?cursor=${cursors.get(s.index) ?? ''}`);
              if (st.status !== 200) throw new Error(`status answered ${st.status}`);
              cursors.set(s.index, String(st.body.cursor));
            }
          }
          if (pending.length > 0) countBatch(await uploadHonouringRetryAfter(preparedUpload(till, pending), res, until), res);
        }),
      );
      return res;
    }
    case 'prepare-evening':
      // The day's offline redemptions, written to each till's journal and signed as a batch before
      // the clock starts: the evening times the upload, not the sales.
      for (const s of specs) {
        const till = tills.get(s.index)!;
        evening.set(
          s.index,
          preparedUpload(
            till,
            Array.from({ length: c.records }, (_, i) => till.record({ voucherId: s.balance[i % s.balance.length]!, amountFen: 1000 })),
          ),
        );
      }
      return res;
    case 'evening':
      // Day close: every till uploads its journal at once.
      await Promise.all(
        specs.map(async (s) => {
          const t0 = performance.now();
          countBatch(await uploadHonouringRetryAfter(evening.get(s.index)!, res, until), res);
          res.latencies.push(performance.now() - t0);
        }),
      );
      evening.clear();
      return res;
    case 'status':
      // After the upload, each till learns what became of its records.
      await pool(specs, 64, async (s) => {
        const t0 = performance.now();
        res.requests++;
        const st = await tills.get(s.index)!.get(`/v1/status?cursor=${cursors.get(s.index) ?? ''}`);
        res.latencies.push(performance.now() - t0);
        if (st.status !== 200) throw new Error(`status answered ${st.status}`);
        cursors.set(s.index, String(st.body.cursor));
      });
      return res;
    case 'exit':
      process.exit(0);
  }
}

process.on('disconnect', () => process.exit(0));
process.on('message', (c: Command) => {
  run(c).then(
    (r) => process.send!(r),
    (e: unknown) => process.send!({ ...blank(), ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
