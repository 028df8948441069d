import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/core/db/open';
import { SettingsStore } from '../../src/core/system/settings';
import { ManifestStore } from '../../src/core/vouchers/manifestStore';
import { PosError } from '../../src/shared/api/errors';
import { testCampaign, testIssuer, testManifest, testRoot } from '../helpers/issuer';
import { tempDir } from '../helpers/tmp';

const issuer = testIssuer(1);
const manifestV = (version: number, extra = {}) => testManifest({ version, keys: [issuer.key], campaigns: [testCampaign()], ...extra });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return e instanceof PosError ? e.code : String(e);
  }
};

describe('ManifestStore', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Db;
  let store: ManifestStore;
  const root = testRoot();
  const file = () => path.join(t.dir, 'till.sqlite3');
  beforeEach(() => {
    t = tempDir();
    db = openDatabase(file());
    store = new ManifestStore(db, new SettingsStore(db));
  });
  afterEach(() => {
    db.close();
    t.cleanup();
  });

  it('refuses any manifest before the till knows the program key', () => {
    expect(codeOf(() => store.install(root.sign(manifestV(1))))).toBe('no_trust_anchor');
    expect(store.current()).toBeNull();
  });

  it('installs a signed manifest, keeps it across restarts and re-verifies it on load', () => {
    store.setTrustAnchor(root.publicKey);
    expect(store.install(root.sign(manifestV(1)))).toEqual({ version: 1, changed: true });
    db.close();
    db = openDatabase(file());
    store = new ManifestStore(db, new SettingsStore(db));
    expect(store.current()?.version).toBe(1);
    expect(store.current()?.campaigns.get(1)?.names.zh).toBe('新生儿关爱券');
  });

  it('refuses a bad signature, a tampered body, another program’s key and malformed envelopes', () => {
    store.setTrustAnchor(root.publicKey);
    const good = root.sign(manifestV(1));
    const tampered = { ...good, manifest: good.manifest.replace('"perVoucherFen":5000', '"perVoucherFen":9999999') };
    expect(tampered.manifest).not.toBe(good.manifest);
    expect(codeOf(() => store.install(tampered))).toBe('manifest_bad_signature');
    expect(codeOf(() => store.install(testRoot().sign(manifestV(1))))).toBe('manifest_bad_signature');
    expect(codeOf(() => store.install({ manifest: good.manifest, signature: 'short' }))).toBe('manifest_invalid');
    expect(codeOf(() => store.install(root.sign('{"not":"a manifest"}')))).toBe('manifest_invalid');
    expect(codeOf(() => store.install(root.sign('not json')))).toBe('manifest_invalid');
    expect(store.current()).toBeNull();
  });

  it('never goes back to an older version; the same version again is a no-op; a different one under the same number is refused', () => {
    store.setTrustAnchor(root.publicKey);
    const v1 = root.sign(manifestV(1));
    const v2 = root.sign(manifestV(2, { revoked: [{ voucherId: 'a'.repeat(32), revokedAt: '2026-10-01T00:00:00Z' }] }));
    store.install(v1);
    store.install(v2);
    expect(codeOf(() => store.install(v1))).toBe('manifest_outdated');
    expect(store.install(v2)).toEqual({ version: 2, changed: false });
    expect(codeOf(() => store.install(root.sign(manifestV(2, { issuedAt: '2026-07-01T00:00:00Z' }))))).toBe('manifest_outdated');
    expect(store.current()?.revoked.has('a'.repeat(32))).toBe(true);
  });
});
