import { safeStorage } from 'electron';
import type { KeyProtector } from '../core/sync/deviceKey';

/**
 * The device key sealed with the OS keychain (DPAPI on Windows, libsecret or kwallet on Linux)
 * where Electron offers it; undefined otherwise, and core keeps the key in a 0600 file.
 * Linux without a keyring reports "basic_text", which is no protection: treated as unavailable.
 */
export function keychain(platform: NodeJS.Platform = process.platform): KeyProtector | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return undefined;
  return {
    name: 'electron-safeStorage',
    protect: (plain) => safeStorage.encryptString(plain.toString('utf8')),
    unprotect: (stored) => Buffer.from(safeStorage.decryptString(stored), 'utf8'),
  };
}
