import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROGRAM_MIGRATIONS } from '../../src/server/store/migrations';
import { openPostgresDriver } from '../../src/server/store/postgresDriver';
import { ProgramStore } from '../../src/server/store/programStore';
import { openSqliteDriver } from '../../src/server/store/sqliteDriver';
import { CLAIM_LOOKBACK_MS, createStatement, deviceStatus } from '../../src/server/sync/settlement';
import { enrolledTill, freshPostgresUrl, sell, STORES, useProgramWorld } from '../helpers/program';
import { tempDir } from '../helpers/tmp';

/**
 * How a till learns which statement took each of its records (issue 15): statements claim records
 * into statement_records, and the status feed gives a till the claims of statements made since its
 * cursor, with the record changes since then.
 */
describe.each(STORES)('the statement feed to tills, on $name', (kind) => {
  const t = useProgramWorld(kind);

  const twoTillsOneShop = async () => {
    const a = await enrolledTill(t.world);
    const b = await enrolledTill(t.world);
    t.cleanups.push(a.cleanup, b.cleanup);
    const [va, vb] = await t.world.issue('child', 2);
    await sell(a.services, a.session, '绘本', 1, [va!.token]);
    await sell(b.services, b.session, '绘本', 1, [vb!.token]);
    await a.services.sync.syncNow();
    await b.services.sync.syncNow();
    const idOf = (till: typeof a) => till.services.journal.range(1, 1)[0]!;
    return { a, b, recordA: idOf(a), recordB: idOf(b) };
  };

  it('each till learns the statement of its own records, and only of its own', async () => {
    const { recordA, recordB } = await twoTillsOneShop();
    const before = await deviceStatus(t.world.store, recordA.deviceId, '');
    expect(before.records).toEqual([{ id: recordA.id, status: 'accepted', reason: null, statementId: null }]);
    const st = (await createStatement(t.world.store, 'M1', new Date()))!;
    expect(st.record_count).toBe(2);
    const forA = await deviceStatus(t.world.store, recordA.deviceId, before.cursor);
    expect(forA.records).toEqual([{ id: recordA.id, status: 'accepted', reason: null, statementId: st.statement_id }]);
    expect(forA.cursor >= st.created_at).toBe(true);
    const forB = await deviceStatus(t.world.store, recordB.deviceId, before.cursor);
    expect(forB.records).toEqual([{ id: recordB.id, status: 'accepted', reason: null, statementId: st.statement_id }]);
    // From scratch, the record comes once, with its statement.
    expect((await deviceStatus(t.world.store, recordA.deviceId, '')).records).toEqual(forA.records);
  });

  it('a statement stamped before the till’s cursor (its transaction was still running) still reaches the till', async () => {
    const { recordA } = await twoTillsOneShop();
    const first = await deviceStatus(t.world.store, recordA.deviceId, '');
    const stamped = new Date(Date.parse(first.cursor) - CLAIM_LOOKBACK_MS / 2);
    const st = (await createStatement(t.world.store, 'M1', new Date(), stamped))!;
    const next = await deviceStatus(t.world.store, recordA.deviceId, first.cursor);
    expect(next.records).toEqual([{ id: recordA.id, status: 'accepted', reason: null, statementId: st.statement_id }]);
    // Older than the look-back: the till had that statement's claims long ago, they are not sent again.
    const later = new Date(Date.parse(st.created_at) + CLAIM_LOOKBACK_MS + 60_000).toISOString();
    expect((await deviceStatus(t.world.store, recordA.deviceId, later)).records).toEqual([]);
  });

  it('the till’s settlement view shows the record under its statement after a pull', async () => {
    const { a } = await twoTillsOneShop();
    await a.services.sync.pullStatus();
    const st = (await createStatement(t.world.store, 'M1', new Date()))!;
    await a.services.sync.pullStatus();
    const view = a.services.handlers.getSettlement({}, {}) as {
      statements: Array<{ statementId: string; status: string }>;
      totals: { acceptedFen: number; inStatementFen?: number };
    };
    expect(view.statements.map((s) => s.statementId)).toEqual([st.statement_id]);
    const row = a.services.db
      .prepare<[], { statement_id: string | null }>('SELECT statement_id FROM record_status')
      .all()
      .map((r) => r.statement_id);
    expect(row).toEqual([st.statement_id]);
  });

  it('a record in one statement is never claimed by the next', async () => {
    const { a } = await twoTillsOneShop();
    expect(await createStatement(t.world.store, 'M1', new Date())).toMatchObject({ record_count: 2 });
    expect(await createStatement(t.world.store, 'M1', new Date())).toBeNull();
    const [v] = await t.world.issue('child', 1);
    await sell(a.services, a.session, '绘本', 1, [v!.token]);
    await a.services.sync.syncNow();
    expect(await createStatement(t.world.store, 'M1', new Date())).toMatchObject({ record_count: 1, total_fen: 3280 });
  });
});

