import crypto from 'node:crypto';
import type { Db } from '../db/open';

/** The till's device id: made once at first start, kept for the life of the data directory. */
export function ensureDeviceIdentity(db: Db, now: () => number): string {
  db.prepare('INSERT OR IGNORE INTO device (id, install_id, created_at) VALUES (1, ?, ?)').run(
    crypto.randomUUID(),
    new Date(now()).toISOString(),
  );
  return (db.prepare('SELECT install_id FROM device WHERE id = 1').get() as { install_id: string }).install_id;
}
