import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { hasPgVirtualenv, startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/pgCluster';

const root = path.resolve(import.meta.dirname, '../..');
const available = hasPgVirtualenv();
if (!available && process.env.CI)
  throw new Error('PostgreSQL tests are required in CI but pg_virtualenv is missing (apt-get install postgresql)');
if (!available) {
  process.stderr.write('\n*** NOTICE: pg_virtualenv missing: the throwaway-cluster lifecycle tests are SKIPPED. ***\n\n');
}

interface Started {
  url: string;
  dir: string;
  /** pg_virtualenv's pid and process group. */
  pid: number;
  child: ChildProcess;
}

const children: ChildProcess[] = [];
const clusters: ThrowawayPostgres[] = [];

/**
 * node --import tsx rather than npx tsx: the tsx CLI runs the script in a grandchild, which would
 * outlive a SIGKILL sent to the CLI and keep owning the cluster.
 */
async function startInChild(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tests/fixtures/pg-cluster-child.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start a cluster within 90 s: ${err}`)), 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf('\n')));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code} before starting a cluster: ${err}`));
    });
  });
  const info = JSON.parse(line) as { url: string; dir: string; pid: number };
  return { ...info, child };
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const r = await client.query<{ one: number }>('SELECT 1 AS one');
    return r.rows[0]?.one === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Dead or a zombie: an orphan may never be reaped by this machine's init. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(') ') + 2));
  } catch {
    return false;
  }
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const workDirs = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith('pg_virtualenv.')) : []);

describe.skipIf(!available)('throwaway PostgreSQL cluster lifecycle', () => {
  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await Promise.all(clusters.map((c) => c.stop()));
  });

  it('ends the cluster when its starter is killed, and the next start succeeds', { timeout: 180_000 }, async () => {
    const first = await startInChild();
    expect(await answers(first.url)).toBe(true);
    expect(workDirs(first.dir)).toHaveLength(1);

    await kill9(first.child);
    await eventually('pg_virtualenv of the killed starter ends', () => !running(first.pid), 30_000);
    expect(workDirs(first.dir)).toEqual([]);
    expect(await answers(first.url)).toBe(false);

    const second = await startThrowawayPostgres();
    clusters.push(second);
    expect(await answers(second.url)).toBe(true);
    // The killed starter could not remove its small state directory; the next start does.
    expect(fs.existsSync(first.dir)).toBe(false);
    await second.stop();
    expect(fs.existsSync(second.dir)).toBe(false);
    expect(await answers(second.url)).toBe(false);
  });

  it('a cluster whose pg_virtualenv was killed too is dropped by the next start', { timeout: 180_000 }, async () => {
    const first = await startInChild();
    // Killing pg_virtualenv's whole group skips its cleanup; the server runs in a session of its own.
    process.kill(-first.pid, 'SIGKILL');
    await kill9(first.child);
    expect(await answers(first.url)).toBe(true);

    const next = await startThrowawayPostgres();
    clusters.push(next);
    expect(await answers(first.url)).toBe(false);
    expect(fs.existsSync(first.dir)).toBe(false);
    expect(await answers(next.url)).toBe(true);
    await next.stop();
  });

  it('leaves the run-wide cluster of pgGlobalSetup alone and nothing in the system cluster list', async () => {
    const url = inject('pgUrl');
    if (url && !process.env.DATABASE_URL) expect(await answers(url)).toBe(true);
    const list = spawnSync('pg_lsclusters', ['-h'], { encoding: 'utf8' }).stdout;
    expect(list).not.toMatch(/caretill-pgv-/);
  });
});
