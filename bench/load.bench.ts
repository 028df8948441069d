import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { KeyFiles } from '../src/server/program/keyFiles';
import { Program } from '../src/server/program/program';
import { openProgramStore, type ProgramStore } from '../src/server/store/programStore';
import { createEnrollmentCode, createMerchant } from '../src/server/sync/enrollment';
import { createStatement } from '../src/server/sync/settlement';
import { hasPgVirtualenv, startThrowawayPostgres } from '../tests/helpers/pgCluster';
import { tempDir } from '../tests/helpers/tmp';
import { percentile, round, type Bench, type Metric } from './harness';
import type { Command, PhaseResult, TillSpec } from './load-worker';

/**
 * The program at the scale of a real program (issue 15): many tills, one and then two server
 * processes on one throwaway PostgreSQL, loopback only, bounded in count and time.
 *
 * Per process count, on a fresh database: a program with two campaigns and 200 shops; 1,000 tills
 * simulated in a few worker processes (bench/load-worker.ts), each enrolled with its own code and
 * device key and signing every request. The day: 200 of them sell online at once (authorize, record
 * the sale, upload the sale records every few sales, pull the status now and then): the latency of
 * the authorizations is `authorize_p99_ms_…`. The evening: all 1,000 upload 100 offline records each
 * at once (429s honoured): `ingest_records_per_s_…` is the records accepted over the wall time. Then
 * each pulls its status. Between the two, the same 200 tills sell at a pace (one sale every
 * PACE_MS each, at random): `authorize_p99_ms_200_tills_paced_…`, the latency when the program is
 * busy but not saturated, beside the saturated figure, which is bound by throughput (Little's law:
 * 200 requests always in flight wait about 200 ÷ throughput). The server processes are the tests' child (tests/fixtures/program-server-child.ts,
 * the same startProgramServer as `program serve`), with DATABASE_POOL_MAX, --max-intakes and
 * --retry-after as below; the workers send each request to the next process in turn.
 *
 * Last, 1,000,000 accepted records of one shop are bulk-loaded with SQL (setup only) and one
 * statement is created over them through the real createStatement: `statement_create_1m_records_s`.
 *
 * Knobs for a quicker look (the targets are for the defaults): CARETILL_LOAD_TILLS, _RECORDS,
 * _DAY_TILLS, _SALES, _WORKERS, _POOL, _INTAKES, _INTAKE_QUEUE, _INTAKE_WAIT_MS, _RETRY_AFTER, _PROCESSES (e.g. "1,2"), _STATEMENT_RECORDS;
 * CARETILL_LOAD_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") for the server processes' Node.
 */
const root = path.resolve(import.meta.dirname, '..');
const env = (name: string, fallback: number) => Number(process.env[`CARETILL_LOAD_${name}`] ?? fallback);
const TILLS = env('TILLS', 1000);
const RECORDS = env('RECORDS', 100);
const DAY_TILLS = env('DAY_TILLS', 200);
const SALES = env('SALES', 10);
/** Sales a till of the paced day makes, one every PACE_MS on average. */
const PACED_SALES = env('PACED_SALES', 3);
const PACE_MS = env('PACE_MS', 4000);
const WORKERS = env('WORKERS', 3);
const POOL = env('POOL', 8);
const INTAKES = env('INTAKES', 8);
const RETRY_AFTER = env('RETRY_AFTER', 1);
const INTAKE_QUEUE = env('INTAKE_QUEUE', 256);
const INTAKE_WAIT_MS = env('INTAKE_WAIT_MS', 4000);
const STATEMENT_RECORDS = env('STATEMENT_RECORDS', 1_000_000);
const PROCESSES = (process.env.CARETILL_LOAD_PROCESSES ?? '1,2').split(',').filter(Boolean).map(Number);
const SHOPS = 200;
const BALANCE_PER_TILL = 10;
/**
 * The throwaway cluster as a production PostgreSQL would run: durable commits (pg_virtualenv's
 * own default is fsync off), and memory and WAL sized for a database of millions of records
 * rather than the 128 MB / 1 GB defaults meant for a small machine.
 */
