import crypto from 'node:crypto';
import { checkInput, operatorNameSchema } from '../program/inputs';
import type { ProgramStore } from '../store/programStore';

export const hashToken = (token: string): string => crypto.createHash('sha256').update(`caretill-operator/1:${token}`).digest('hex');

/** A new operator credential: shown once, stored only as a hash. */
export async function createOperatorToken(store: ProgramStore, name: string, now = new Date()): Promise<string> {
  const clean = checkInput(operatorNameSchema, name, 'name');
  const token = crypto.randomBytes(24).toString('base64url');
  await store.sql.run('INSERT INTO operators (token_hash, name, created_at) VALUES (?, ?, ?)', [
    hashToken(token),
    clean,
    now.toISOString(),
  ]);
  return token;
}
