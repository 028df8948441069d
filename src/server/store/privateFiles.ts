import fs from 'node:fs';

/**
 * The program's folder holds its database, its private keys and, for a moment, bearer voucher
 * lists and cards: the folder is 0700 and every file in it 0600, whatever the umask. (On Windows
 * these modes are no-ops; keep the program's folder inside the operator's user profile.)
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Writes a file only its owner can read; an existing file is narrowed to 0600 as well. */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  fs.writeFileSync(file, data, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** Narrows existing files (say, a database made by an older version) to 0600; missing ones are skipped. */
export function narrowToOwner(...files: string[]): void {
  for (const f of files) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
}
