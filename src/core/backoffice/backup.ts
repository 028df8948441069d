import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { PosError } from '../../shared/api/errors';
import type { BackupInfo, BackupState } from '../../shared/api/schemas/backoffice';
import { LATEST_SCHEMA_VERSION } from '../db/migrations';
import type { Db } from '../db/open';
import { verifyStoredChain } from '../journal/journal';
import type { Logger } from '../system/log';
import type { SettingsStore } from '../system/settings';

export const BACKUP_DIR = 'backups';
const NAME = /^caretill-\d{8}-\d{6}-s\d+\.sqlite3$/;
const DAY_MS = 24 * 3_600_000;

export interface BackupDeps {
  db: Db;
  dataDir: string;
  deviceId: string;
  settings: SettingsStore;
  log: Logger;
  now: () => number;
}

export interface BackupCheck {
  ok: boolean;
  problem: 'unreadable' | 'corrupt' | 'from_future' | 'other_till' | 'bad_chain' | null;
  headSeq: number;
  headHash: string;
  deviceId: string | null;
  schemaVersion: number;
}

/**
 * Checks a backup file without trusting it: opened read-only, SQLite's integrity check, the schema
 * version (a file from a newer CareTill is refused), the till it belongs to, and the journal's
 * hash chain. Used after writing every backup and before any restore.
 */
export function checkBackupFile(file: string, expectDeviceId: string | null): BackupCheck {
  const fail = (problem: NonNullable<BackupCheck['problem']>, extra: Partial<BackupCheck> = {}): BackupCheck => ({
    ok: false,
    problem,
    headSeq: 0,
    headHash: '',
    deviceId: null,
    schemaVersion: 0,
    ...extra,
  });
  let db: Db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch {
    return fail('unreadable');
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') return fail('corrupt');
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion > LATEST_SCHEMA_VERSION) return fail('from_future', { schemaVersion });
    const deviceId =
      (db.prepare('SELECT install_id FROM device WHERE id = 1').get() as { install_id: string } | undefined)?.install_id ?? null;
    if (expectDeviceId && deviceId !== expectDeviceId) return fail('other_till', { deviceId, schemaVersion });
    const chain = verifyStoredChain(db);
    if (!chain.ok) return fail('bad_chain', { deviceId, schemaVersion });
    return { ok: true, problem: null, headSeq: chain.headSeq, headHash: chain.headHash, deviceId, schemaVersion };
  } catch {
    return fail('corrupt');
  } finally {
    db.close();
  }
}

/**
 * Backups of the till's database with SQLite's online backup API (sales go on while it copies):
 * daily and on demand, each verified after writing, rotated (14 kept by default), and copied to a
 * second folder (a USB stick) when one is set. A missing second folder is reported, never a reason
 * to stop a sale.
 */
export class Backups {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<BackupInfo> | null = null;
  private secondFolderProblem: string | null = null;

  constructor(private readonly d: BackupDeps) {}

  folder(): string {
    return path.join(this.d.dataDir, BACKUP_DIR);
  }

  /** One backup at a time; a second request while one runs gets the same result. */
  backupNow(reason: string): Promise<BackupInfo> {
    this.running ??= this.write(reason).finally(() => (this.running = null));
    return this.running;
  }

  private async write(reason: string): Promise<BackupInfo> {
    const dir = this.folder();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const now = new Date(this.d.now());
    const head = (this.d.db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined) ?? {
      seq: 0,
      hash: '',
    };
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const name = `caretill-${stamp}-s${head.seq}.sqlite3`;
    const file = path.join(dir, name);
    const tmp = `${file}.partial`;
    await this.d.db.backup(tmp);
    fs.chmodSync(tmp, 0o600);
    // The copy inherits WAL mode; a backup is one self-contained file (no -wal/-shm beside it).
    const standalone = new Database(tmp);
    try {
      standalone.pragma('journal_mode = DELETE');
    } finally {
      standalone.close();
    }
    const check = checkBackupFile(tmp, this.d.deviceId);
    if (!check.ok) {
      fs.rmSync(tmp, { force: true });
      this.d.log.error({ problem: check.problem, reason }, 'backup failed verification');
      throw new PosError('backup_failed', `backup did not verify: ${check.problem}`, { params: { problem: check.problem ?? '' } });
    }
    fs.renameSync(tmp, file);
    const bytes = fs.statSync(file).size;
    this.d.db
      .prepare('INSERT INTO backups (file, created_at, head_seq, head_hash, bytes, verified, problem) VALUES (?, ?, ?, ?, ?, 1, NULL)')
      .run(file, now.toISOString(), check.headSeq, check.headHash, bytes);
    this.copyToSecondFolder(file);
    this.rotate();
    this.d.log.info({ file: name, headSeq: check.headSeq, bytes, reason }, 'backup written and verified');
    return { file, createdAt: now.toISOString(), headSeq: check.headSeq, bytes, verified: true, problem: null };
  }

  private copyToSecondFolder(file: string): void {
    const second = this.d.settings.get('backup.secondFolder');
    if (!second) return void (this.secondFolderProblem = null);
    try {
      if (!fs.statSync(second).isDirectory()) throw new Error('not a folder');
      fs.copyFileSync(file, path.join(second, path.basename(file)));
      this.rotate(second);
      this.secondFolderProblem = null;
    } catch (err) {
      // The USB stick was pulled, is full or read-only: say so on the back-office screen, carry on.
      this.secondFolderProblem = err instanceof Error ? err.message : String(err);
      this.d.log.warn({ err: this.secondFolderProblem, folder: second }, 'second backup folder could not be written');
    }
  }

  private rotate(dir = this.folder()): void {
    const keep = this.d.settings.get('backup.keep');
    const files = fs
      .readdirSync(dir)
      .filter((f) => NAME.test(f))
      .sort()
      .reverse();
    for (const f of files.slice(keep)) for (const ext of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, f + ext), { force: true });
  }

  state(): BackupState {
    const rows = this.d.db
      .prepare<[], { file: string; created_at: string; head_seq: number; bytes: number; verified: number; problem: string | null }>(
        'SELECT * FROM backups ORDER BY id DESC LIMIT 50',
      )
      .all()
      .filter((r) => fs.existsSync(r.file))
      .map((r) => ({
        file: r.file,
        createdAt: r.created_at,
        headSeq: r.head_seq,
        bytes: r.bytes,
        verified: r.verified === 1,
        problem: r.problem,
      }));
    return {
      folder: this.folder(),
      secondFolder: this.d.settings.get('backup.secondFolder'),
      keep: this.d.settings.get('backup.keep'),
      last: rows[0] ?? null,
      secondFolderProblem: this.secondFolderProblem,
      backups: rows,
    };
  }

  /**
   * Daily: checked every hour (first 10 minutes after start), a backup when the last is a day old.
   * `alsoDaily` runs on the same tick (retention), after the backup, so nothing is purged unsaved.
   */
  startDaily(checkEveryMs = 3_600_000, firstAfterMs = 10 * 60_000, alsoDaily?: () => void): void {
    const tick = () => {
      const last = this.state().last;
      const due = !last || this.d.now() - Date.parse(last.createdAt) >= DAY_MS;
      const next = () => {
        this.timer = setTimeout(tick, checkEveryMs);
        this.timer.unref();
      };
      if (!due) return next();
      this.backupNow('daily')
        .then(() => alsoDaily?.())
        .catch((err: unknown) => this.d.log.error({ err }, 'daily backup or retention failed'))
        .finally(next);
    };
    this.timer = setTimeout(tick, firstAfterMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
