import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { PosError } from '../../shared/api/errors';
import { checkBackupFile } from './backup';

const PENDING = 'restore-pending.json';

function currentDeviceId(dbFile: string): string | null {
  if (!fs.existsSync(dbFile)) return null;
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT install_id FROM device WHERE id = 1').get() as { install_id: string } | undefined)?.install_id ?? null;
    } finally {
      db.close();
    }
  } catch {
    return null; // a database too damaged to read is exactly what a restore replaces
  }
}

/** Why a backup cannot be restored, as a PosError the owner can read. */
function refuse(problem: string): never {
  throw new PosError('restore_refused', `backup refused: ${problem}`, { params: { problem } });
}

/**
 * Asks for a restore at the next start (the database cannot be swapped under a running till).
 * The file is checked now so the owner hears at once if it is corrupt, from another till or newer
 * than this version of CareTill.
 */
export function stageRestore(dataDir: string, deviceId: string, file: string): { headSeq: number } {
  // The running till holds its database exclusively: its device id comes from the caller.
  const check = checkBackupFile(file, deviceId);
  if (!check.ok) refuse(check.problem ?? 'unreadable');
  fs.writeFileSync(path.join(dataDir, PENDING), JSON.stringify({ file: path.resolve(file) }), { mode: 0o600 });
  return { headSeq: check.headSeq };
}

/**
 * At start, before the database opens: puts a staged (or `--restore FILE`) backup in place after
 * checking it again. The database it replaces is kept beside it, never deleted. On a new PC (no
 * database yet) any till's backup may be restored: that is how a till moves to new hardware.
 * Returns what was restored, for the log and for recovery from the program afterwards.
 */
export function applyPendingRestore(dataDir: string, dbFile: string, explicit?: string): { file: string; headSeq: number } | null {
  const marker = path.join(dataDir, PENDING);
  const file = explicit ?? (fs.existsSync(marker) ? (JSON.parse(fs.readFileSync(marker, 'utf8')) as { file: string }).file : null);
  if (!file) return null;
  const check = checkBackupFile(file, currentDeviceId(dbFile));
  if (!check.ok) {
    fs.rmSync(marker, { force: true });
    refuse(check.problem ?? 'unreadable');
  }
  if (fs.existsSync(dbFile)) {
    const aside = `${dbFile}.before-restore-${new Date().toISOString().replace(/[-:.]/g, '')}`;
    fs.renameSync(dbFile, aside);
    for (const ext of ['-wal', '-shm']) if (fs.existsSync(dbFile + ext)) fs.renameSync(dbFile + ext, aside + ext);
  }
  fs.copyFileSync(file, dbFile);
  fs.chmodSync(dbFile, 0o600);
  fs.rmSync(marker, { force: true });
  return { file, headSeq: check.headSeq };
}
