import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverFromProgram } from '../../src/core/backoffice/recovery';
import { createServices } from '../../src/core/services';
import { enrolledTill, useProgramWorld, sell, STORES } from '../helpers/program';

describe.each(STORES)('recovery from the program, on $name', (kind) => {
  const t = useProgramWorld(kind);
  const { cleanups } = t;

  it('a till restored from an old backup gets back every record made after it, continues the chain, and uploads nothing twice', async () => {
    const till = await enrolledTill(t.world);
    const [a, b, c] = await t.world.issue('baby', 3);
    expect((await sell(till.services, till.session, '飞鹤', 1, [a!.token])).ok).toBe(true);
    await till.services.sync.syncNow();
    const backup = await till.services.backups.backupNow('test');
    // The PC goes on selling and uploading… then dies.
    expect((await sell(till.services, till.session, '飞鹤', 1, [b!.token])).ok).toBe(true);
    const voided = await sell(till.services, till.session, '飞鹤', 1, [c!.token]);
    const saleId = (voided as { value: { saleId: string } }).value.saleId;
    await till.services.dispatch('voidSale', { saleId }, { sessionToken: till.session.token });
    await till.services.sync.syncNow();
    const head = till.services.journal.head();
    expect(head.seq).toBe(4);
    const dataDir = till.services.config.dataDir;
    till.services.close();
    // The same data folder (the device key is there), the database back from the backup.
    fs.rmSync(path.join(dataDir, 'caretill.sqlite3'));
    const restored = createServices(
      { dataDir, host: 'direct', appVersion: 'test' },
      { restoreFrom: backup.file, backgroundJobs: false, syncTimeoutMs: 4000 },
    );
    cleanups.push(() => {
      restored.close();
      till.cleanup();
    });
    const r = await recoverFromProgram({
      db: restored.db,
      journal: restored.journal,
      deviceId: (restored.db.prepare('SELECT install_id FROM device').get() as { install_id: string }).install_id,
      sync: restored.sync,
      log: restored.log,
      now: Date.now,
    });
    expect(r.problem).toBeNull();
    expect(restored.journal.head()).toEqual(head);
    expect(restored.journal.verify()).toMatchObject({ ok: true, headSeq: 4 });
    expect(restored.sync.pending()).toBe(0);
    expect(restored.sales.get(saleId).voidedAt).not.toBeNull();
    // The next sale continues the chain at seq 5 and the program accepts it.
    const [d] = await t.world.issue('baby', 1);
    const session = restored.users.login(restored.users.list().find((u) => u.role === 'cashier')!.id, '5678');
    expect((await sell(restored, session, '飞鹤', 1, [d!.token])).ok).toBe(true);
    await restored.sync.syncNow();
    const st = restored.db.prepare("SELECT count(*) AS n FROM record_status WHERE status = 'accepted'").get() as { n: number };
    expect(st.n).toBe(5);
    // The program counted every record once.
    expect((await t.world.store.sql.get<{ n: number }>('SELECT count(*) AS n FROM records'))!.n).toBe(5);
  });

  it('a replacement PC becomes the same till with a backup, the owner’s PIN and a recovery code; the old key is refused from then on', async () => {
    const till = await enrolledTill(t.world);
    cleanups.push(till.cleanup);
    const [a, b] = await t.world.issue('baby', 2);
    expect((await sell(till.services, till.session, '飞鹤', 1, [a!.token])).ok).toBe(true);
    await till.services.sync.syncNow();
    const backup = await till.services.backups.backupNow('test');
    expect((await sell(till.services, till.session, '飞鹤', 1, [b!.token])).ok).toBe(true);
    await till.services.sync.syncNow();
    const deviceId = (till.services.db.prepare('SELECT install_id FROM device').get() as { install_id: string }).install_id;
    const oldSync = till.services.sync;
    // The old PC is gone. A new one has only the backup file (no device key).
    const pcDir = (await import('../helpers/tmp')).tempDir('caretill-newpc-');
    const pc = createServices(
      { dataDir: pcDir.dir, host: 'direct', appVersion: 'test' },
      { restoreFrom: backup.file, backgroundJobs: false },
    );
    cleanups.push(() => {
      pc.close();
      pcDir.cleanup();
    });
    expect(pc.sync.enrolled()).toBe(false);
    const owner = pc.users.login(pc.users.list().find((u) => u.role === 'owner')!.id, '1234');
    // An ordinary enrollment code would make it a new till: refused, this device exists.
    const normal = await pc.dispatch(
      'enroll',
      { serverUrl: t.world.server.url, code: await t.world.code(), name: 'new pc' },
      { sessionToken: owner.token },
    );
    expect(!normal.ok && normal.error.code).toBe('device_exists');
    const { createRecoveryCode } = await import('../../src/server/sync/enrollment');
    // A cashier may not do it; the owner with the program's recovery code may.
    const cashier = pc.users.login(pc.users.list().find((u) => u.role === 'cashier')!.id, '5678');
    const code = await createRecoveryCode(t.world.store, deviceId);
    const byCashier = await pc.dispatch('enroll', { serverUrl: t.world.server.url, code, name: 'new pc' }, { sessionToken: cashier.token });
    expect(!byCashier.ok && byCashier.error.code).toBe('forbidden');
    const r = await pc.dispatch('enroll', { serverUrl: t.world.server.url, code, name: 'new pc' }, { sessionToken: owner.token });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const rec = await pc.dispatch('recoverFromProgram', {}, { sessionToken: owner.token });
    expect(rec.ok && rec.value).toMatchObject({ inserted: 1, headSeq: 2, problem: null });
    expect(pc.journal.verify()).toMatchObject({ ok: true, headSeq: 2 });
    // The dead PC's key no longer speaks for the till: its signed requests are refused (unsigned, so no contact either).
    await expect(oldSync.refreshManifest()).rejects.toThrow(/signature/);
  });
});
