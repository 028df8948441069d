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
  close(): Promise<void>;
}

/** One migration a version, per dialect. */
export interface DialectMigration {
  sqlite: string;
  postgres: string;
}
