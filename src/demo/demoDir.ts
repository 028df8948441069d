import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the demo program lives: beside the till's data folder, never in it, so wiping the till's
 * folder (a dead disk, a new PC) leaves the program that holds the till's records. Demos made before
 * this version kept it inside; that one is used where it exists.
 */
export function demoProgramDir(dataDir: string): string {
  const inside = path.join(dataDir, 'demo-program');
  return fs.existsSync(inside) ? inside : `${path.resolve(dataDir)}-demo-program`;
}
