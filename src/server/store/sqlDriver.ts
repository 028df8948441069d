/**
 * The little SQL the program store needs, over two drivers: better-sqlite3 (embedded default) and
 * PostgreSQL (DATABASE_URL=postgres://…). Queries are written once with `?` placeholders in the
 * SQL both databases share; only the schema (migrations) differs per dialect.
 */
export type Param = string | number | null | readonly (string | number | null)[];

/**
 * `column IN (…)` over these values. On PostgreSQL one array parameter (`= ANY(?::text[])`), so
 * the statement's text is the same whatever the count and it is prepared once per connection (an
 * array is a PostgreSQL parameter only); on SQLite one mark a value.
 */
export function inList(d: Pick<SqlDriver, 'dialect'>, column: string, values: readonly string[]): { sql: string; params: Param[] } {
  return d.dialect === 'postgres'
    ? { sql: `${column} = ANY(?::text[])`, params: [values] }
    : { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] };
}

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
