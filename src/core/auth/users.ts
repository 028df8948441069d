import crypto from 'node:crypto';
import { PosError } from '../../shared/api/errors';
import type { Db } from '../db/open';
import { hashPin, PIN_PATTERN, verifyPin } from './pin';

export type Role = 'cashier' | 'owner';

export interface User {
  id: number;
  name: string;
  role: Role;
}

export interface Session extends User {
  token: string;
  startedAt: number;
}

export const MAX_FAILED_PINS = 5;
export const LOCKOUT_MS = 5 * 60 * 1000;

interface UserRow {
  id: number;
  name: string;
  role: Role;
  pin_hash: string;
  failed_pins: number;
  locked_until: string | null;
}

/**
 * Cashiers and owners with PINs, lockout after repeated wrong PINs, and sessions. Sessions live
 * in memory: restarting the till signs everyone out, which is what a shop expects of a till.
 */
export class Users {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users WHERE active = 1').get() as { n: number }).n;
  }

  list(): User[] {
    return this.db.prepare<[], User>("SELECT id, name, role FROM users WHERE active = 1 ORDER BY role = 'owner' DESC, name").all();
  }

  create(name: string, role: Role, pin: string): User {
    const clean = name.trim();
    if (clean.length === 0 || clean.length > 40) throw new PosError('validation', 'name must be 1-40 characters', { field: 'args.name' });
    if (!PIN_PATTERN.test(pin)) throw new PosError('invalid_pin', 'PIN must be 4 to 8 digits');
    const taken = this.db.prepare('SELECT 1 FROM users WHERE active = 1 AND name = ?').get(clean);
    if (taken) throw new PosError('user_exists', `a user named ${clean} exists`, { params: { name: clean } });
    const r = this.db
      .prepare('INSERT INTO users (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(clean, role, hashPin(pin), new Date(this.now()).toISOString());
    return { id: Number(r.lastInsertRowid), name: clean, role };
  }

  /** Checks a PIN with lockout bookkeeping; throws pin_wrong or locked_out. */
  checkPin(userId: number, pin: string): User {
    const row = this.db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ? AND active = 1').get(userId);
    if (!row) throw new PosError('unknown_user', `no active user ${userId}`);
    const now = this.now();
    const lockedUntil = row.locked_until ? Date.parse(row.locked_until) : 0;
    if (lockedUntil > now) {
      throw new PosError('locked_out', `${row.name} is locked out`, { params: { minutes: Math.ceil((lockedUntil - now) / 60000) } });
    }
    if (!verifyPin(pin, row.pin_hash)) {
      // After a lockout has passed, the count starts again.
      const failed = (lockedUntil && lockedUntil <= now ? 0 : row.failed_pins) + 1;
      const lock = failed >= MAX_FAILED_PINS ? new Date(now + LOCKOUT_MS).toISOString() : null;
      this.db.prepare('UPDATE users SET failed_pins = ?, locked_until = ? WHERE id = ?').run(lock ? 0 : failed, lock, row.id);
      if (lock) throw new PosError('locked_out', `${row.name} is locked out`, { params: { minutes: LOCKOUT_MS / 60000 } });
      throw new PosError('pin_wrong', 'wrong PIN', { params: { left: MAX_FAILED_PINS - failed } });
    }
    if (row.failed_pins !== 0 || row.locked_until !== null)
      this.db.prepare('UPDATE users SET failed_pins = 0, locked_until = NULL WHERE id = ?').run(row.id);
    return { id: row.id, name: row.name, role: row.role };
  }

  login(userId: number, pin: string): Session {
    const user = this.checkPin(userId, pin);
    const session: Session = { ...user, token: crypto.randomBytes(32).toString('base64url'), startedAt: this.now() };
    this.sessions.set(session.token, session);
    return session;
  }

  logout(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  session(token: string | undefined): Session | null {
    return token ? (this.sessions.get(token) ?? null) : null;
  }

  /** The caller's session; `not_logged_in` without one (the dispatcher's role check runs first). */
  require(token: string | undefined): Session {
    const s = this.session(token);
    if (!s) throw new PosError('not_logged_in', 'no session');
    return s;
  }

  /** An owner's PIN typed at the cashier's till to approve one action (e.g. a late void). */
  approveAsOwner(pin: string): User {
    const owners = this.db.prepare<[], { id: number }>("SELECT id FROM users WHERE role = 'owner' AND active = 1").all();
    let lastError: unknown = new PosError('void_needs_owner', 'no owner account');
    for (const o of owners) {
      try {
        return this.checkPin(o.id, pin);
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError;
  }
}