const PG_SETTINGS: Record<string, string> = {
  fsync: 'on',
  synchronous_commit: 'on',
  shared_buffers: '1GB',
  max_wal_size: '4GB',
  // CARETILL_LOAD_PG_STATS=1: where PostgreSQL's time goes, statement by statement, after each run.
  ...(process.env.CARETILL_LOAD_PG_STATS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {}),
};
/** The most any phase may take before the bench gives up (and fails). */
const PHASE_MS = 120_000;

const say = (text: string) => process.stdout.write(`  load: ${text}\n`);

interface ServerProcess {
  url: string;
  pid: number;
  proc: ChildProcess;
}

/** One program server process; its stdin is our pipe, so it ends with this bench however the bench ends. */
async function startServer(home: string, databaseUrl: string): Promise<ServerProcess> {
  const proc = spawn(
    process.execPath,
    [
      ...(process.env.CARETILL_LOAD_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
      '--import',
      'tsx',
      path.join(root, 'tests/fixtures/program-server-child.ts'),
      home,
      String(INTAKES),
      String(RETRY_AFTER),
      String(INTAKE_QUEUE),
      String(INTAKE_WAIT_MS),
    ],
    { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: String(POOL) }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`server process ended (${code}) before listening`)));
  });
  const { url, pid } = JSON.parse(line) as { url: string; pid: number };
  return { url, pid, proc };
}

async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
  clearTimeout(timer);
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

/** A worker process of the load generator, driven one phase at a time. */
class Worker {
  readonly proc: ChildProcess;
  private waiting: ((r: PhaseResult) => void) | null = null;
  constructor() {
    this.proc = fork(path.join(root, 'bench/load-worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.proc.on('message', (m: PhaseResult) => {
      const w = this.waiting;
      this.waiting = null;
      w?.(m);
    });
    this.proc.once('exit', (code) => {
      const w = this.waiting;
      this.waiting = null;
      w?.({
        ok: false,
        error: `worker ended (${code})`,
        latencies: [],
        accepted: 0,
        rejected: 0,
        approved: 0,
        declined: 0,
        refused429: 0,
        requests: 0,
      });
    });
  }
  send(c: Command): Promise<PhaseResult> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.proc.send(c);
    });
  }
  stop(): Promise<void> {
    return stopProcess(this.proc);
  }
}

/** All workers run a phase at once; its wall time and their results, summed. Any failure fails the bench. */
async function phase(workers: Worker[], c: Command | ((i: number) => Command)): Promise<PhaseResult & { seconds: number }> {
  const t0 = performance.now();
  const results = await Promise.all(workers.map((w, i) => w.send(typeof c === 'function' ? c(i) : c)));
  const seconds = (performance.now() - t0) / 1000;
  const failed = results.find((r) => !r.ok);
  if (failed) throw new Error(`load phase ${typeof c === 'function' ? c(0).cmd : c.cmd} failed: ${failed.error}`);
  const sum = (k: 'accepted' | 'rejected' | 'approved' | 'declined' | 'refused429' | 'requests') => results.reduce((s, r) => s + r[k], 0);
  return {
    ok: true,
    seconds,
    latencies: results.flatMap((r) => r.latencies),
    accepted: sum('accepted'),
    rejected: sum('rejected'),
    approved: sum('approved'),
    declined: sum('declined'),
    refused429: sum('refused429'),
    requests: sum('requests'),
  };
}

/** The highest resident set size (MB) each of these processes reached while sampling ran. */
function sampleRss(pids: number[]): { stop: () => number[] } {
  const peak = pids.map(() => 0);
  const read = () =>
    pids.forEach((pid, i) => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        peak[i] = Math.max(peak[i]!, kb / 1024);
      } catch {
        /* gone */
      }
    });
  read();
  const timer = setInterval(read, 200);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return peak;
    },
  };
}

/**
 * CPU seconds (user + system) the server processes, the load generator's workers and the
 * PostgreSQL backends of one database (found by name) have used since the meter started. Read every 250 ms, so a backend the pool
 * closes meanwhile keeps what it used; one that starts later counts from zero.
 */
