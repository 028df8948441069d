import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function hasPgVirtualenv(): boolean {
  return spawnSync('sh', ['-c', 'command -v pg_virtualenv']).status === 0;
}

export interface ThrowawayPostgres {
  url: string;
  stop: () => Promise<void>;
  /** Everything of this cluster lives under here; gone once the cluster is. */
  dir: string;
  /** pg_virtualenv's pid (also its process group). */
  pid: number;
}

/**
 * A new prefix, not the old `caretill-pg-`: the reaper below must only ever judge directories laid
 * out the way it expects.
 */
const PREFIX = 'caretill-pgv-';

/**
 * Runs inside pg_virtualenv. It watches the Node process that started it, not a signal from it:
 * a starter that dies by SIGKILL or a runner timeout sends nothing, and a bare `while sleep 1` then
 * kept the cluster forever. Zombies and reused pids count as dead (the pid's start time must
 * match), since this machine's init may never reap an orphaned starter.
 */
const WATCH_SCRIPT = `
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/stat" ] || return 0
  local s f
  s=$(< "/proc/$1/stat") || return 1
  s=\${s##*) }
  f=($s)
  [ "\${f[0]}" != Z ] && { [ -z "$2" ] || [ "\${f[19]}" = "$2" ]; }
}
printf '%s\\n' "postgres://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/$PGDATABASE" > "$CARETILL_PG_DIR/private/url.tmp"
mv "$CARETILL_PG_DIR/private/url.tmp" "$CARETILL_PG_DIR/private/url"
while alive "$CARETILL_PG_OWNER" "$CARETILL_PG_OWNER_START" && [ ! -e "$CARETILL_PG_DIR/stop" ]; do sleep 0.2; done
`;

/** A process's identity as "pid start-time", so a later reuse of the pid is not mistaken for it. */
function procIdentity(pid: number): string {
  return `${pid} ${procStat(pid)?.start ?? ''}`.trim();
}

function procStat(pid: number): { state: string; start: string } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(') ') + 2).split(' ');
    return { state: f[0]!, start: f[19]! };
  } catch {
    return null;
  }
}

function isAlive(identity: string | null): boolean {
  if (!identity) return false;
  const [pidText, start] = identity.split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  if (!stat) return !fs.existsSync('/proc/self/stat');
  return stat.state !== 'Z' && stat.state !== 'X' && (!start || stat.start === start);
}

const readText = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
};

/**
 * Stops and drops whatever cluster pg_virtualenv left under dir, then removes dir. Only for a
 * directory whose starter and pg_virtualenv are both gone (or that we own), so it never races
 * pg_virtualenv's own cleanup.
 */
function dropClustersIn(dir: string): void {
  for (const work of fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith('pg_virtualenv.')) : []) {
    const confRoot = path.join(dir, work, 'postgresql');
    const env = { ...process.env, PG_CLUSTER_CONF_ROOT: confRoot };
    for (const version of fs.existsSync(confRoot) ? fs.readdirSync(confRoot) : []) {
      if (!fs.existsSync(path.join(confRoot, version, 'regress'))) continue;
      spawnSync('pg_ctlcluster', ['--mode', 'immediate', version, 'regress', 'stop'], { env, stdio: 'ignore', timeout: 60_000 });
      spawnSync('pg_dropcluster', ['--stop', version, 'regress'], { env, stdio: 'ignore', timeout: 60_000 });
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Clusters whose starter and pg_virtualenv both died without cleaning up (pg_virtualenv killed by
 * SIGKILL, OOM, a killed process group): their servers may still run. A directory whose owner or
 * pg_virtualenv is alive belongs to a live run, possibly another test run at the same time.
 */
export function reapStaleClusters(tmp = os.tmpdir()): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmp).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(tmp, name);
    const owner = readText(path.join(dir, 'owner'));
    if (owner === null) {
      // The owner is written before pg_virtualenv is spawned, so no cluster can be here; just give
      // a starter that is between mkdtemp and that write time to finish.
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 60_000) fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (isAlive(owner) || isAlive(readText(path.join(dir, 'venv')))) continue;
    dropClustersIn(dir);
  }
}

/**
 * Root-only clusters that pg_virtualenv without -t left in /etc/postgresql (older versions of this
 * helper used that mode). Such a cluster is always owned by a running pg_virtualenv, so if none
 * runs on this machine at all, nobody will ever drop it and it would block any run that still uses
 * the fixed name.
 */
