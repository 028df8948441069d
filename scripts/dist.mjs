#!/usr/bin/env node
// `npm run dist [-- <electron-builder options>]`: the installers for this platform (Windows: NSIS x64;
// Linux: AppImage and deb; see electron-builder.yml). `npm run dist -- --check` only answers whether
// Electron's binary can be had here.
//
// 1. Electron's binary must be at hand: unpacked in node_modules/electron/dist (`npx install-electron`),
//    a zip in Electron's download cache, or its download address answering. If none is, this says so
//    and exits with code 3 having built nothing (our build machines). Other failures exit 1.
// 2. electron-vite builds out/main, out/preload and out/renderer.
// 3. electron-builder rebuilds better-sqlite3 for Electron's ABI in node_modules (@electron/rebuild,
//    which also needs the network for Electron's headers or the addon's prebuilt binary), packs the asar
//    (native addons unpacked), flips the fuses and makes the installers in out/release.
// 4. Node's better-sqlite3 build is always put back, so the tests and the Node host keep working.
//
// Electron's package fetches its binary when it is required, so this script never requires it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const NOT_AVAILABLE = 3;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
const builderArgs = args.filter((a) => a !== '--check');
const say = (s) => process.stdout.write(`${s}\n`);

const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

/** The platforms asked for (electron-builder's --win/--linux/--mac), or this one. Our targets are x64. */
function targetPlatforms() {
  const asked = new Set();
  for (const a of builderArgs) {
    if (a === '--win' || a === '-w' || a === '--windows') asked.add('win32');
    if (a === '--linux' || a === '-l') asked.add('linux');
    if (a === '--mac' || a === '-m' || a === '--macos') asked.add('darwin');
  }
  return asked.size ? [...asked] : [process.platform];
}

/** node_modules/electron/dist, when it holds this platform's binary and only this platform is built. */
function localDist(platforms) {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (platforms.length !== 1 || platforms[0] !== process.platform || !fs.existsSync(pathFile)) return null;
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist');
  return fs.existsSync(path.join(dist, fs.readFileSync(pathFile, 'utf8').trim())) ? dist : null;
}

function cacheDirs() {
  if (process.env.ELECTRON_CACHE) return [process.env.ELECTRON_CACHE];
  const home = os.homedir();
  if (process.platform === 'win32')
    return [path.join(process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'electron', 'Cache')];
  if (process.platform === 'darwin') return [path.join(home, 'Library', 'Caches', 'electron')];
  return [path.join(process.env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'electron')];
}

function cachedZip(zip) {
  for (const dir of cacheDirs()) {
    if (!fs.existsSync(dir)) continue;
    if (fs.existsSync(path.join(dir, zip))) return path.join(dir, zip);
    for (const sub of fs.readdirSync(dir, { withFileTypes: true })) {
      if (sub.isDirectory() && fs.existsSync(path.join(dir, sub.name, zip))) return path.join(dir, sub.name, zip);
    }
  }
  return null;
}

async function downloadAnswers(zip) {
  const mirror = process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
  const dir = (process.env.ELECTRON_CUSTOM_DIR ?? 'v{{ version }}').replace(/\{\{\s*version\s*\}\}/g, electronVersion);
  const url = `${mirror.replace(/\/?$/, '/')}${dir}/${zip}`;
  try {
    const r = await globalThis.fetch(url, { method: 'HEAD', redirect: 'follow', signal: globalThis.AbortSignal.timeout(10_000) });
    return { url, ok: r.ok, why: `HTTP ${r.status}` };
  } catch (e) {
    const cause = e?.cause;
    return { url, ok: false, why: cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? e?.message ?? String(e) };
  }
}

/** How each platform's Electron will be had, or null (with the reasons printed) when one cannot. */
async function findElectron(platforms) {
  const local = localDist(platforms);
  if (local) return { electronDist: local, how: [`unpacked Electron ${electronVersion} in ${path.relative(root, local)}`] };
  const how = [];
  const missing = [];
  for (const platform of platforms) {
    const zip = `electron-v${electronVersion}-${platform}-x64.zip`;
    const cached = cachedZip(zip);
    if (cached) {
      how.push(`${zip} in the cache (${cached})`);
      continue;
    }
    const probe = await downloadAnswers(zip);
    if (probe.ok) how.push(`${zip} from ${probe.url}`);
    else missing.push(`${zip}: not in ${cacheDirs().join(', ')}, and ${probe.url} did not answer (${probe.why})`);
  }
  if (missing.length) {
    say(`npm run dist: Electron ${electronVersion}'s binary cannot be had on this machine, so no installer was built.`);
    for (const m of missing) say(`  - ${m}`);
    say('  Any one of these makes it available:');
    say('    - `npx install-electron` where the internet is reachable (then Electron is unpacked in node_modules/electron/dist);');
    say(`    - copy the zip into ${cacheDirs()[0]} (or set ELECTRON_CACHE to its folder);`);
    say('    - set ELECTRON_MIRROR to a mirror that has it (and ELECTRON_CUSTOM_DIR if its folders are named differently,');
    say('      e.g. ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ ELECTRON_CUSTOM_DIR="{{ version }}").');
    say(
      '  Packaging also rebuilds better-sqlite3 for Electron, which needs Electron’s headers or the addon’s prebuilt binary from the network.',
    );
    return null;
  }
  return { electronDist: null, how };
}

function run(label, file, argv) {
  say(`\n> ${label}`);
  const r = spawnSync(process.execPath, [file, ...argv], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status ?? r.signal})`);
}

/** Runs `fn` with Node's build of better-sqlite3 saved aside, and always puts it back. */
function keepingNodeAddon(fn) {
  const build = path.join(root, 'node_modules', 'better-sqlite3', 'build');
  const saved = fs.mkdtempSync(path.join(os.tmpdir(), 'caretill-sqlite-node-'));
  fs.cpSync(build, path.join(saved, 'build'), { recursive: true });
  // Ctrl+C reaches electron-builder too; this process waits and restores before it ends.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  try {
    fn();
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
    fs.cpSync(path.join(saved, 'build'), build, { recursive: true });
    fs.rmSync(saved, { recursive: true, force: true });
    process.off('SIGINT', ignore);
    process.off('SIGTERM', ignore);
    say("Node's build of better-sqlite3 is back in node_modules (for the tests and the Node host).");
  }
}

const platforms = targetPlatforms();
const electron = await findElectron(platforms);
if (!electron) process.exit(NOT_AVAILABLE);
say(`Electron for ${platforms.join(', ')}: ${electron.how.join('; ')}`);
if (checkOnly) process.exit(0);

try {
  run('electron-vite build', path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), ['build']);
  const extra = electron.electronDist ? [`-c.electronDist=${electron.electronDist}`] : [];
  keepingNodeAddon(() =>
    run('electron-builder', path.join(root, 'node_modules', 'electron-builder', 'cli.js'), [
      '--publish',
      'never',
      ...extra,
      ...builderArgs,
    ]),
  );
  say(`\nInstallers are in ${path.join('out', 'release')}.`);
} catch (e) {
  say(`\nnpm run dist: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
