#!/usr/bin/env node
// `npm start`: launch the Electron app when its binary is installed, otherwise the Node host.
// Electron's package downloads its binary on first require(), which fails on machines without
// internet access, so we look for the binary on disk instead of requiring the package.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function electronBinary() {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const rel = fs.readFileSync(pathFile, 'utf8').trim();
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist');
  const full = path.join(base, rel);
  return fs.existsSync(full) ? full : null;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function needsBuild() {
  const marker = path.join(root, 'out', 'host', 'cli.js');
  if (!fs.existsSync(marker) || !fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) return true;
  return newestMtime(path.join(root, 'src')) > fs.statSync(marker).mtimeMs;
}

if (needsBuild()) {
  process.stdout.write('Building CareTill…\n');
  const r = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) {
    process.stderr.write('Build failed; see the messages above.\n');
    process.exit(r.status ?? 1);
  }
}

const electron = electronBinary();
// The child also watches us (CARETILL_PARENT_PID): if this launcher is killed outright, the till still stops.
const env = { ...process.env, CARETILL_PARENT_PID: String(process.pid) };
const child = electron
  ? spawn(electron, [root, ...args], { cwd: root, stdio: 'inherit', env })
  : spawn(process.execPath, [path.join(root, 'out', 'host', 'cli.js'), ...args], { cwd: root, stdio: 'inherit', env });
if (electron) process.stdout.write('Starting CareTill in Electron…\n');

// Stopping: Ctrl-C and SIGTERM reach us directly, or not at all: `npm start` runs us under `sh -c`,
// and a SIGTERM to npm ends npm and the shell without passing it on. So we also stop when our parent
// is gone (we were re-parented), and never leave the till or the demo program running as orphans.
let stopping = false;
const stop = (sig) => {
  if (stopping) return;
  stopping = true;
  child.kill(sig);
  setTimeout(() => child.kill('SIGKILL'), 8000).unref();
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig === 'SIGHUP' ? 'SIGTERM' : sig));
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop('SIGTERM'), 500).unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
