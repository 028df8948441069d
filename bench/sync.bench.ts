import crypto from 'node:crypto';
import path from 'node:path';
import { createServices } from '../src/core/services';
import { startProgramServer } from '../src/server/http/app';
import { KeyFiles } from '../src/server/program/keyFiles';
import { Program } from '../src/server/program/program';
import { PROGRAM_MIGRATIONS } from '../src/server/store/migrations';
import { openPostgresDriver } from '../src/server/store/postgresDriver';
import { openProgramStore, ProgramStore } from '../src/server/store/programStore';
import { createEnrollmentCode, createMerchant } from '../src/server/sync/enrollment';
import { hasPgVirtualenv, startThrowawayPostgres } from '../tests/helpers/pgCluster';
import { tempDir } from '../tests/helpers/tmp';
import { round, type Bench, type Metric } from './harness';

const RECORDS = 10_000;

/**
 * 10,000 journal records from a till to the program server on loopback, in 500-record signed
 * batches, each verified (signature, chain, per-record rules) and stored. The records are real
 * redemptions of 2,000 vouchers (five visits each), appended to the till's journal directly so the
 * bench times the upload, not 10,000 checkouts.
 */
async function uploadOnce(store: ProgramStore, dir: string): Promise<{ seconds: number; rawSeconds: number }> {
  const program = new Program(store, new KeyFiles(path.join(dir, 'keys')));
  await program.init('BENCH', '压测', 'Bench', new Date(Date.now() - 60_000));
  await program.createCampaign({
    names: { zh: '成长关爱金', en: 'Child' },
    funder: { zh: '基金会', en: 'Fund' },
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2027-12-31T00:00:00Z',
    kind: 'balance',
    eligibleCategories: ['books'],
    merchants: ['*'],
    offline: { perVoucherFen: 20000, perDeviceTotalFen: 100_000_000, maxHoursOffline: 72 },
  });
  await program.publishManifest();
  await createMerchant(store, 'M1', '书店');
  const vouchers = await program.issueVouchers({ campaignId: 1, count: RECORDS / 5, faceValueFen: 20000 });
  const server = await startProgramServer({ store, port: 0, replyKey: await program.replyKey() });
  const t = tempDir('caretill-bench-till-');
  const till = createServices({ dataDir: t.dir, host: 'direct', appVersion: 'bench' }, { batchSize: 500, syncTimeoutMs: 60_000 });
  try {
    await till.sync.enroll(server.url, await createEnrollmentCode(store, 'M1'), 'bench');
    const time = new Date().toISOString();
    till.db.transaction(() => {
      for (let i = 0; i < RECORDS; i++) {
        const v = vouchers[i % vouchers.length]!;
        till.journal.append({
          type: 'redeem',
          time,
          cashierId: 1,
          saleId: crypto.randomUUID(),
          voucherId: v.voucherId,
          campaignId: 1,
          kind: 'balance',
          amountFen: 1000,
          forfeitedFen: 0,
          categories: { books: { amountFen: 1000, quantity: 1 } },
          otherTenderFen: 0,
          authorization: 'offline',
          reverses: null,
        });
      }
    })();
    const t0 = performance.now();
    const r = await till.sync.upload();
    const seconds = (performance.now() - t0) / 1000;
    if (r.accepted !== RECORDS) throw new Error(`only ${r.accepted} of ${RECORDS} accepted`);

    // The same rows inserted straight into the server's records table, one transaction.
    const rows = till.journal.range(1, RECORDS);
    const t1 = performance.now();
    await store.sql.tx(async (tx) => {
      for (const x of rows) {
        await tx.run(
          `INSERT INTO records (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen, forfeited_fen,
                                other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            crypto.randomUUID(),
            'raw',
            'M1',
            x.seq,
            'raw',
            x.saleId,
            x.type,
            x.time,
            x.voucherId,
            x.campaignId,
            x.kind,
            x.amountFen,
            x.forfeitedFen,
            x.otherTenderFen,
            JSON.stringify(x.categories),
            x.authorization,
            x.reverses,
            x.hash,
            'accepted',
            null,
            time,
            time,
          ],
        );
      }
    });
    return { seconds, rawSeconds: (performance.now() - t1) / 1000 };
  } finally {
    till.close();
    t.cleanup();
    await server.close();
  }
}

export const syncBench: Bench = {
  name: 'sync',
  async run() {
    const metrics: Metric[] = [];
    const t = tempDir('caretill-bench-program-');
    const sqlite = await openProgramStore(path.join(t.dir, 'home'), undefined);
    try {
      const r = await uploadOnce(sqlite, path.join(t.dir, 'home'));
      metrics.push(
        { name: 'batch_upload_10k_s', value: round(r.seconds, 2), unit: 's', target: '≤ 3 (SQLite)' },
        { name: 'server_ingest_records_per_s', value: Math.round(RECORDS / r.seconds), unit: 'records/s', target: '≥ 10,000' },
        { name: 'batch_upload_ratio_to_raw_insert', value: round(r.seconds / r.rawSeconds, 1), unit: 'ratio', target: 'reported' },
      );
    } finally {
      await sqlite.close();
      t.cleanup();
    }
    if (!hasPgVirtualenv()) {
      process.stdout.write('batch_upload_10k_pg_s skipped: PostgreSQL not installed\n');
      return metrics;
    }
    const pg = await startThrowawayPostgres();
    const t2 = tempDir('caretill-bench-pg-');
    const store = new ProgramStore(await openPostgresDriver(pg.url, PROGRAM_MIGRATIONS));
    try {
      const r = await uploadOnce(store, t2.dir);
      metrics.push({ name: 'batch_upload_10k_pg_s', value: round(r.seconds, 2), unit: 's', target: '≤ 5' });
    } finally {
      await store.close();
      t2.cleanup();
      await pg.stop();
    }
    return metrics;
  },
};
