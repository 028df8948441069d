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

/** PostgreSQL through a pg pool; migrations tracked in schema_version, applied in one transaction. */
export async function openPostgresDriver(
  url: string,
  migrations: readonly DialectMigration[],
  max: number = poolMaxFromEnv(),
): Promise<SqlDriver> {
  const pool = new pg.Pool({ connectionString: url, max });
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
    const d: SqlDriver = {
      dialect: 'postgres',
      forUpdate: ' FOR UPDATE',
      all: async <T>(sql: string, params: Param[] = []) => (await q.query(toPg(sql), params)).rows as T[],
      get: async <T>(sql: string, params: Param[] = []) => (await q.query(toPg(sql), params)).rows[0] as T | undefined,
      run: async (sql, params = []) => ({ changes: (await q.query(toPg(sql), params)).rowCount ?? 0 }),
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
