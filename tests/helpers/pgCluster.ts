import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function hasPgVirtualenv(): boolean {
  return spawnSync('sh', ['-c', 'command -v pg_virtualenv']).status === 0;
}

/**
 * A throwaway PostgreSQL cluster from Debian's binaries (pg_virtualenv works as root), removed by
 * stop(). Its address comes back through a file, not a pipe: the server processes would inherit a
 * pipe and keep the test runner waiting for them.
 */
export async function startThrowawayPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caretill-pg-'));
  const file = path.join(dir, 'url');
  const child = spawn(
    'pg_virtualenv',
    [
      'bash',
      '-c',
      `echo "postgres://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/$PGDATABASE" > '${file}.tmp' && mv '${file}.tmp' '${file}'; while sleep 1; do :; done`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(file)) {
    if (exited !== null) throw new Error(`pg_virtualenv exited with ${exited}`);
    if (Date.now() > deadline) throw new Error('pg_virtualenv did not start within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = fs.readFileSync(file, 'utf8').trim();
  child.unref();
  return {
    url,
    stop: async () => {
      if (child.pid && exited === null) {
        const done = new Promise((r) => child.once('exit', r));
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        await Promise.race([done, new Promise((r) => setTimeout(r, 15_000).unref())]);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
