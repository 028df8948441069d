/**
 * The little SQL the program store needs, over two drivers: better-sqlite3 (embedded default) and
 * PostgreSQL (DATABASE_URL=postgres://…). Queries are written once with `?` placeholders in the
 * SQL both databases share; only the schema (migrations) differs per dialect.
 */
export type Param = string | number | null;

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  get<T>(sql: string, params?: Param[]): Promise<T | undefined>;
  run(sql: string, params?: Param[]): Promise<{ changes: number }>;
  /** Runs fn in one transaction (serializable writes: BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL). */
  tx<T>(fn: (d: SqlDriver) => Promise<T>): Promise<T>;
  /** " FOR UPDATE" where the dialect has it: lock rows read inside a transaction. */
  readonly forUpdate: string;
  /** The connection pool's use (PostgreSQL); undefined for an embedded database. */
  poolStats?(): { max: number; total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

/** One migration a version, per dialect. */
export interface DialectMigration {
  sqlite: string;
  postgres: string;
}

/**
 * A transaction lost to a concurrent one: a unique key the other stored first, a deadlock or a
 * serialization failure (PostgreSQL). Run again, it sees what the other did.
 */
export function isConcurrencyConflict(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return ['23505', '40P01', '40001', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE'].includes(String(code));
}
