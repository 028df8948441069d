import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TillHost {
  /** The address with the launch token, as printed. */
  openUrl: string;
  /** The origin without the token. */
  url: string;
  dataDir: string;
  process: ChildProcess;
}

const root = path.resolve(import.meta.dirname, '..', '..');
const hostCli = path.join(root, 'out', 'host', 'cli.js');

/** Starts the built Node host on a free port with a fresh data directory, as `npm start` would. */
export async function startTillHost(
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caretill-e2e-')),
  extraArgs: string[] = ['--no-demo'],
): Promise<TillHost> {
  if (!fs.existsSync(hostCli)) throw new Error('out/host/cli.js is missing: run `npm run build` before the e2e tests.');
  // A free port unless the test asks for one (a restart on the same address keeps the browser's storage).
  const port = extraArgs.includes('--port') ? [] : ['--port', '0'];
  const child = spawn(process.execPath, [hostCli, ...port, '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start: ${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}: ${out}`));
    });
  });
  return { openUrl, url: openUrl.replace(/#.*$/, ''), dataDir, process: child };
}

export async function stopTillHost(h: TillHost): Promise<void> {
  if (h.process.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    h.process.once('exit', () => resolve());
    h.process.kill('SIGTERM');
  });
}