function cpuMeter(
  pids: number[],
  generatorPids: number[],
  database: string,
): { read: () => { servers: number; db: number; generator: number }; stop: () => void } {
  const ticks = (pid: number): number | null => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      return null;
    }
  };
  const backends = () =>
    fs
      .readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .filter((n) => {
        try {
          const cmd = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8');
          return cmd.startsWith('postgres: ') && cmd.includes(` ${database} `);
        } catch {
          return false;
        }
      })
      .map(Number);
  const base = new Map<number, number>();
  const last = new Map<number, number>();
  const servers = new Set(pids);
  let first = true;
  const tick = () => {
    for (const pid of [...pids, ...generatorPids, ...backends()]) {
      const t = ticks(pid);
      if (t === null) continue;
      if (!base.has(pid)) base.set(pid, first ? t : 0);
      last.set(pid, t);
    }
    first = false;
  };
  tick();
  const timer = setInterval(tick, 250);
  return {
    read: () => {
      tick();
      const used = { servers: 0, db: 0, generator: 0 };
      const generator = new Set(generatorPids);
      for (const [pid, t] of last) used[servers.has(pid) ? 'servers' : generator.has(pid) ? 'generator' : 'db'] += t - base.get(pid)!;
      return used;
    },
    stop: () => clearInterval(timer),
  };
}