describe('the claims of statements made before the narrow claims table', () => {
  const legacyRecord = (id: string, seq: number, statementId: string | null) => [
    id,
    'dev-1',
    'M1',
    seq,
    'batch-1',
    `sale-${seq}`,
    'redeem',
    '2026-12-01T10:00:00.000Z',
    `v-${seq}`,
    2,
    'balance',
    1000,
    0,
    0,
    '{}',
    'offline',
    null,
    `hash-${seq}`,
    'accepted',
    null,
    statementId,
    '2026-12-01T10:00:01.000Z',
    '2026-12-01T10:00:01.000Z',
    1,
  ];
  const insert = `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind,
    amount_fen, forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, statement_id, received_at, updated_at, cashier_id)
    VALUES (${Array.from({ length: 24 }, () => '?').join(', ')})`;

  it.each(STORES)('move into statement_records on $name, and a new statement takes only the rest', async (kind) => {
    if (!kind.available) return console.warn(`NOTICE: ${kind.name} migration test skipped (PostgreSQL not installed)`);
    const t = tempDir('caretill-migrate-');
    try {
      const before = PROGRAM_MIGRATIONS.slice(0, -1);
      const url = kind.name === 'postgres' ? await freshPostgresUrl() : undefined;
      const old = url ? await openPostgresDriver(url, before) : await openSqliteDriver(path.join(t.dir, 'program.sqlite3'), before);
      await old.run(
        "INSERT INTO statements (statement_id, merchant_id, period_until, status, total_fen, record_count, created_at, updated_at) VALUES ('ST-OLD', 'M1', '2026-12-02T00:00:00.000Z', 'paid', 1000, 1, '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z')",
      );
      await old.run(insert, legacyRecord('r-1', 1, 'ST-OLD'));
      await old.run(insert, legacyRecord('r-2', 2, null));
      await old.close();
      const store = new ProgramStore(
        url
          ? await openPostgresDriver(url, PROGRAM_MIGRATIONS)
          : await openSqliteDriver(path.join(t.dir, 'program.sqlite3'), PROGRAM_MIGRATIONS),
      );
      try {
        expect(
          await store.sql.all(
            'SELECT r.record_id, c.statement_id, c.net_fen FROM records r LEFT JOIN statement_records c ON c.rid = r.rid ORDER BY r.seq',
          ),
        ).toEqual([
          { record_id: 'r-1', statement_id: 'ST-OLD', net_fen: 1000 },
          { record_id: 'r-2', statement_id: null, net_fen: null },
        ]);
        await store.sql.run("INSERT INTO merchants (merchant_id, name, created_at) VALUES ('M1', '店', '2026-12-01T00:00:00.000Z')");
        expect(await createStatement(store, 'M1', new Date())).toMatchObject({ record_count: 1, total_fen: 1000 });
        expect(await createStatement(store, 'M1', new Date())).toBeNull();
      } finally {
        await store.close();
      }
    } finally {
      t.cleanup();
    }
  });
});
