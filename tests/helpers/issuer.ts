import type { AplDocument, SignedApl } from '../../src/shared/apl/apl';
import { signApl } from '../../src/trust/trustedApl';
import crypto from 'node:crypto';
import { generateKeyPair, rawPublicKey, sign } from '../../src/trust/ed25519';
import { indexManifest, manifestSigningInput, type TrustedManifest } from '../../src/trust/trustedManifest';
import {
  MANIFEST_FORMAT,
  manifestSchema,
  type Campaign,
  type CampaignInput,
  type IssuerKey,
  type Manifest,
  type SignedManifest,
} from '../../src/shared/voucher/manifest';
import { encodePayload, encodeToken, signingInput, type VoucherFields } from '../../src/shared/voucher/token';

/** Real Ed25519 keys and signatures, made in memory for tests that need vouchers and manifests. */
export function testIssuer(keyId = 1, window = { from: '2026-01-01T00:00:00Z', until: '2028-01-01T00:00:00Z' }) {
  const pair = generateKeyPair();
  const key: IssuerKey = {
    keyId,
    publicKey: rawPublicKey(pair.publicKey).toString('base64url'),
    validFrom: window.from,
    validUntil: window.until,
  };
  return {
    key,
    privateKey: pair.privateKey,
    token(fields: Partial<VoucherFields> = {}): { token: string; fields: VoucherFields } {
      const f: VoucherFields = {
        voucherId: crypto.randomBytes(16).toString('hex'),
        campaignId: 1,
        kind: 'fixed',
        faceValueFen: 5000,
        validFrom: Date.parse('2026-06-01T00:00:00Z') / 1000,
        validUntil: Date.parse('2027-06-01T00:00:00Z') / 1000,
        holderTag: crypto.randomBytes(5).toString('hex'),
        keyId,
        ...fields,
      };
      const payload = encodePayload(f);
      return { token: encodeToken(payload, sign(pair.privateKey, signingInput(payload))), fields: f };
    },
  };
}

export function testCampaign(overrides: Partial<CampaignInput> = {}): Campaign {
  return {
    id: 1,
    names: { zh: '新生儿关爱券', en: 'Newborn care vouchers' },
    funder: { zh: '关爱基金会', en: 'Care Foundation' },
    validFrom: '2026-01-01T00:00:00+08:00',
    validUntil: '2027-12-31T23:59:59+08:00',
    kind: 'fixed',
    eligibleCategories: ['infant_formula', 'diapers'],
    perVisitCaps: {},
    merchants: ['*'],
    offline: { perVoucherFen: 5000, perDeviceTotalFen: 100000, maxHoursOffline: 72 },
    ...overrides,
  } as Campaign;
}

export function testManifest(parts: Partial<Manifest> & Pick<Manifest, 'keys' | 'campaigns'>): Manifest {
  return manifestSchema.parse({
    format: MANIFEST_FORMAT,
    programId: 'TEST',
    programName: { zh: '测试项目', en: 'Test program' },
    version: 1,
    issuedAt: '2026-06-01T00:00:00Z',
    revoked: [],
    ...parts,
  });
}

export function trusted(m: Manifest): TrustedManifest {
  return indexManifest(m);
}

/** A program root key that signs manifests the way the program server does. */
export function testRoot() {
  const pair = generateKeyPair();
  return {
    publicKey: rawPublicKey(pair.publicKey).toString('base64url'),
    sign(m: Manifest | string): SignedManifest {
      const text = typeof m === 'string' ? m : JSON.stringify(m);
      return { manifest: text, signature: sign(pair.privateKey, manifestSigningInput(text)).toString('base64url') };
    },
    /** An approved product list signed as the program's CLI signs it. */
    signApl: (doc: AplDocument): SignedApl => signApl(pair.privateKey, doc),
  };
}
