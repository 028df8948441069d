import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * `npm start` runs scripts/start.mjs under `sh -c`, and a SIGTERM to npm ends npm and the shell
 * without passing the signal on. Whatever stops it (Ctrl-C, SIGTERM, the launcher killed outright),
 * the till and the demo program must not keep running as orphans.
 */
const root = path.resolve(import.meta.dirname, '..', '..');

/** Processes whose command line names this data folder: the launcher, the host (the demo runs inside it). */
const running = (dataDir: string): number[] =>
  (spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).stdout ?? '')
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);

async function launch(dataDir: string) {
  const sh = spawn('sh', ['-c', `exec node scripts/start.mjs --data-dir '${dataDir}' --port 0`], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/Demo program server on/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    sh.stdout.on('data', onData);
    sh.stderr.on('data', onData);
  });
  return sh;
}

async function gone(dataDir: string, ms = 15_000): Promise<number[]> {
  const end = Date.now() + ms;
  let left = running(dataDir);
  while (left.length && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    left = running(dataDir);
  }
  return left;
}

for (const [how, signal] of [
  ['SIGTERM to the shell npm starts (npm does not pass it on)', 'SIGTERM'],
  ['the launcher killed outright', 'SIGKILL'],
] as const) {
  test(`npm start leaves no orphans: ${how}`, async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caretill-stop-'));
    try {
      const sh = await launch(dataDir);
      expect(running(dataDir).length).toBeGreaterThanOrEqual(1);
      if (signal === 'SIGTERM') {
        // Like npm: the shell wrapper goes, the signal does not reach the launcher.
        const launcher = running(dataDir).find((pid) => /start\.mjs/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
        process.kill(sh.pid!, 'SIGKILL');
        expect(launcher).toBeDefined();
      } else {
        for (const pid of running(dataDir)) {
          if (/start\.mjs/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) process.kill(pid, 'SIGKILL');
        }
      }
      expect(await gone(dataDir)).toEqual([]);
    } finally {
      for (const pid of running(dataDir)) process.kill(pid, 'SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

test('Ctrl-C stops the till and the demo program cleanly', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caretill-stop-'));
  try {
    await launch(dataDir);
    const launcher = running(dataDir).find((pid) => /start\.mjs/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
    process.kill(launcher!, 'SIGINT');
    expect(await gone(dataDir)).toEqual([]);
  } finally {
    for (const pid of running(dataDir)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
