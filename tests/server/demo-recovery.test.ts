import { parse as parseCsv } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/core/services';
import { startDemoProgram } from '../../src/demo/demoProgram';
import { sell } from '../helpers/program';
import { tempDir } from '../helpers/tmp';

/**
 * The README's disaster recovery with the embedded demo: sell, back up to a USB stick, sell more,
 * wipe the till's data folder, restore from the stick, and every record is back, including those
 * made after the backup (the demo program, beside the folder, still holds them).
 */
describe('a demo till whose data folder was wiped', () => {
  it('is restored from a backup and gets every record back, those after the backup included', async () => {
    const t = tempDir('caretill-dr-');
    const dataDir = path.join(t.dir, 'till');
    const usb = path.join(t.dir, 'usb');
    fs.mkdirSync(usb);
    const open: Services[] = [];
    try {
      const s = createServices({ dataDir, host: 'direct', appVersion: 'test' }, { backgroundJobs: false });
      open.push(s);
      s.handlers.setupShop({ shopName: '演示母婴店', ownerName: '店主', ownerPin: '2468', loadDemoCatalog: true }, {});
      const cashier = s.users.create('收银员', 'cashier', '5678');
      const session = s.users.login(cashier.id, '5678');
      const demo = (await startDemoProgram(s))!;
      const rows = parseCsv(fs.readFileSync(demo.csv), { columns: true, bom: true }) as Array<{
        kind: string;
        note: string;
        token: string;
      }>;
      const balance = rows.filter((r) => r.kind === 'balance' && !r.note).map((r) => r.token);
      expect((await sell(s, session, '绘本', 1, [balance[0]!])).ok).toBe(true);
      await s.sync.syncNow();
      s.settings.set('backup.secondFolder', usb);
      const backup = await s.backups.backupNow('test');
      expect(fs.existsSync(path.join(usb, path.basename(backup.file)))).toBe(true);
      expect((await sell(s, session, '绘本', 1, [balance[1]!])).ok).toBe(true);
      expect((await sell(s, session, '学生文具', 1, [balance[2]!])).ok).toBe(true);
      await s.sync.syncNow();
      const head = s.journal.head();
      expect(head.seq).toBe(3);
      await demo.close();
      s.close();
      open.pop();
      // A real restart is a new process; in this one, fetch's pooled connection to the old server's
      // port would be reused: the demo server takes a new port instead.
      fs.rmSync(path.join(demo.dir, 'server-port'));

      fs.rmSync(dataDir, { recursive: true, force: true });

      const restored = createServices(
        { dataDir, host: 'direct', appVersion: 'test' },
        { backgroundJobs: false, restoreFrom: path.join(usb, path.basename(backup.file)) },
      );
      open.push(restored);
      expect(restored.journal.head().seq).toBe(1);
      const demo2 = (await startDemoProgram(restored))!;
      try {
        expect(restored.sync.enrolled()).toBe(true);
        expect(restored.journal.head()).toEqual(head);
        expect(restored.journal.verify()).toMatchObject({ ok: true, headSeq: 3 });
        expect(restored.sync.pending()).toBe(0);
        // The till sells on, continuing its chain, and the demo program accepts it.
        const again = restored.users.login(cashier.id, '5678');
        expect((await sell(restored, again, '绘本', 1, [balance[3]!])).ok).toBe(true);
        await restored.sync.syncNow();
        expect(restored.sync.pending()).toBe(0);
        expect(restored.journal.verify()).toMatchObject({ ok: true, headSeq: 4 });
      } finally {
        await demo2.close();
      }
    } finally {
      for (const s of open) s.close();
      fs.rmSync(`${dataDir}-demo-program`, { recursive: true, force: true });
      t.cleanup();
    }
  });
});