async function createDatabase(baseUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A program with two campaigns, SHOPS shops and the vouchers the tills will use; the tills' specs with their enrollment codes. */
async function setUpProgram(store: ProgramStore, home: string): Promise<TillSpec[]> {
  const program = new Program(store, new KeyFiles(path.join(home, 'keys')));
  await program.init('LOAD', '压测项目', 'Load test', new Date(Date.now() - 60_000));
  const window = {
    validFrom: '2026-01-01T00:00:00+08:00',
    validUntil: '2027-12-31T23:59:59+08:00',
    merchants: ['*'],
    funder: { zh: '基金会', en: 'Fund' },
  };
  await program.createCampaign({
    ...window,
    names: { zh: '新生儿关爱券', en: 'Newborn' },
    kind: 'fixed',
    eligibleCategories: ['infant_formula', 'diapers', 'baby_care'],
    offline: { perVoucherFen: 5000, perDeviceTotalFen: 100_000_000, maxHoursOffline: 72 },
  });
  await program.createCampaign({
    ...window,
    names: { zh: '成长关爱金', en: 'Child' },
    kind: 'balance',
    eligibleCategories: ['books', 'school_supplies', 'toys'],
    offline: { perVoucherFen: 20000, perDeviceTotalFen: 100_000_000, maxHoursOffline: 72 },
  });
  await program.publishManifest();
  const shops = Array.from({ length: SHOPS }, (_, i) => `S${String(i + 1).padStart(4, '0')}`);
  for (const id of shops) await createMerchant(store, id, `爱心店 ${id}`);
  const fixed = await program.issueVouchers({
    campaignId: 1,
    count: Math.max(1, Math.min(DAY_TILLS, TILLS) * (SALES + PACED_SALES)),
    faceValueFen: 5000,
  });
  const balance = await program.issueVouchers({ campaignId: 2, count: TILLS * BALANCE_PER_TILL, faceValueFen: 20000 });
  const specs: TillSpec[] = [];
  for (let i = 0; i < TILLS; i++) {
    const merchantId = shops[i % SHOPS]!;
    specs.push({
      index: i,
      merchantId,
      code: await createEnrollmentCode(store, merchantId),
      balance: balance.slice(i * BALANCE_PER_TILL, (i + 1) * BALANCE_PER_TILL).map((v) => v.voucherId),
      fixed:
        i < DAY_TILLS
          ? fixed.slice(i * (SALES + PACED_SALES), (i + 1) * (SALES + PACED_SALES)).map((v) => ({ voucherId: v.voucherId, token: v.token }))
          : [],
    });
  }
  return specs;
}

interface RunFigures {
  ingestPerS: number;
  ingestSeconds: number;
  refused429: number;
  authorizeP50: number;
  authorizeP99: number;
  pacedP50: number;
  pacedP99: number;
  authorizePerS: number;
  statusP99: number;
  rssMb: number[];
  /** CPU ms a sale of the day (its authorization, its share of uploads and pulls) took in the server processes and in PostgreSQL. */
  authorizeCpuMs: { servers: number; db: number; generator: number };
  /** CPU ms 1,000 records of the evening took in the server processes and in PostgreSQL. */
  ingestCpuMsPer1k: { servers: number; db: number; generator: number };
}

/** The statements that took most of PostgreSQL's time in this run (pg_stat_statements), then reset. */
async function printStatementStats(store: ProgramStore, label: string): Promise<void> {
  if (!process.env.CARETILL_LOAD_PG_STATS) return;
  await store.sql.run('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const rows = await store.sql.all<{ calls: number; total: number; query: string }>(
    `SELECT calls, round(total_exec_time)::bigint AS total, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20`,
  );
  for (const r of rows) say(`pg ${label} ${String(r.total).padStart(7)} ms ${String(r.calls).padStart(7)} calls  ${r.query}`);
  await store.sql.run('SELECT pg_stat_statements_reset()');
}

/** The day and the evening against `n` server processes on a fresh database. */
async function runWith(n: number, baseUrl: string): Promise<RunFigures> {
  const t = tempDir('caretill-bench-load-');
  const home = path.join(t.dir, 'home');
  const database = `load_${n}_${process.pid}`;
  const url = await createDatabase(baseUrl, database);
  const store = await openProgramStore(home, url);
  const servers: ServerProcess[] = [];
  const workers: Worker[] = [];
  try {
    const setup0 = performance.now();
    const specs = await setUpProgram(store, home);
    servers.push(...(await Promise.all(Array.from({ length: n }, () => startServer(home, url)))));
    for (let i = 0; i < WORKERS; i++) workers.push(new Worker());
    await phase(workers, (i) => ({
      cmd: 'init',
      urls: servers.map((s) => s.url),
      tills: specs.filter((s) => s.index % WORKERS === i),
      deadlineMs: PHASE_MS,
    }));
    await phase(workers, { cmd: 'enroll' });
    say(`${n} process(es): program, ${TILLS} tills enrolled in ${round((performance.now() - setup0) / 1000, 1)} s`);

    await printStatementStats(store, 'setup');
    const rss = sampleRss(servers.map((s) => s.pid));
    const meter = cpuMeter(
      servers.map((s) => s.pid),
      workers.map((w) => w.proc.pid!),
      database,
    );
    const cpu = () => meter.read();
    const cpuDay0 = cpu();
    const day = await phase(workers, { cmd: 'day', tills: DAY_TILLS, from: 0, sales: SALES, paceMs: 0, uploadEvery: 5, statusEvery: 5 });
    const cpuDay = cpu();
    if (day.declined > 0 || day.rejected > 0)
      throw new Error(`the day: ${day.declined} authorizations declined, ${day.rejected} records rejected`);
    say(
      `${n} process(es): day, ${day.approved} authorizations by ${Math.min(DAY_TILLS, TILLS)} tills at once in ${round(day.seconds, 1)} s ` +
        `(p50 ${round(percentile(day.latencies, 50), 1)} ms, p99 ${round(percentile(day.latencies, 99), 1)} ms), ${day.accepted} sale records`,
    );

    // The same tills at a pace: each sells every PACE_MS on average (DAY_TILLS / PACE_MS authorizations a second in all).
    const paced = await phase(workers, {
      cmd: 'day',
      tills: DAY_TILLS,
      from: SALES,
      sales: PACED_SALES,
      paceMs: PACE_MS,
      uploadEvery: PACED_SALES,
      statusEvery: PACED_SALES,
    });
    if (paced.declined > 0 || paced.rejected > 0) throw new Error(`the paced day: ${paced.declined} declined, ${paced.rejected} rejected`);
    say(
      `${n} process(es): paced day, ${paced.approved} authorizations, p50 ${round(percentile(paced.latencies, 50), 1)} ms, p99 ${round(percentile(paced.latencies, 99), 1)} ms`,
    );

    await printStatementStats(store, 'day');
    await phase(workers, { cmd: 'prepare-evening', records: RECORDS });
    const cpuEvening0 = cpu();
    const evening = await phase(workers, { cmd: 'evening' });
    const cpuEvening = cpu();
    await printStatementStats(store, 'evening');
    if (evening.rejected > 0 || evening.accepted !== TILLS * RECORDS)
      throw new Error(`the evening: ${evening.accepted} of ${TILLS * RECORDS} records accepted, ${evening.rejected} rejected`);
    say(
      `${n} process(es): evening, ${evening.accepted} records from ${TILLS} tills in ${round(evening.seconds, 2)} s ` +
        `(${evening.refused429} × 429, batch p99 ${round(percentile(evening.latencies, 99) / 1000, 2)} s)`,
    );
    const status = await phase(workers, { cmd: 'status' });
    const rssMb = rss.stop();
    meter.stop();

    const held = await store.sql.get<{ n: number }>("SELECT count(*) AS n FROM records WHERE status = 'accepted'");
    const expected = TILLS * RECORDS + day.accepted + paced.accepted;
    if (Number(held?.n) !== expected) throw new Error(`the program holds ${held?.n} accepted records, not ${expected}`);
    return {
      ingestPerS: evening.accepted / evening.seconds,
      ingestSeconds: evening.seconds,
      refused429: evening.refused429,
      authorizeP50: percentile(day.latencies, 50),
      authorizeP99: percentile(day.latencies, 99),
      pacedP50: percentile(paced.latencies, 50),
      pacedP99: percentile(paced.latencies, 99),
      authorizePerS: day.approved / day.seconds,
      statusP99: percentile(status.latencies, 99),
      rssMb,
      // The day's CPU is the authorizations' with their sale uploads and status pulls.
      authorizeCpuMs: {
        servers: ((cpuDay.servers - cpuDay0.servers) * 1000) / day.approved,
        db: ((cpuDay.db - cpuDay0.db) * 1000) / day.approved,
        generator: ((cpuDay.generator - cpuDay0.generator) * 1000) / day.approved,
      },
      ingestCpuMsPer1k: {
        servers: ((cpuEvening.servers - cpuEvening0.servers) * 1e6) / evening.accepted,
        db: ((cpuEvening.db - cpuEvening0.db) * 1e6) / evening.accepted,
        generator: ((cpuEvening.generator - cpuEvening0.generator) * 1e6) / evening.accepted,
      },
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(servers.map((s) => stopProcess(s.proc)));
    await store.close();
    t.cleanup();
  }
}

/**
 * STATEMENT_RECORDS accepted records of one shop, loaded with one INSERT … SELECT (setup, not
 * timed), then one statement over all of them through createStatement, timed.
 */
async function statementOverMillion(baseUrl: string): Promise<{ seconds: number; loadSeconds: number; cpu: number }> {
  const t = tempDir('caretill-bench-statement-');
  const database = `statement_${process.pid}`;
  const url = await createDatabase(baseUrl, database);
  const store = await openProgramStore(path.join(t.dir, 'home'), url);
  try {
    await createMerchant(store, 'BIG', '大店');
    const time = new Date(Date.now() - 86_400_000).toISOString();
    const t0 = performance.now();
    await store.sql.run(
      `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen, forfeited_fen,
                            other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at, cashier_id)
       SELECT md5('r' || g), 'dev-' || (g % 500), 'BIG', g / 500 + 1, 'batch-' || (g / 100), md5('s' || g), 'redeem', ?, md5('v' || (g % 100000)), 2,
              'balance', 1000, 0, 0, '{"books":{"amountFen":1000,"quantity":1}}', 'offline', NULL, md5('h' || g), 'accepted', NULL, ?, ?, 1
         FROM generate_series(1, ?) AS g`,
      [time, time, time, STATEMENT_RECORDS],
    );
    await store.sql.run('ANALYZE records');
    const loadSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const meter = cpuMeter([], [], database);
    const cpu0 = meter.read().db;
    const st = await createStatement(store, 'BIG', new Date());
    const seconds = (performance.now() - t1) / 1000;
    const cpu = meter.read().db - cpu0;
    meter.stop();
    if (Number(st?.record_count) !== STATEMENT_RECORDS || Number(st?.total_fen) !== STATEMENT_RECORDS * 1000)
      throw new Error(`the statement holds ${st?.record_count} records, ${st?.total_fen} fen`);
    return { seconds, loadSeconds, cpu };
  } finally {
    await store.close();
    t.cleanup();
  }
}

export const loadBench: Bench = {
  name: 'load',
  async run() {
    if (!hasPgVirtualenv()) {
      process.stdout.write('load skipped: PostgreSQL not installed\n');
      return [];
    }
    const metrics: Metric[] = [];
    const pgc = await startThrowawayPostgres({ settings: PG_SETTINGS });
    try {
      const admin = new pg.Client({ connectionString: pgc.url });
      await admin.connect();
      const shown = await admin.query<{ name: string; setting: string }>(
        'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name',
        [Object.keys(PG_SETTINGS)],
      );
      const socketDir = (await admin.query<{ dir: string }>("SELECT split_part(current_setting('unix_socket_directories'), ',', 1) AS dir"))
        .rows[0]?.dir;
      // Peer authentication on the socket: the database role is this OS user's name (throwaway cluster).
      const osUser = os.userInfo().username;
      if (socketDir && !process.env.CARETILL_LOAD_TCP && !/^[a-z_][a-z0-9_]*$/.test(osUser))
        throw new Error(`OS user name ${osUser}: set CARETILL_LOAD_TCP=1`);
      if (socketDir && !process.env.CARETILL_LOAD_TCP)
        await admin.query(
          `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${osUser}') THEN CREATE ROLE ${osUser} SUPERUSER LOGIN; END IF; END $$`,
        );
      await admin.end();
      // The server processes reach PostgreSQL on this machine through its Unix socket, as the sample
      // deployment does (deploy/): loopback TCP costs each of the many small queries a trip through
      // the TCP stack (a fifth of the servers' CPU in a profile). CARETILL_LOAD_TCP=1 measures over TCP.
      const url = new URL(pgc.url);
      if (socketDir && !process.env.CARETILL_LOAD_TCP) {
        url.hostname = encodeURIComponent(socketDir);
        url.username = osUser;
        url.password = '';
      }
      const dbUrl = url.toString();
      say(
        `PostgreSQL ${shown.rows.map((r) => `${r.name}=${r.setting}`).join(' ')} via ${socketDir && !process.env.CARETILL_LOAD_TCP ? `socket ${socketDir}` : 'TCP'}`,
      );
      const figures = new Map<number, RunFigures>();
      // The machine is shared: its load average says how much of the two cores the bench had.
      const loads: number[] = [];
      for (const n of PROCESSES) {
        figures.set(n, await runWith(n, dbUrl));
        loads.push(os.loadavg()[0]!);
        say(`${n} process(es): load average ${round(os.loadavg()[0]!, 1)} (1 min) at the end`);
      }
      const label = (n: number) => (n === 1 ? '1_process' : `${n}_processes`);
      for (const [n, f] of figures)
        metrics.push(
          { name: `ingest_records_per_s_${label(n)}`, value: Math.round(f.ingestPerS), unit: 'records/s', target: 'reported' },
          { name: `authorize_p99_ms_${label(n)}`, value: round(f.authorizeP99, 1), unit: 'ms', target: 'reported' },
          { name: `authorize_p50_ms_${label(n)}`, value: round(f.authorizeP50, 1), unit: 'ms', target: 'reported' },
          { name: `authorize_p99_ms_200_tills_paced_${label(n)}`, value: round(f.pacedP99, 1), unit: 'ms', target: 'reported' },
          { name: `authorize_p50_ms_200_tills_paced_${label(n)}`, value: round(f.pacedP50, 1), unit: 'ms', target: 'reported' },
          { name: `authorizations_per_s_${label(n)}`, value: Math.round(f.authorizePerS), unit: '1/s', target: 'reported' },
          { name: `ingest_429_replies_${label(n)}`, value: f.refused429, unit: 'count', target: 'reported' },
          { name: `status_pull_p99_ms_${label(n)}`, value: round(f.statusP99, 1), unit: 'ms', target: 'reported' },
          {
            name: `authorize_cpu_ms_server_${label(n)}`,
            value: round(f.authorizeCpuMs.servers, 2),
            unit: 'ms',
            target: 'reported (per sale)',
          },
          {
            name: `authorize_cpu_ms_postgres_${label(n)}`,
            value: round(f.authorizeCpuMs.db, 2),
            unit: 'ms',
            target: 'reported (per sale)',
          },
          {
            name: `authorize_cpu_ms_load_generator_${label(n)}`,
            value: round(f.authorizeCpuMs.generator, 2),
            unit: 'ms',
            target: 'reported (per sale; the simulated tills)',
          },
          {
            name: `ingest_cpu_ms_server_per_1k_records_${label(n)}`,
            value: round(f.ingestCpuMsPer1k.servers, 0),
            unit: 'ms',
            target: 'reported',
          },
          {
            name: `ingest_cpu_ms_postgres_per_1k_records_${label(n)}`,
            value: round(f.ingestCpuMsPer1k.db, 0),
            unit: 'ms',
            target: 'reported',
          },
          {
            name: `ingest_cpu_ms_load_generator_per_1k_records_${label(n)}`,
            value: round(f.ingestCpuMsPer1k.generator, 0),
            unit: 'ms',
            target: 'reported (the simulated tills, on the same cores)',
          },
          {
            name: `server_rss_mb_under_load_${label(n)}`,
            value: round(Math.max(...f.rssMb), 0),
            unit: 'MB',
            target: 'reported (per process)',
          },
        );
      const main = figures.get(2) ?? figures.get(Math.max(...PROCESSES));
      if (main) {
        metrics.push(
          {
            name: 'ingest_1000_tills_records_per_s',
            value: Math.round(main.ingestPerS),
            unit: 'records/s',
            target: '≥ 15,000 (2 processes)',
          },
          { name: 'authorize_p99_ms_200_concurrent', value: round(main.authorizeP99, 1), unit: 'ms', target: '≤ 30 (2 processes)' },
          { name: 'server_rss_mb_under_load', value: round(Math.max(...main.rssMb), 0), unit: 'MB', target: 'reported (per process)' },
        );
      }
      const one = figures.get(1);
      if (one && figures.get(2)) {
        metrics.push(
          {
            name: 'ingest_growth_1_to_2_processes',
            value: round(figures.get(2)!.ingestPerS / one.ingestPerS, 2),
            unit: 'ratio',
            target: 'reported',
          },
          {
            name: 'authorize_p99_growth_1_to_2_processes',
            value: round(figures.get(2)!.authorizeP99 / one.authorizeP99, 2),
            unit: 'ratio',
            target: 'reported',
          },
        );
      }
      if (loads.length > 0)
        metrics.push({
          name: 'load_bench_machine_load_avg_1m',
          value: round(Math.max(...loads), 1),
          unit: 'load',
          target: 'reported (2 cores)',
        });
      if (STATEMENT_RECORDS > 0) {
        const st = await statementOverMillion(dbUrl);
        say(
          `statement: ${STATEMENT_RECORDS} records loaded in ${round(st.loadSeconds, 1)} s (setup), statement in ${round(st.seconds, 2)} s (PostgreSQL CPU ${round(st.cpu, 1)} s)`,
        );
        metrics.push({ name: 'statement_create_1m_records_s', value: round(st.seconds, 2), unit: 's', target: '≤ 10' });
      }
    } finally {
      await pgc.stop();
    }
    return metrics;
  },
};
