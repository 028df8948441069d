import fs from 'node:fs';
import path from 'node:path';
import { PosError } from '../../shared/api/errors';

/**
 * The till's data folder holds the journal, the device key and the log: only the shop's OS account
 * may read it (0700 folder, 0600 files). On Windows the modes mean little; the folder lives in the
 * user's own profile (see config.ts), which Windows already keeps from other accounts.
 */
export function makePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700); // an existing folder made by an older version, or with a loose umask
  } catch (cause) {
    throw new PosError('db_unwritable', `cannot create data directory ${dir}`, { params: { dir }, cause });
  }
}

/** Tightens the files a library created with the process's umask (SQLite's database and WAL). */
export function makePrivateFiles(dir: string, names: readonly string[]): void {
  for (const name of names) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  }
}
