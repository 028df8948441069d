import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, narrowToOwner } from './privateFiles';
import type { DialectMigration, Param, SqlDriver } from './sqlDriver';

/** Prepared statements a driver keeps (the oldest goes first). */
const STATEMENT_CACHE = 256;

/**
 * better-sqlite3 is synchronous; transactions here span awaits, so every statement outside a
 * transaction waits for the open one (a small in-process queue). One connection, one writer.
 * The file is the owner's only (0600 in a 0700 folder; SQLite gives its -wal and -shm files the
 * database's mode), and deleted content is overwritten, not left in free pages.
 */
export async function openSqliteDriver(file: string, migrations: readonly DialectMigration[]): Promise<SqlDriver> {
  ensurePrivateDir(path.dirname(file));
  fs.closeSync(fs.openSync(file, 'a', 0o600)); // SQLite takes an empty file as a new database
  narrowToOwner(file, `${file}-wal`, `${file}-shm`);
  const db = new Database(file, { timeout: 5000 });
  db.pragma('secure_delete = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length)
    throw new Error(`program database ${file} has schema ${current}, newer than this build (${migrations.length})`);
  db.transaction(() => {
    for (let v = current; v < migrations.length; v++) {
      db.exec(migrations[v]!.sqlite);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();

  // Statements prepared once and kept, by their text: preparing took a tenth of a 500-record
  // intake. Bounded, since an IN list of another length is another text.
  const prepared = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let st = prepared.get(sql);
    if (!st) {
      st = db.prepare(sql);
      if (prepared.size >= STATEMENT_CACHE) prepared.delete(prepared.keys().next().value!);
      prepared.set(sql, st);
    }
    return st;
  };

  let queue: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    // The queue only orders the work; each caller gets its own outcome (and error) from `run`.
    queue = run.catch(() => undefined);
    return run;
  };
  const make = (inTx: boolean): SqlDriver => {
    const wrap = <T>(fn: () => T): Promise<T> => (inTx ? Promise.resolve().then(fn) : locked(async () => fn()));
    const d: SqlDriver = {
      dialect: 'sqlite',
      forUpdate: '',
      all: <T>(sql: string, params: Param[] = []) => wrap(() => prepare(sql).all(...params) as T[]),
      get: <T>(sql: string, params: Param[] = []) => wrap(() => prepare(sql).get(...params) as T | undefined),
      run: (sql, params = []) => wrap(() => ({ changes: prepare(sql).run(...params).changes })),
      tx: <T>(fn: (t: SqlDriver) => Promise<T>) => {
        if (inTx) return fn(d);
        return locked(async () => {
          db.exec('BEGIN IMMEDIATE');
          try {
            const r = await fn(make(true));
            db.exec('COMMIT');
            return r;
          } catch (e) {
            if (db.inTransaction) db.exec('ROLLBACK');
            throw e;
          }
        });
      },
      close: async () => {
        await queue;
        db.close();
      },
    };
    return d;
  };
  return make(false);
}