function dropStaleSystemRegress(): void {
  const etc = '/etc/postgresql';
  if (process.getuid?.() !== 0 || !fs.existsSync(etc)) return;
  const stale = fs.readdirSync(etc).filter((v) => fs.existsSync(path.join(etc, v, 'regress', '.by_pg_virtualenv')));
  if (stale.length === 0 || pgVirtualenvRunning()) return;
  for (const version of stale) spawnSync('pg_dropcluster', ['--stop', version, 'regress'], { stdio: 'ignore', timeout: 60_000 });
}

function pgVirtualenvRunning(): boolean {
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const argv = readText(`/proc/${pid}/cmdline`)?.split('\0') ?? [];
    if (argv.slice(0, 2).some((a) => path.basename(a) === 'pg_virtualenv') && isAlive(pid)) return true;
  }
  return false;
}

/** A port nobody listens on now; pg_createcluster's own choice races with concurrent runs. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A throwaway PostgreSQL cluster from Debian's binaries (postgresql.conf `settings` on top of
 * pg_virtualenv's own), removed by stop() or, at the latest, about a second after the process that
 * started it ends, however it ends. pg_virtualenv runs with -t so
 * that, even as root, each cluster lives in a temp dir of its own (under `dir`) instead of the one
 * fixed /etc/postgresql/<v>/regress, which a leftover would block for every later run and which two
 * runs at once cannot share. Its address comes back through a file, not a pipe: the server
 * processes would inherit a pipe and keep the test runner waiting for them.
 */
export async function startThrowawayPostgres(opts: { settings?: Record<string, string> } = {}): Promise<ThrowawayPostgres> {
  reapStaleClusters();
  dropStaleSystemRegress();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts.settings ?? {});
    } catch (e) {
      // Another process can take the chosen port before the server binds it.
      if (!(e instanceof PortTakenError) || attempt >= 3) throw e;
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(settings: Record<string, string>): Promise<ThrowawayPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  // pg_virtualenv's work dir inside belongs to postgres, which must be able to pass through.
  fs.chmodSync(dir, 0o711);
  fs.mkdirSync(path.join(dir, 'private'), { mode: 0o700 });
  const owner = procIdentity(process.pid);
  fs.writeFileSync(path.join(dir, 'owner'), `${owner}\n`);
  const logFile = path.join(dir, 'private', 'log');
  const log = fs.openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: dir,
    PGPORT: String(await freePort()),
    CARETILL_PG_DIR: dir,
    CARETILL_PG_OWNER: String(process.pid),
    CARETILL_PG_OWNER_START: owner.split(' ')[1] ?? '',
  };
  delete env.PG_VIRTUALENV_NEWPID;
  delete env.PG_VIRTUALENV_UNSHARE;
  delete env.PG_CLUSTER_CONF_ROOT;
  // postgresql.conf settings (`-o name=value`), e.g. the bench's memory and WAL sizes.
  const options = Object.entries(settings).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
  const child = spawn('pg_virtualenv', ['-t', ...options, 'bash', '-c', WATCH_SCRIPT], {
    detached: true,
    stdio: ['ignore', log, log],
    env,
    cwd: '/',
  });
  fs.closeSync(log);
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = code ?? -1;
      resolve();
    });
    child.once('error', () => {
      exited = -1;
      resolve();
    });
  });
  if (!child.pid) {
    await exit;
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error('could not spawn pg_virtualenv');
  }
  const pid = child.pid;
  fs.writeFileSync(path.join(dir, 'venv'), `${procIdentity(pid)}\n`);

  const urlFile = path.join(dir, 'private', 'url');
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(urlFile)) {
    if (exited !== null || Date.now() > deadline) {
      const why = exited !== null ? `pg_virtualenv exited with ${exited}` : 'pg_virtualenv did not start within 60 s';
      const tail = (readText(logFile) ?? '').split('\n').slice(-20).join('\n');
      killGroup(pid, 'SIGTERM');
      await waitFor(exit, 15_000);
      dropClustersIn(dir);
      const message = `${why}${tail ? `:\n${tail}` : ''}`;
      throw /could not bind|already in use|could not create any TCP/i.test(tail) ? new PortTakenError(message) : new Error(message);
    }
    await sleep(100);
  }
  const url = readText(urlFile)!;
  // Between start and stop nothing of the cluster may hold the caller's event loop open.
  child.unref();

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (exited === null) {
        fs.writeFileSync(path.join(dir, 'stop'), '');
        // The caller may have nothing else pending (the bench), and an unref'd child plus an
        // unref'd timer let Node end mid-await with exit code 0.
        child.ref();
        if (!(await waitFor(exit, 30_000))) {
          killGroup(pid, 'SIGTERM');
          await waitFor(exit, 15_000);
        }
      }
      dropClustersIn(dir);
    })());
  return { url, stop, dir, pid };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** true when done settled within ms; the timer is ref'd on purpose and cleared either way. */
async function waitFor(done: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([done.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
