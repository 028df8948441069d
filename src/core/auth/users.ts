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
  /** Last call that was the person's own doing (not a screen's polling): the idle clock runs from here. */
  lastActiveAt: number;
}

export const MAX_FAILED_PINS = 5;
export const LOCKOUT_MS = 5 * 60 * 1000;
/** Wrong owner PINs one acting user may type (for voids, overrides) before their approvals pause. */
export const MAX_FAILED_APPROVALS = 5;
/** Tokens of expired sessions remembered (to say "expired" rather than "sign in"); past this they are forgotten. */
export const EXPIRED_TOKENS_KEPT = 256;

/** How long a session lives; read on every check, so a changed setting applies at once. */
export interface SessionLimits {
  idleMs(role: Role): number;
  maxAgeMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  idleMs: (role) => (role === 'owner' ? 15 * 60_000 : 8 * 3_600_000),
  maxAgeMs: 12 * 3_600_000,
};

interface UserRow {
  id: number;
  name: string;
  role: Role;
  pin_hash: string;
  failed_pins: number;
  locked_until: string | null;
  approval_failures: number;
  approval_locked_until: string | null;
}

/**
 * Cashiers and owners with PINs, lockout after repeated wrong PINs, and sessions. Sessions live
 * in memory: restarting the till signs everyone out, which is what a shop expects of a till.
 *
 * Every PIN check counts its failures in its own committed write, never inside a caller's
 * transaction: a check that throws inside a transaction would roll its own failure count back,
 * and the count would never reach the lockout (DESIGN.md §9). checkPin refuses to run in one.
 */
export class Users {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    private readonly limits: () => SessionLimits = () => DEFAULT_SESSION_LIMITS,
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
    if (this.db.inTransaction) throw new Error('a PIN check must not run inside a transaction: its failure count would roll back');
    const row = this.db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ? AND active = 1').get(userId);
    if (!row) throw new PosError('unknown_user', `no active user ${userId}`);
    const now = this.now();
    const lockedUntil = row.locked_until ? Date.parse(row.locked_until) : 0;
    if (lockedUntil > now) {
      throw new PosError('locked_out', `${row.name} is locked out`, { params: { minutes: Math.ceil((lockedUntil - now) / 60000) } });
    }
    if (!verifyPin(pin, row.pin_hash)) {
      // A lockout stores the count as 0, so once it has passed the count starts again from there.
      const failed = row.failed_pins + 1;
      const lock = failed >= MAX_FAILED_PINS ? new Date(now + LOCKOUT_MS).toISOString() : null;
      this.db.prepare('UPDATE users SET failed_pins = ?, locked_until = ? WHERE id = ?').run(lock ? 0 : failed, lock, row.id);
      if (lock) throw new PosError('locked_out', `${row.name} is locked out`, { params: { minutes: LOCKOUT_MS / 60000 } });
      throw new PosError('pin_wrong', 'wrong PIN', { params: { left: MAX_FAILED_PINS - failed } });
    }
    // Stryker disable next-line ConditionalExpression: the test only saves a write when nothing is to clear
    if (row.failed_pins !== 0 || row.locked_until !== null)
      this.db.prepare('UPDATE users SET failed_pins = 0, locked_until = NULL WHERE id = ?').run(row.id);
    return { id: row.id, name: row.name, role: row.role };
  }

  login(userId: number, pin: string): Session {
    const user = this.checkPin(userId, pin);
    const now = this.now();
    const session: Session = { ...user, token: crypto.randomBytes(32).toString('base64url'), startedAt: now, lastActiveAt: now };
    this.sessions.set(session.token, session);
    return session;
  }

  logout(token: string | undefined): void {
    // Stryker disable next-line ConditionalExpression: deleting no token is a no-op either way
    if (token) this.sessions.delete(token);
  }

  /** The session behind a token, if it is still alive. Looking does not count as activity. */
  session(token: string | undefined): Session | null {
    const s = token ? this.sessions.get(token) : undefined;
    if (!s) return null;
    if (this.expired(s)) {
      this.sessions.delete(s.token);
      if (this.expiredTokens.size > EXPIRED_TOKENS_KEPT) this.expiredTokens.clear(); // losing one only changes the message
      this.expiredTokens.add(s.token);
      return null;
    }
    return s;
  }

  /**
   * The caller's session for a call the person made (not a screen polling): checks expiry, then
   * restarts the idle clock. `session_expired` tells the UI to ask for the PIN again and keep the sale.
   */
  require(token: string | undefined, activity = true): Session {
    const s = this.session(token);
    if (!s) {
      if (token && this.expiredTokens.has(token)) throw new PosError('session_expired', 'the session expired');
      throw new PosError('not_logged_in', 'no session');
    }
    if (activity) s.lastActiveAt = this.now();
    return s;
  }

  private expired(s: Session): boolean {
    const now = this.now();
    const limits = this.limits();
    return now - s.lastActiveAt > limits.idleMs(s.role) || now - s.startedAt > limits.maxAgeMs;
  }

  /** Tokens of sessions that ran out, so the next call can say "expired" rather than "sign in". */
  private readonly expiredTokens = new Set<string>();

  /**
   * An owner's PIN typed at someone else's session to approve one action (a late void, an
   * override). Wrong PINs count against every owner tried (their usual lockout) and against the
   * acting user, whose approvals pause after MAX_FAILED_APPROVALS, so a cashier cannot guess.
   */
  approveAsOwner(pin: string, actor: User): User {
    const row = this.db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?').get(actor.id);
    if (!row) throw new PosError('unknown_user', `no user ${actor.id}`);
    const now = this.now();
    const pausedUntil = row.approval_locked_until ? Date.parse(row.approval_locked_until) : 0;
    if (pausedUntil > now) {
      throw new PosError('approvals_locked', `${actor.name} may not ask for approvals now`, {
        params: { minutes: Math.ceil((pausedUntil - now) / 60000) },
      });
    }
    const owners = this.db.prepare<[], { id: number }>("SELECT id FROM users WHERE role = 'owner' AND active = 1 ORDER BY id").all();
    let lastError: unknown = new PosError('void_needs_owner', 'no owner account');
    for (const o of owners) {
      try {
        const owner = this.checkPin(o.id, pin);
        // Stryker disable next-line ConditionalExpression: the test only saves a write when nothing is to clear
        if (row.approval_failures !== 0 || row.approval_locked_until !== null) {
          this.db.prepare('UPDATE users SET approval_failures = 0, approval_locked_until = NULL WHERE id = ?').run(actor.id);
        }
        return owner;
      } catch (e) {
        lastError = e;
      }
    }
    if (lastError instanceof PosError && (lastError.code === 'pin_wrong' || lastError.code === 'locked_out')) {
      // A pause stores the count as 0, like a lockout: once it has passed, the count starts again.
      const failures = row.approval_failures + 1;
      const pause = failures >= MAX_FAILED_APPROVALS ? new Date(now + LOCKOUT_MS).toISOString() : null;
      this.db
        .prepare('UPDATE users SET approval_failures = ?, approval_locked_until = ? WHERE id = ?')
        .run(pause ? 0 : failures, pause, actor.id);
      if (pause)
        throw new PosError('approvals_locked', `${actor.name} may not ask for approvals now`, { params: { minutes: LOCKOUT_MS / 60000 } });
    }
    throw lastError;
  }
}
