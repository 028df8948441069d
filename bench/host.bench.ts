import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { median, round, type Bench } from './harness';

const root = path.resolve(import.meta.dirname, '..');

/** Spawn the built host → first successful PosApi call, wall clock. */
async function coldStartOnce(): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caretill-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'out/host/cli.js'), '--port', '0', '--data-dir', dataDir, '--no-demo'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const openUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /open (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`host exited ${code}`)));
    });
    const url = new URL(openUrl);
    const token = url.hash.replace('#token=', '');
    const res = await fetch(`${url.origin}/api/getDiagnostics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"args":{}}',
    });
    const body = (await res.json()) as { ok: boolean };
    if (!body.ok) throw new Error('first call failed');
    return performance.now() - t0;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export const hostBench: Bench = {
  name: 'foundation',
  async run() {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push(await coldStartOnce());

    const assets = path.join(root, 'out/renderer/assets');
    let gz = 0;
    for (const f of fs.readdirSync(assets).filter((f) => f.endsWith('.js')))
      gz += zlib.gzipSync(fs.readFileSync(path.join(assets, f)), { level: 9 }).length;

    // What the cashier's screen loads before anything else: the entry script and what index.html
    // preloads. Lazy chunks (camera, the dashboard chart) are not in it.
    const html = fs.readFileSync(path.join(root, 'out/renderer/index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    let initialGz = 0;
    for (const f of new Set(initial)) initialGz += zlib.gzipSync(fs.readFileSync(path.join(root, 'out/renderer', f)), { level: 9 }).length;

    return [
      { name: 'renderer_initial_js_gzip_kb', value: round(initialGz / 1024, 1), unit: 'KiB', target: '≤ 200 (chart lazy)' },
      { name: 'host_cold_start_ms', value: round(median(samples), 1), unit: 'ms', target: '≤ 1500' },
      { name: 'renderer_js_gzip_kb', value: round(gz / 1024, 1), unit: 'KiB', target: '≤ 350' },
    ];
  },
};
