import crypto from 'node:crypto';
import pg from 'pg';
import type { DialectMigration, Param, SqlDriver } from './sqlDriver';

// BIGINT (count, sums) as numbers: every amount here is fen and far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));
pg.types.setTypeParser(1700, (v: string) => Number(v));

const toPg = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * Connections per process: DATABASE_POOL_MAX, default 8. With N server processes on one PostgreSQL,
 * keep N × this (plus the CLI's few) below the server's max_connections (100 by default).
 */
export function poolMaxFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.DATABASE_POOL_MAX ?? '8');
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new Error('DATABASE_POOL_MAX: a whole number from 1 to 200');
  return n;
}

/** Statements with at most this many parameters are prepared once per connection and reused. */
const PREPARE_MAX_PARAMS = 64;
const names = new Map<string, string>();

/**
 * A query as node-postgres takes it. One with a few parameters (every query of a request but the
 * big per-batch ones) is a named prepared statement: each connection parses and plans it once and
 * then only binds and executes it, which takes a round of parse-analyse-plan off PostgreSQL's CPU
 * for every query of every request. The names are bounded by the distinct texts (an IN list of up
 * to PREPARE_MAX_PARAMS marks at most adds that many per query). Bigger ones stay unnamed.
 */
function statement(sql: string, params: Param[]): pg.QueryConfig {
  const text = toPg(sql);
  if (params.length === 0 || params.length > PREPARE_MAX_PARAMS) return { text, values: params };
  let name = names.get(text);
  if (name === undefined) {
    name = `ct_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return { name, text, values: params };
}

/** PostgreSQL through a pg pool; migrations tracked in schema_version, applied in one transaction. */
export async function openPostgresDriver(
  url: string,
  migrations: readonly DialectMigration[],
  max: number = poolMaxFromEnv(),
): Promise<SqlDriver> {
  // Custom plans always: a statement prepared once per connection is still planned with its actual
  // parameters. A generic plan, cached when the records table was small, goes on reading the whole
  // table for `record_id = ANY(…)` after it has grown a hundredfold (58 ms a batch in the load bench).
  // Parsing stays saved; planning one of these queries costs tens of microseconds.
  const pool = new pg.Pool({ connectionString: url, max, options: '-c plan_cache_mode=force_custom_plan' });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(4242)');
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM schema_version')).rows[0];
    const current = row?.version ?? 0;
    if (current > migrations.length)
      throw new Error(`program database has schema ${current}, newer than this build (${migrations.length})`);
    for (let v = current; v < migrations.length; v++) await client.query(migrations[v]!.postgres);
    if (!row) await client.query('INSERT INTO schema_version (version) VALUES ($1)', [migrations.length]);
    else await client.query('UPDATE schema_version SET version = $1', [migrations.length]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }

  const over = (q: pg.Pool | pg.PoolClient, inTx: boolean): SqlDriver => {
    const query = (sql: string, params: Param[]) => q.query(statement(sql, params));
    const d: SqlDriver = {
      dialect: 'postgres',
      forUpdate: ' FOR UPDATE',
      all: async <T>(sql: string, params: Param[] = []) => (await query(sql, params)).rows as T[],
      get: async <T>(sql: string, params: Param[] = []) => (await query(sql, params)).rows[0] as T | undefined,
      run: async (sql, params = []) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
      tx: async <T>(fn: (t: SqlDriver) => Promise<T>) => {
        if (inTx) return fn(d);
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          const r = await fn(over(c, true));
          await c.query('COMMIT');
          return r;
        } catch (e) {
          // The transaction's own error is the one to report; a ROLLBACK on a broken connection fails too, and the pool drops it.
          await c.query('ROLLBACK').catch(() => undefined);
          throw e;
        } finally {
          c.release();
        }
      },
      poolStats: () => ({ max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      close: () => pool.end(),
    };
    return d;
  };
  return over(pool, false);
}
