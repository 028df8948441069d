import type { SqlDriver } from '../store/sqlDriver';

/** Contacts closer together than this are stored once: a till that syncs every minute adds a row a minute. */
export const CONTACT_GRAIN_MS = 60_000;

/**
 * Notes that a till reached the program (a signed request that verified, or its enrollment), by the
 * server's clock. A till resets its offline allowance at each contact; these rows let the program
 * judge, as well as it can from its side, how much a till redeemed offline between two contacts.
 */
export async function noteContact(sql: SqlDriver, deviceId: string, at: Date): Promise<boolean> {
  // One statement: stored unless a contact within the grain is there already. True when stored.
  const r = await sql.run(
    `INSERT INTO device_contacts (device_id, at) SELECT ?, ?
      WHERE NOT EXISTS (SELECT 1 FROM device_contacts WHERE device_id = ? AND at > ?) ON CONFLICT DO NOTHING`,
    [deviceId, at.toISOString(), deviceId, new Date(at.getTime() - CONTACT_GRAIN_MS).toISOString()],
  );
  return r.changes === 1;
}
