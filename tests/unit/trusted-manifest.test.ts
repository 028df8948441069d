import { describe, expect, it } from 'vitest';
import { publicKeyFromBase64url, generateKeyPair, rawPublicKey, sign } from '../../src/trust/ed25519';
import { indexManifest, manifestSigningInput, trustManifest } from '../../src/trust/trustedManifest';
import type { z } from 'zod';
import { PosError } from '../../src/shared/api/errors';
import { manifestSchema, signedManifestSchema } from '../../src/shared/voucher/manifest';
import { testCampaign, testIssuer, testManifest, testRoot } from '../helpers/issuer';

/**
 * Issue 16: a till installs only a manifest its program's root key signed (trustedManifest.ts), and
 * reads each key's window, revocation and campaign dates from it exactly.
 */

const refusal = (f: () => unknown): PosError => {
  try {
    f();
  } catch (e) {
    if (e instanceof PosError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('trusting a signed manifest', () => {
  const root = testRoot();
  const rootKey = publicKeyFromBase64url(root.publicKey);
  const issuer = testIssuer(1);
  const manifest = testManifest({ keys: [issuer.key], campaigns: [testCampaign()] });

  it('signs the manifest text behind a fixed context, so a signature over anything else does not verify', () => {
    expect(manifestSigningInput('{}').toString('utf8')).toBe('caretill/manifest/v1\0{}');
    const pair = generateKeyPair();
    const text = JSON.stringify(manifest);
    const bare = { manifest: text, signature: sign(pair.privateKey, Buffer.from(text, 'utf8')).toString('base64url') };
    expect(refusal(() => trustManifest(bare, pair.publicKey)).code).toBe('manifest_bad_signature');
    expect(
      trustManifest({ manifest: text, signature: sign(pair.privateKey, manifestSigningInput(text)).toString('base64url') }, pair.publicKey)
        .version,
    ).toBe(1);
  });

  it('accepts the root key’s signature and nothing else', () => {
    expect(trustManifest(root.sign(manifest), rootKey).manifest).toEqual(manifest);
    const other = testRoot();
    const e = refusal(() => trustManifest(other.sign(manifest), rootKey));
    expect(e.code).toBe('manifest_bad_signature');
    expect(e.message).toMatch(/does not verify/);
  });

  it('names what is wrong with a malformed envelope or manifest', () => {
    const envelope = refusal(() => trustManifest({ manifest: 1 }, rootKey));
    expect(envelope.code).toBe('manifest_invalid');
    // The message is zod's own for the first wrong field, so it is worked out the same way here.
    const zodSays = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error!.issues[0]!.message;
    expect(envelope.message).toBe(`signed manifest envelope: ${zodSays(signedManifestSchema, { manifest: 1 })}`);
    const notJson = refusal(() => trustManifest(root.sign('not json'), rootKey));
    expect(notJson.code).toBe('manifest_invalid');
    expect(notJson.message).toBe('manifest is not JSON');
    const badField = refusal(() => trustManifest(root.sign(JSON.stringify({ ...manifest, version: 0 })), rootKey));
    expect(badField.code).toBe('manifest_invalid');
    expect(badField.message).toBe(`manifest version: ${zodSays(manifestSchema, { ...manifest, version: 0 })}`);
    const nested = refusal(() => trustManifest(root.sign(JSON.stringify({ ...manifest, keys: [{ ...issuer.key, keyId: -1 }] })), rootKey));
    expect(nested.message).toMatch(/^manifest keys\.0\.keyId: \S/);
  });

  it('indexes keys with their windows and revocation, campaigns with their dates, revoked vouchers and server keys', () => {
    const revokedIssuer = testIssuer(2);
    const server = rawPublicKey(generateKeyPair().publicKey).toString('base64url');
    const m = testManifest({
      keys: [issuer.key, { ...revokedIssuer.key, validUntil: '2026-03-01T00:00:00Z', revokedAt: '2026-03-01T00:00:00Z' }],
      campaigns: [testCampaign({ id: 7, validFrom: '2026-02-01T00:00:00+08:00', validUntil: '2026-12-31T00:00:00+08:00' })],
      revoked: [{ voucherId: 'c'.repeat(32), revokedAt: '2026-04-01T00:00:00Z' }],
      serverKeys: [{ keyId: 3, publicKey: server }],
      version: 4,
    });
    const t = indexManifest(m);
    expect(t.version).toBe(4);
    expect(t.keys.get(1)).toMatchObject({
      fromMs: Date.parse('2026-01-01T00:00:00Z'),
      untilMs: Date.parse('2028-01-01T00:00:00Z'),
      revoked: false,
    });
    expect(t.keys.get(2)).toMatchObject({ untilMs: Date.parse('2026-03-01T00:00:00Z'), revoked: true });
    expect(t.keys.get(1)!.key.export({ format: 'der', type: 'spki' })).toEqual(
      publicKeyFromBase64url(issuer.key.publicKey).export({ format: 'der', type: 'spki' }),
    );
    expect(t.campaigns.get(7)).toMatchObject({
      id: 7,
      fromMs: Date.parse('2026-01-31T16:00:00Z'),
      untilMs: Date.parse('2026-12-30T16:00:00Z'),
    });
    expect([...t.revoked]).toEqual(['c'.repeat(32)]);
    expect([...t.serverKeys.keys()]).toEqual([3]);
    expect(t.serverKeys.get(3)!.export({ format: 'der', type: 'spki' })).toEqual(
      publicKeyFromBase64url(server).export({ format: 'der', type: 'spki' }),
    );
  });
});
