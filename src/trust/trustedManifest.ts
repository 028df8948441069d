import type { KeyObject } from 'node:crypto';
import { PosError } from '../shared/api/errors';
import { MANIFEST_SIGNING_CONTEXT, manifestSchema, signedManifestSchema, type Campaign, type Manifest } from '../shared/voucher/manifest';
import { publicKeyFromBase64url, verify } from './ed25519';
import { firstIssue } from '../shared/validation/firstIssue';

/** An issuer key ready for the scan path; `revoked`: the program withdrew it, so none of its tokens is good. */
export interface IndexedKey {
  key: KeyObject;
  fromMs: number;
  untilMs: number;
  revoked: boolean;
}

/** A manifest whose signature has been checked, indexed for the scan path (no parsing per scan). */
export interface TrustedManifest {
  readonly manifest: Manifest;
  readonly version: number;
  readonly keys: ReadonlyMap<number, IndexedKey>;
  readonly campaigns: ReadonlyMap<number, Campaign & { fromMs: number; untilMs: number }>;
  readonly revoked: ReadonlySet<string>;
  /** The program server's reply-signing keys by id (see replySignature.ts). */
  readonly serverKeys: ReadonlyMap<number, KeyObject>;
}

const CONTEXT = Buffer.from(MANIFEST_SIGNING_CONTEXT);

export function manifestSigningInput(manifestJson: string): Buffer {
  return Buffer.concat([CONTEXT, Buffer.from(manifestJson)]);
}

/**
 * Checks a signed manifest against the program's root key and indexes it. Throws PosError
 * `manifest_invalid` (malformed) or `manifest_bad_signature`; never returns an unchecked manifest.
 */
export function trustManifest(signed: unknown, rootKey: KeyObject): TrustedManifest {
  const envelope = signedManifestSchema.safeParse(signed);
  if (!envelope.success) throw new PosError('manifest_invalid', `signed manifest envelope: ${firstIssue(envelope.error).message}`);
  const { manifest: text, signature } = envelope.data;
  if (!verify(rootKey, manifestSigningInput(text), Buffer.from(signature, 'base64url'))) {
    throw new PosError('manifest_bad_signature', 'manifest signature does not verify with the program key');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PosError('manifest_invalid', 'manifest is not JSON');
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw new PosError('manifest_invalid', `manifest ${path.join('.')}: ${message}`);
  }
  return indexManifest(parsed.data);
}

export function indexManifest(manifest: Manifest): TrustedManifest {
  const keys = new Map<number, IndexedKey>();
  for (const k of manifest.keys)
    keys.set(k.keyId, {
      key: publicKeyFromBase64url(k.publicKey),
      fromMs: Date.parse(k.validFrom),
      untilMs: Date.parse(k.validUntil),
      revoked: k.revokedAt !== undefined,
    });
  const campaigns = new Map<number, Campaign & { fromMs: number; untilMs: number }>();
  for (const c of manifest.campaigns) campaigns.set(c.id, { ...c, fromMs: Date.parse(c.validFrom), untilMs: Date.parse(c.validUntil) });
  return {
    manifest,
    version: manifest.version,
    keys,
    campaigns,
    revoked: new Set(manifest.revoked.map((r) => r.voucherId)),
    serverKeys: new Map(manifest.serverKeys.map((k) => [k.keyId, publicKeyFromBase64url(k.publicKey)] as const)),
  };
}
