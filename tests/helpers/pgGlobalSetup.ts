import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

let child: ChildProcess | null = null;

/**
 * One throwaway PostgreSQL cluster for the whole run, from Debian's binaries via pg_virtualenv
 * (works as root, removed afterwards). DATABASE_URL wins if set. Without PostgreSQL the store
 * tests skip with a notice, except in CI, where .ci/run installs it and a missing server fails.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    project.provide('pgUrl', process.env.DATABASE_URL);
    return async () => undefined;
  }
  if (spawnSync('sh', ['-c', 'command -v pg_virtualenv']).status !== 0) {
    if (process.env.CI) throw new Error('PostgreSQL tests are required in CI but pg_virtualenv is missing (apt-get install postgresql)');
    process.stderr.write('\n*** NOTICE: PostgreSQL not installed (pg_virtualenv missing): the PostgreSQL store tests are SKIPPED. apt-get install postgresql to run them. ***\n\n');
    project.provide('pgUrl', '');
    return async () => undefined;
  }
  child = spawn('pg_virtualenv', ['bash', '-c', 'echo "PGURL=postgres://$PGUSER:$PGPASSWORD@127.0.0.1:$PGPORT/$PGDATABASE"; while sleep 1; do :; done'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
    child!.stdout!.on('data', on);
    child!.stderr!.on('data', on);
    child!.on('exit', (code) => reject(new Error(`pg_virtualenv exited ${code}: ${out}`)));
  });
  project.provide('pgUrl', url);
  return async () => {
    if (!child?.pid) return;
    const exited = new Promise((r) => child!.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
}
