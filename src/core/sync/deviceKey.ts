import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPair, privateKeyFromPem, privateKeyToPem, rawPublicKey } from '../../trust/ed25519';

/**
 * How the till's private key is protected at rest. Electron's main process passes one backed by
 * safeStorage (the OS keychain); elsewhere the key is a file only the till's user can read (0600).
 */
export interface KeyProtector {
  readonly name: string;
  protect(plain: Buffer): Buffer;
  unprotect(stored: Buffer): Buffer;
}

export const fileOnly: KeyProtector = { name: 'file-0600', protect: (b) => b, unprotect: (b) => b };

export class DeviceKey {
  private cached: KeyObject | null = null;

  constructor(
    private readonly dir: string,
    private readonly protector: KeyProtector = fileOnly,
  ) {}

  private cachedPublic: string | undefined;

  private get file(): string {
    return path.join(this.dir, 'device-key.bin');
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }

  /** Makes the key pair once (at enrollment) and returns the raw public key, base64url. */
  ensure(): string {
    if (!this.exists()) {
      const pair = generateKeyPair();
      fs.writeFileSync(this.file, this.protector.protect(Buffer.from(privateKeyToPem(pair.privateKey))), { mode: 0o600, flag: 'wx' });
      fs.chmodSync(this.file, 0o600);
    }
    return this.publicKey();
  }

  /** The raw public key, base64url (cached: the status bar asks whether the till is enrolled every few seconds). */
  publicKey(): string {
    this.cachedPublic ??= rawPublicKey(crypto.createPublicKey(this.key())).toString('base64url');
    return this.cachedPublic;
  }

  key(): KeyObject {
    this.cached ??= privateKeyFromPem(this.protector.unprotect(fs.readFileSync(this.file)).toString());
    return this.cached;
  }
}
