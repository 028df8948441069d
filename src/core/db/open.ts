import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { PosError } from '../../shared/api/errors';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Migrations to apply; tests pass their own list to exercise the runner. */
  migrations?: readonly Migration[];
  /** How long to wait for a lock held by someone else before giving up. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the till's database and brings its schema up to date.
 *
 * - WAL + synchronous=FULL: a committed redemption survives power loss.
 * - locking_mode=EXCLUSIVE: exactly one process writes the till's data; a second CareTill on
 *   the same data directory gets a clear `db_locked` instead of two writers interleaving.
 * - A database written by a newer CareTill is refused (`db_from_future`), never "migrated down".
 *
 * Failures are PosErrors with codes the UI can explain; the raw SQLite error is kept as cause.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = options.migrations ? migrations.reduce((m, x) => Math.max(m, x.version), 0) : LATEST_SCHEMA_VERSION;
  const dir = path.dirname(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new PosError('db_unwritable', `cannot create data directory ${dir}`, { params: { dir }, cause });
  }

  let db: Db | undefined;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 2000 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations, latest);
    return db;
  } catch (cause) {
    db?.close();
    throw translateSqliteError(cause, file, dir);
  }
}

function migrate(db: Db, migrations: readonly Migration[], latest: number): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new PosError('db_from_future', `database schema ${current} is newer than this build supports (${latest})`, {
      params: { found: current, supported: latest },
    });
  }
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return;
  // One transaction for all pending steps: either the database reaches `latest` or it stays as it was.
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }
  }).immediate();
}

function translateSqliteError(cause: unknown, file: string, dir: string): PosError {
  if (cause instanceof PosError) return cause;
  const code = (cause as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new PosError('db_locked', `database ${file} is locked by another process`, { cause });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new PosError('db_corrupt', `database ${file} is not a valid CareTill database`, { cause });
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR') {
    return new PosError('db_unwritable', `cannot open ${file} for writing`, { params: { dir }, cause });
  }
  return new PosError('internal', `cannot open database ${file}: ${String(cause)}`, { cause });
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
