import { spawn, spawnSync } from 'node:child_process';

export function hasPgVirtualenv(): boolean {
  return spawnSync('sh', ['-c', 'command -v pg_virtualenv']).status === 0;
}

/** A throwaway PostgreSQL cluster from Debian's binaries (pg_virtualenv works as root), removed by stop(). */
export async function startThrowawayPostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn('pg_virtualenv', ['bash', '-c', 'echo "PGURL=postgres://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/$PGDATABASE"; while sleep 1; do :; done'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`pg_virtualenv did not start: ${out}`)), 60_000);
    const on = (c: Buffer) => {
      out += c.toString();
      const m = /PGURL=(\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => reject(new Error(`pg_virtualenv exited ${code}: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      if (!child.pid) return;
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}
