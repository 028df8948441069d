import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/core/services';
import { checkBackupFile } from '../../src/core/backoffice/backup';
import { seedTill } from '../helpers/seed';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: backups a shop can rely on (backup.ts): every copy is checked before it counts, a second
 * folder (a USB stick) gets a copy too and says so when it cannot, old copies are rotated, and a file
 * that is not this till's good backup is named for what it is.
 */
describe('backups', () => {
  let t: ReturnType<typeof tempDir>;
  let s: Services;
  beforeEach(() => {
    t = tempDir('caretill-backup-');
    s = createServices({ dataDir: path.join(t.dir, 'data'), host: 'direct', appVersion: 'test' });
    seedTill(s);
  });
  afterEach(() => {
    s.close();
    t.cleanup();
  });

  it('a backup is checked and listed; a second folder gets the same file', async () => {
    const usb = path.join(t.dir, 'usb');
    fs.mkdirSync(usb);
    s.settings.set('backup.secondFolder', usb);
    const b = await s.backups.backupNow('test');
    expect(b).toMatchObject({ verified: true, problem: null, headSeq: 0 });
    expect(fs.readdirSync(usb)).toEqual([path.basename(b.file)]);
    const state = s.backups.state();
    expect(state.last?.file).toBe(b.file);
    expect(state.secondFolderProblem).toBeNull();
    const own = checkBackupFile(b.file, null);
    expect(own).toMatchObject({ ok: true, problem: null, headSeq: 0 });
    expect(own.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(checkBackupFile(b.file, own.deviceId)).toEqual(own);
  });

  it('a second folder that is not a folder is reported, and the backup itself still counts', async () => {
    const notAFolder = path.join(t.dir, 'file.txt');
    fs.writeFileSync(notAFolder, 'x');
    s.settings.set('backup.secondFolder', notAFolder);
    const b = await s.backups.backupNow('test');
    expect(b.verified).toBe(true);
    expect(s.backups.state().secondFolderProblem).toBe('not a folder');
    // Fixed: the problem goes away with the next backup.
    s.settings.set('backup.secondFolder', null);
    await s.backups.backupNow('test');
    expect(s.backups.state().secondFolderProblem).toBeNull();
  });

  it('keeps only the newest backups it is told to keep, here and in the second folder', async () => {
    const usb = path.join(t.dir, 'usb');
    fs.mkdirSync(usb);
    s.settings.set('backup.secondFolder', usb);
    s.settings.set('backup.keep', 2);
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      // Backups are named by the second: write each in its own.
      const b = await s.backups.backupNow('test');
      names.push(path.basename(b.file));
      await new Promise((r) => setTimeout(r, 1100));
    }
    expect(fs.readdirSync(usb).sort()).toEqual(names.slice(1).sort());
    expect(
      s.backups
        .state()
        .backups.map((b) => path.basename(b.file))
        .sort(),
    ).toEqual(names.slice(1).sort());
  });

  it('a file that is no database, another till’s backup, or a missing file is named for what it is', async () => {
    const b = await s.backups.backupNow('test');
    const own = checkBackupFile(b.file, null).deviceId;
    expect(checkBackupFile(b.file, 'another-till')).toMatchObject({ ok: false, problem: 'other_till', deviceId: own });
    const junk = path.join(t.dir, 'junk.sqlite3');
    fs.writeFileSync(junk, 'not a database at all, just some words to fill a page '.repeat(200));
    expect(checkBackupFile(junk, null)).toMatchObject({ ok: false, problem: 'corrupt' });
    expect(checkBackupFile(path.join(t.dir, 'missing.sqlite3'), null)).toMatchObject({ ok: false, problem: 'unreadable' });
  });
});
