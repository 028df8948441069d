import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'app-builder-lib';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { tempDir } from '../helpers/tmp';

/**
 * The installers' configuration (electron-builder.yml) and what goes into the package. Nothing here
 * needs Electron's binary: the configuration is checked against electron-builder's own schema, and the
 * build output is made fresh by electron-vite into a temporary folder.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
type DebugLogger = Parameters<typeof validateConfiguration>[1];
// Read as a file: importing anything of the electron package is what the layer rule forbids (and it may download).
const electronVersion = (
  JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }
).version;
const quietDebug = { isEnabled: false, add: () => {} } as unknown as DebugLogger;

let config: Configuration;
beforeAll(async () => {
  config = await getConfig(root, null, null);
});

const targets = (t: Configuration['win']) => {
  const list = (t as { target?: unknown })?.target;
  return (Array.isArray(list) ? list : [list]).map((x) => (typeof x === 'string' ? { target: x, arch: undefined } : x)) as Array<{
    target: string;
    arch?: string[];
  }>;
};

describe('the installers’ configuration', () => {
  it('passes electron-builder’s own schema, which does reject a misspelt option', async () => {
    await expect(validateConfiguration(config, quietDebug)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, nsis: { oneclick: false } } as Configuration, quietDebug)).rejects.toThrow(/oneclick/);
  });

  it('names the app 关爱收银台 CareTill, with a stable app id and icons in resources/', () => {
    expect(config.appId).toBe('org.caretill.till');
    expect(config.productName).toBe('关爱收银台 CareTill');
    expect(config.directories).toEqual({ output: 'out/release', buildResources: 'resources' });
    expect(config.win?.icon).toBe('resources/icon.ico');
    expect(config.linux?.icon).toBe('resources/icon.png');
  });

  it('makes an x64 NSIS installer for Windows in Chinese: shortcuts, a choice of folder, the data kept on uninstall', () => {
    expect(targets(config.win)).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis).toMatchObject({
      oneClick: false,
      allowToChangeInstallationDirectory: true,
      installerLanguages: ['zh_CN'],
      language: '2052',
      createDesktopShortcut: 'always',
      createStartMenuShortcut: true,
      deleteAppDataOnUninstall: false,
    });
  });

  it('makes an AppImage and a deb for Linux', () => {
    expect(targets(config.linux)).toEqual([
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ]);
    expect(config.linux?.maintainer).toMatch(/<.+@.+>/); // a deb needs one
  });

  it('unpacks native addons from the asar and rebuilds them for Electron only when packaging', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
    expect(Object.keys(pkg.dependencies)).toContain('better-sqlite3'); // packaged, and left external by electron-vite
    const scripts = pkg.scripts as Record<string, string>;
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(scripts[hook], hook).toBeUndefined();
    expect(scripts.dist).toBe('node scripts/dist.mjs');
  });

  it('sets the fuses: no run-as-node, NODE_OPTIONS or --inspect, only the verified asar, encrypted cookies, no file:// privileges', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('packs only the build output: no sources, tests, bench, scripts or source maps', () => {
    // electron-builder normalises the list into file sets: [{ filter: [...] }].
    const files = ([config.files].flat() as Array<string | { filter?: string | string[] }>).flatMap((f) =>
      typeof f === 'string' ? [f] : [f.filter ?? []].flat(),
    );
    expect(files.length).toBeGreaterThan(1);
    expect(files).toContain('!**/*.map');
    for (const f of files.filter((p) => !p.startsWith('!'))) expect(f, f).toMatch(/^(package\.json|out\/(main|preload|renderer)\/\*\*)$/);
    expect(pkg.main).toBe('out/main/index.js');
  });

  it('has its icons: a 512 px PNG for Linux and an ICO up to 256 px for Windows', () => {
    const png = fs.readFileSync(path.join(root, 'resources', 'icon.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    const ico = fs.readFileSync(path.join(root, 'resources', 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + 16 * i] || 256);
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));
  });
});

describe('npm run dist', () => {
  const localElectron = fs.existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));
  it.skipIf(localElectron)('says clearly that Electron’s binary cannot be had, builds nothing and exits with code 3', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r())); // nothing answers there now
    const cache = tempDir();
    try {
      const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'dist.mjs'), '--check'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, ELECTRON_CACHE: cache.dir, ELECTRON_MIRROR: `http://127.0.0.1:${port}/` },
      });
      expect(r.status).toBe(3);
      expect(r.stdout).toContain('cannot be had on this machine, so no installer was built');
      expect(r.stdout).toContain(`electron-v${electronVersion}-${process.platform}-x64.zip`);
      expect(r.stdout).toContain('npx install-electron');
      expect(r.stderr).toBe('');
    } finally {
      cache.cleanup();
    }
  });
});

describe('the build output', () => {
  const t = tempDir('caretill-build-');
  const out = t.dir;
  beforeAll(() => {
    const r = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', out],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
  }, 120_000);
  afterAll(() => t.cleanup());

  const allFiles = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? allFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  // Static imports and re-exports (on one line, or ending `} from "x"`), dynamic import() and require() of a literal.
  const specifiers = (code: string) =>
    [
      ...code.matchAll(/^(?:import|export)\b[^;\n]*?\bfrom\s*["']([^"'\n]+)["']/gm),
      ...code.matchAll(/^import\s*["']([^"'\n]+)["']/gm),
      ...code.matchAll(/^\}\s*from\s*["']([^"'\n]+)["']/gm),
      ...code.matchAll(/\b(?:import|require)\(\s*["']([^"'\n]+)["']\s*\)/g),
    ].map((m) => m[1]!);
  const packageOf = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);

  it('has the main entry package.json names, whose imports are Node, electron or packaged dependencies', () => {
    expect(fs.existsSync(path.join(out, 'main', 'index.js'))).toBe(true);
    const builtins = new Set(builtinModules);
    const deps = new Set(Object.keys(pkg.dependencies));
    const bare = allFiles(path.join(out, 'main'))
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => specifiers(fs.readFileSync(f, 'utf8')))
      .filter((s) => !s.startsWith('.'));
    expect(bare).toContain('electron');
    expect(bare).toContain('better-sqlite3');
    for (const s of bare) {
      if (s === 'electron' || s.startsWith('node:') || builtins.has(s)) continue;
      expect(deps.has(packageOf(s)), `${s} must be in "dependencies" to be packaged`).toBe(true);
      expect(fs.existsSync(path.join(root, 'node_modules', packageOf(s))), s).toBe(true);
    }
  });

  it('has a sandbox-ready preload: one CommonJS file that requires electron and nothing else', () => {
    const preload = fs.readFileSync(path.join(out, 'preload', 'index.cjs'), 'utf8');
    expect(specifiers(preload).filter((s) => !s.startsWith('.'))).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
    expect(allFiles(path.join(out, 'preload'))).toHaveLength(1);
  });

  it('has a renderer whose page loads only its own files, which are all there', () => {
    const html = fs.readFileSync(path.join(out, 'renderer', 'index.html'), 'utf8');
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, ref).not.toMatch(/^[a-z]+:|^\/\//i);
      expect(fs.existsSync(path.join(out, 'renderer', ref)), ref).toBe(true);
    }
    expect(html).toContain('Content-Security-Policy');
  });

  it('carries no source maps, and main finds the renderer and preload where the package puts them', () => {
    expect(allFiles(out).filter((f) => f.endsWith('.map'))).toEqual([]);
    const main = fs.readFileSync(path.join(out, 'main', 'index.js'), 'utf8');
    expect(main).toContain('"renderer"');
    expect(main).toContain('"index.cjs"');
  });
});
