import crypto from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyFiles } from '../../src/server/program/keyFiles';
import { Program } from '../../src/server/program/program';
import { openProgramStore, type ProgramStore } from '../../src/server/store/programStore';
import { createEnrollmentCode, createMerchant, createRecoveryCode, enroll } from '../../src/server/sync/enrollment';
import { generateKeyPair, rawPublicKey } from '../../src/trust/ed25519';
import { splitEnrollmentCode } from '../../src/trust/enrollmentCode';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: who may become a till of the program (enrollment.ts), on a real SQLite program store with
 * a clock the test sets: a code is used once, before it expires, by one till; a recovery code only by
 * the till it was made for; nothing before the program exists and has published a manifest.
 */
describe('enrolling a till', () => {
  let store: ProgramStore;
  let program: Program;
  let cleanup: () => void;
  const T0 = new Date('2026-06-01T00:00:00Z');
  beforeEach(async () => {
    const t = tempDir('caretill-enroll-');
    cleanup = t.cleanup;
    store = await openProgramStore(path.join(t.dir, 'home'), undefined);
    program = new Program(store, new KeyFiles(path.join(t.dir, 'home', 'keys')));
  });
  afterEach(async () => {
    await store.sql.close();
    cleanup();
  });

  const ready = async () => {
    await program.init('TEST', '测试项目', 'Test program', new Date(T0.getTime() - 86_400_000));
    await createMerchant(store, 'M1', '一号店', T0);
    await program.publishManifest();
  };
  const request = (code: string, deviceId: string = crypto.randomUUID()) => ({
    code: splitEnrollmentCode(code)!.code,
    deviceId,
    publicKey: rawPublicKey(generateKeyPair().publicKey).toString('base64url'),
    name: 'till',
  });
  const refused = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return (e as { code?: string }).code;
    }
    return 'accepted';
  };

  it('nothing can be handed out or enrolled before the program exists', async () => {
    expect(await refused(createEnrollmentCode(store, 'M1', 72, T0))).toBe('not_found');
    expect(await refused(createRecoveryCode(store, crypto.randomUUID(), 24, T0))).toBe('not_found');
    expect(
      await refused(enroll(store, { code: 'ABCD-EFGH-JKMN', deviceId: crypto.randomUUID(), publicKey: 'A'.repeat(43), name: 't' }, T0)),
    ).toBe('no_manifest');
  });

  it('a code is only for a merchant the program has, and a recovery code only for a till it has', async () => {
    await ready();
    expect(await refused(createEnrollmentCode(store, 'M9', 72, T0))).toBe('not_found');
    expect(await refused(createRecoveryCode(store, crypto.randomUUID(), 24, T0))).toBe('not_found');
  });

  it('a code works once, until the end of its hours, and tells the till its shop', async () => {
    await ready();
    const code = await createEnrollmentCode(store, 'M1', 2, T0);
    const expired = await createEnrollmentCode(store, 'M1', 2, T0);
    const r = await enroll(store, request(code), new Date(T0.getTime() + 2 * 3_600_000));
    expect(r).toMatchObject({ merchantId: 'M1', merchantName: '一号店', programId: 'TEST' });
    expect(await refused(enroll(store, request(code), T0))).toBe('enroll_code_used');
    expect(await refused(enroll(store, request(expired), new Date(T0.getTime() + 2 * 3_600_000 + 1)))).toBe('enroll_code_expired');
    expect(await refused(enroll(store, request('ABCD-EFGH-JKMN.0000-0000-0000-0000'), T0))).toBe('enroll_code_unknown');
  });

  it('an enrolled till cannot enroll again with a new code; it needs a recovery code, made for it alone', async () => {
    await ready();
    const deviceId = crypto.randomUUID();
    await enroll(store, request(await createEnrollmentCode(store, 'M1', 72, T0), deviceId), T0);
    expect(await refused(enroll(store, request(await createEnrollmentCode(store, 'M1', 72, T0), deviceId), T0))).toBe('device_exists');
    const recovery = await createRecoveryCode(store, deviceId, 24, T0);
    expect(await refused(enroll(store, request(recovery), T0))).toBe('enroll_code_unknown');
    const newKey = request(recovery, deviceId);
    expect(await enroll(store, newKey, T0)).toMatchObject({ deviceId, merchantId: 'M1' });
    expect(await store.sql.get('SELECT public_key FROM devices WHERE device_id = ?', [deviceId])).toEqual({ public_key: newKey.publicKey });
  });

  it('a merchant whose row is gone is named by its id', async () => {
    await ready();
    const code = await createEnrollmentCode(store, 'M1', 72, T0);
    await store.sql.run('PRAGMA foreign_keys = OFF');
    await store.sql.run("DELETE FROM merchants WHERE merchant_id = 'M1'");
    expect(await enroll(store, request(code), T0)).toMatchObject({ merchantId: 'M1', merchantName: 'M1' });
  });
});
