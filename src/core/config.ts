import os from 'node:os';
import path from 'node:path';
import type { HostKind } from '../shared/api/contract';

export interface CoreConfig {
  dataDir: string;
  host: HostKind;
  appVersion: string;
}

/**
 * Where a till keeps its data when nobody says otherwise: the platform's per-user application
 * data folder (what Electron's app.getPath('userData') would pick), so a till works the same
 * whether launched as Electron or as the Node host.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string {
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'CareTill');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'CareTill');
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(xdg, 'caretill');
}

/** `--data-dir DIR` (or `--data-dir=DIR`) wins over CARETILL_DATA_DIR, which wins over the default. */
export function resolveDataDir(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const fromArgs = readFlag(argv, 'data-dir');
  const chosen = fromArgs ?? env.CARETILL_DATA_DIR ?? defaultDataDir();
  return path.resolve(chosen);
}

export function readFlag(argv: readonly string[], name: string): string | undefined {
  const long = `--${name}`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === long) return argv[i + 1];
    if (a?.startsWith(`${long}=`)) return a.slice(long.length + 1);
  }
  return undefined;
}

export const DATABASE_FILE = 'caretill.sqlite3';
