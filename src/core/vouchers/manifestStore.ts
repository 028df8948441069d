import type { KeyObject } from 'node:crypto';
import { PosError } from '../../shared/api/errors';
import type { SignedManifest } from '../../shared/voucher/manifest';
import { publicKeyFromBase64url } from '../../trust/ed25519';
import type { Db } from '../db/open';
import type { SettingsStore } from '../system/settings';
import { trustManifest, type TrustedManifest } from '../../trust/trustedManifest';

/**
 * The till's copy of the program's campaign manifest. Only a manifest signed by the program's
 * root key (learned at enrollment) is installed, and never one older than what the till has:
 * a replayed old manifest must not resurrect a revoked voucher.
 */
export class ManifestStore {
  private cached: TrustedManifest | null | undefined;
  private rootKey: KeyObject | null | undefined;

  constructor(
    private readonly db: Db,
    private readonly settings: SettingsStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** When this till last heard from the program: its last reply signed by the program (the offline limits count from here). */
  lastSyncAt(): string | null {
    return this.settings.get('sync.lastSuccessAt');
  }

  /**
   * Only the sync service calls this, on a reply the program signed for the request it answers.
   * Installing a manifest is not contact: a manifest is public and can be replayed by anyone.
   */
  markSynced(at = new Date(this.now()).toISOString()): void {
    this.settings.set('sync.lastSuccessAt', at);
  }

  /** Sets the program's root public key (raw Ed25519, base64url). Done once, at enrollment. */
  setTrustAnchor(rootPublicKey: string): void {
    try {
      publicKeyFromBase64url(rootPublicKey);
    } catch {
      throw new PosError('validation', 'root public key is not a raw Ed25519 key', { field: 'rootPublicKey' });
    }
    this.settings.set('program.rootPublicKey', rootPublicKey);
    this.rootKey = undefined;
  }

  trustAnchor(): string | null {
    return this.settings.get('program.rootPublicKey');
  }

  /** The manifest in force, verified and indexed once, then served from memory. */
  current(): TrustedManifest | null {
    if (this.cached !== undefined) return this.cached;
    const row = this.db
      .prepare<[], { manifest: string; signature: string }>('SELECT manifest, signature FROM manifests ORDER BY version DESC LIMIT 1')
      .get();
    const key = this.key();
    // Re-verified on load: the database file is not a trusted channel. One that no longer verifies
    // (say, the till was re-enrolled with another program) counts as no manifest at all.
    try {
      this.cached = row && key ? trustManifest(row, key) : null;
    } catch {
      this.cached = null;
    }
    return this.cached;
  }

  /** The program server's reply keys, as the installed manifest names them. */
  replyKeys(): ReadonlyMap<number, KeyObject> {
    return this.current()?.serverKeys ?? new Map<number, KeyObject>();
  }

  /** Checks a manifest against the program's root key without installing it. */
  verify(signed: SignedManifest): TrustedManifest {
    const key = this.key();
    if (!key) throw new PosError('no_trust_anchor', 'this till has no program key yet (not enrolled)');
    return trustManifest(signed, key);
  }

  /** Verifies and installs a newer manifest. Returns whether anything changed. */
  install(signed: SignedManifest): { version: number; changed: boolean } {
    const trusted = this.verify(signed);
    const newest = this.current();
    if (newest && trusted.version < newest.version) {
      throw new PosError('manifest_outdated', `manifest version ${trusted.version} is older than the installed ${newest.version}`, {
        params: { found: trusted.version, installed: newest.version },
      });
    }
    const existing = this.db
      .prepare<[number], { manifest: string }>('SELECT manifest FROM manifests WHERE version = ?')
      .get(trusted.version);
    if (existing) {
      if (existing.manifest === signed.manifest) return { version: trusted.version, changed: false };
      throw new PosError('manifest_outdated', `a different manifest with version ${trusted.version} is already installed`);
    }
    this.db
      .prepare('INSERT INTO manifests (version, manifest, signature, installed_at) VALUES (?, ?, ?, ?)')
      .run(trusted.version, signed.manifest, signed.signature, new Date(this.now()).toISOString());
    this.cached = trusted;
    return { version: trusted.version, changed: true };
  }

  /** The program's root key (the trust anchor), or null before one is set: it signs the manifest and the APL. */
  rootPublicKey(): KeyObject | null {
    return this.key();
  }

  private key(): KeyObject | null {
    if (this.rootKey !== undefined) return this.rootKey;
    const text = this.trustAnchor();
    this.rootKey = text ? publicKeyFromBase64url(text) : null;
    return this.rootKey;
  }
}
