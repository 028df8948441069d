import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { privateKeyFromPem, privateKeyToPem } from '../../trust/ed25519';
import { ensurePrivateDir } from '../store/privateFiles';

/**
 * Private keys live in files readable by their owner only (0600, in a 0700 folder) and are never
 * printed. A key file is never overwritten: losing a root or issuer key is not undoable.
 */
export class KeyFiles {
  constructor(private readonly dir: string) {}

  private file(name: string): string {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad key name ${name}`);
    return path.join(this.dir, `${name}.pem`);
  }

  write(name: string, key: KeyObject): string {
    ensurePrivateDir(this.dir);
    const file = this.file(name);
    fs.writeFileSync(file, privateKeyToPem(key), { mode: 0o600, flag: 'wx' });
    fs.chmodSync(file, 0o600); // the umask may have narrowed it further, never widened: be explicit
    return file;
  }

  read(name: string): KeyObject {
    const file = this.file(name);
    if (!fs.existsSync(file)) throw new Error(`key file ${file} is missing`);
    return privateKeyFromPem(fs.readFileSync(file, 'utf8'));
  }

  exists(name: string): boolean {
    return fs.existsSync(this.file(name));
  }
}

export const ROOT_KEY = 'root';
export const issuerKeyName = (keyId: number): string => `issuer-${keyId}`;
/** The program server's reply-signing key (named in the manifest; kept online, unlike the root key). */
export const serverKeyName = (keyId: number): string => `server-${keyId}`;
