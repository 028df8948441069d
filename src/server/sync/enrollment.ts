import crypto from 'node:crypto';
import { z } from 'zod';
import { GENESIS_HASH } from '../../trust/chain';
import { codeWithPin, newCode, normalizeCode } from '../../trust/enrollmentCode';
import type { EnrollRequest, EnrollResponse } from '../../shared/sync/protocol';
import { checkInput, merchantIdSchema, merchantNameSchema, ttlHoursSchema } from '../program/inputs';
import type { ProgramStore } from '../store/programStore';
import { noteCheckpoint } from './checkpoints';
import { noteContact } from './contacts';
import { ServerError } from './errors';

/** The stored form of a code: only its hash, of the one-time part (a fingerprint after a "." is the till's to check). */
export const hashCode = (code: string): string =>
  crypto
    .createHash('sha256')
    .update(`caretill-enroll/1:${normalizeCode(code.split('.')[0]!)}`)
    .digest('hex');

/** A partner shop. Its id and name are checked here, for the CLI and the HTTP API alike. */
export async function createMerchant(store: ProgramStore, merchantId: unknown, name: unknown, now = new Date()): Promise<void> {
  const id = checkInput(merchantIdSchema, merchantId, 'merchantId');
  const cleanName = checkInput(merchantNameSchema, name, 'name');
  const r = await store.sql.run(
    'INSERT INTO merchants (merchant_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (merchant_id) DO NOTHING',
    [id, cleanName, now.toISOString()],
  );
  if (r.changes === 0) throw new ServerError('merchant_exists', `merchant ${id} exists already`);
}

/**
 * A one-time code for a shop's till, valid `ttlHours`, carrying the program's pin (a fingerprint
 * of its root key, see src/trust/enrollmentCode.ts) so the till enrolls with this program only.
 * Only the hash of the one-time part is stored.
 */
export async function createEnrollmentCode(
  store: ProgramStore,
  merchantIdInput: unknown,
  ttlHoursInput: unknown = 72,
  now = new Date(),
): Promise<string> {
  const merchantId = checkInput(merchantIdSchema, merchantIdInput, 'merchantId');
  const ttlHours = checkInput(ttlHoursSchema, ttlHoursInput, 'ttlHours');
  const program = await store.getProgram();
  if (!program) throw new ServerError('not_found', 'no program here yet');
  const merchant = await store.sql.get('SELECT 1 AS x FROM merchants WHERE merchant_id = ?', [merchantId]);
  if (!merchant) throw new ServerError('not_found', `no merchant ${merchantId}`);
  const code = newCode();
  await store.sql.run('INSERT INTO enrollment_codes (code_hash, merchant_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
    hashCode(code),
    merchantId,
    now.toISOString(),
    new Date(now.getTime() + ttlHours * 3_600_000).toISOString(),
  ]);
  return codeWithPin(code, program.rootPublicKey);
}

/**
 * A one-time code that re-enrolls a replacement PC as the same till (a dead PC, a new disk): the
 * device keeps its id, merchant, journal head and checkpoints; only its public key is replaced. The
 * till also needs its owner's PIN (enrollment is an owner call) and its database from a backup.
 */
export async function createRecoveryCode(
  store: ProgramStore,
  deviceIdInput: unknown,
  ttlHoursInput: unknown = 24,
  now = new Date(),
): Promise<string> {
  const deviceId = checkInput(z.uuid(), deviceIdInput, 'device');
  const ttlHours = checkInput(ttlHoursSchema, ttlHoursInput, 'ttlHours');
  const program = await store.getProgram();
  if (!program) throw new ServerError('not_found', 'no program here yet');
  const device = await store.sql.get<{ merchant_id: string }>('SELECT merchant_id FROM devices WHERE device_id = ?', [deviceId]);
  if (!device) throw new ServerError('not_found', `no till ${deviceId}`);
  const code = newCode();
  await store.sql.run('INSERT INTO enrollment_codes (code_hash, merchant_id, created_at, expires_at, for_device) VALUES (?, ?, ?, ?, ?)', [
    hashCode(code),
    device.merchant_id,
    now.toISOString(),
    new Date(now.getTime() + ttlHours * 3_600_000).toISOString(),
    deviceId,
  ]);
  return codeWithPin(code, program.rootPublicKey);
}

/** Registers a till: its public key against a one-time code. A used, expired or unknown code stores nothing. */
export async function enroll(store: ProgramStore, req: EnrollRequest, now = new Date()): Promise<EnrollResponse> {
  const program = await store.getProgram();
  const manifest = await store.latestManifest();
  if (!program || !manifest) throw new ServerError('no_manifest', 'the program has not published a manifest yet');
  return store.sql.tx(async (t) => {
    const row = await t.get<{ merchant_id: string; expires_at: string; used_at: string | null; for_device: string | null }>(
      `SELECT merchant_id, expires_at, used_at, for_device FROM enrollment_codes WHERE code_hash = ?${t.forUpdate}`,
      [hashCode(req.code)],
    );
    if (!row) throw new ServerError('enroll_code_unknown', 'unknown enrollment code');
    if (row.used_at) throw new ServerError('enroll_code_used', 'this enrollment code has been used');
    if (row.expires_at < now.toISOString()) throw new ServerError('enroll_code_expired', 'this enrollment code has expired');
    const existing = await t.get('SELECT 1 AS x FROM devices WHERE device_id = ?', [req.deviceId]);
    if (row.for_device) {
      // A recovery code: only for the till it was made for, which keeps everything but its key.
      if (row.for_device !== req.deviceId) throw new ServerError('enroll_code_unknown', 'this recovery code is for another till');
      await t.run('UPDATE devices SET public_key = ?, active = 1 WHERE device_id = ?', [req.publicKey, req.deviceId]);
      await noteContact(t, req.deviceId, now);
    } else {
      if (existing) throw new ServerError('device_exists', 'this till is enrolled already');
      await t.run(
        'INSERT INTO devices (device_id, merchant_id, public_key, name, enrolled_at, head_seq, head_hash, active) VALUES (?, ?, ?, ?, ?, 0, ?, 1)',
        [req.deviceId, row.merchant_id, req.publicKey, req.name, now.toISOString(), GENESIS_HASH],
      );
      await noteContact(t, req.deviceId, now); // the till's offline allowance starts here
      // Its first checkpoint: an empty journal, and the manifest it is given now binds every record.
      await noteCheckpoint(t, req.deviceId, { seq: 0, hash: GENESIS_HASH }, now, manifest.version);
    }
    await t.run('UPDATE enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ?', [
      now.toISOString(),
      req.deviceId,
      hashCode(req.code),
    ]);
    const merchant = await t.get<{ name: string }>('SELECT name FROM merchants WHERE merchant_id = ?', [row.merchant_id]);
    return {
      deviceId: req.deviceId,
      merchantId: row.merchant_id,
      merchantName: merchant?.name ?? row.merchant_id,
      programId: program.programId,
      rootPublicKey: program.rootPublicKey,
      manifest: { manifest: manifest.manifest, signature: manifest.signature },
    };
  });
}
