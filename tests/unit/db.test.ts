import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/core/db/migrations';
import { openDatabase, schemaVersion } from '../../src/core/db/open';
import { PosError } from '../../src/shared/api/errors';
import { tempDir } from '../helpers/tmp';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dbFile(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return path.join(t.dir, 'nested', 'till.sqlite3');
}
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof PosError ? e.code : `not a PosError: ${String(e)}`;
  }
  return undefined;
}

describe('openDatabase', () => {
  it('creates the directory, applies every migration and sets the pragmas', () => {
    const file = dbFile();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const tables = db
      .prepare<[], { name: string; strict: number }>(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect({ table: t.name, strict: t.strict }).toEqual({ table: t.name, strict: 1 });
    db.close();
    // reopening is a no-op for migrations
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(LATEST_SCHEMA_VERSION);
    again.close();
  });

  it('applies pending migrations in one transaction: a failing step leaves the old version intact', () => {
    const file = dbFile();
    openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) }).close();
    const broken = [
      ...MIGRATIONS,
      { version: 90, name: 'ok step', sql: 'CREATE TABLE extra (x INTEGER) STRICT;' },
      { version: 91, name: 'bad step', sql: 'CREATE TABLE nope (' },
    ];
    expect(codeOf(() => openDatabase(file, { migrations: broken }))).toBe('internal');
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 0 });
    raw.close();
  });

  it('refuses a database written by a newer version, without touching it', () => {
    const file = dbFile();
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    let error: PosError | undefined;
    try {
      openDatabase(file);
    } catch (e) {
      error = e as PosError;
    }
    expect(error?.code).toBe('db_from_future');
    expect(error?.params).toEqual({ found: LATEST_SCHEMA_VERSION + 5, supported: LATEST_SCHEMA_VERSION });
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 5);
    check.close();
  });

  it('says the file is corrupt when it is not a database', () => {
    const file = dbFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from('this is not an sqlite file, just garbage bytes '.repeat(200)));
    expect(codeOf(() => openDatabase(file))).toBe('db_corrupt');
  });

  it('says the database is locked while another CareTill holds it', () => {
    const file = dbFile();
    const first = openDatabase(file);
    expect(codeOf(() => openDatabase(file, { busyTimeoutMs: 50 }))).toBe('db_locked');
    first.close();
    openDatabase(file).close();
  });

  it('says the data directory is unwritable', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const blocker = path.join(t.dir, 'a-file');
    fs.writeFileSync(blocker, 'x');
    expect(codeOf(() => openDatabase(path.join(blocker, 'sub', 'db.sqlite3')))).toBe('db_unwritable');
  });
});
