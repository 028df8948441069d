import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/core/db/open';
import { DEFAULT_SESSION_LIMITS, EXPIRED_TOKENS_KEPT, LOCKOUT_MS, Users, type SessionLimits } from '../../src/core/auth/users';
import { PosError } from '../../src/shared/api/errors';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: PINs, lockouts, owner approvals and sessions, on a real till database with a clock the
 * test moves. Each rule is what a shop owner would be told.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The PosError a call throws (fails the test if it does not throw one). */
function refusal(f: () => unknown): PosError {
  try {
    f();
  } catch (e) {
    if (e instanceof PosError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('PINs, approvals and sessions at the till', () => {
  let db: Db;
  let cleanup: () => void;
  const clock = { ms: Date.parse('2026-03-01T09:00:00Z') };
  let limits: SessionLimits;
  let users: Users;
  beforeEach(() => {
    const t = tempDir('caretill-users-');
    cleanup = t.cleanup;
    db = openDatabase(path.join(t.dir, 'till.db'));
    clock.ms = Date.parse('2026-03-01T09:00:00Z');
    limits = DEFAULT_SESSION_LIMITS;
    users = new Users(
      db,
      () => clock.ms,
      () => limits,
    );
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  describe('accounts', () => {
    it('a name is trimmed, 1 to 40 characters, and unique among active users', () => {
      expect(users.create('  王芳 ', 'cashier', '1234')).toMatchObject({ name: '王芳', role: 'cashier' });
      expect(refusal(() => users.create('王芳', 'owner', '5678')).code).toBe('user_exists');
      expect(refusal(() => users.create('   ', 'owner', '5678')).code).toBe('validation');
      expect(refusal(() => users.create('x'.repeat(41), 'owner', '5678')).code).toBe('validation');
      expect(users.create('y'.repeat(40), 'owner', '5678').name).toHaveLength(40);
      expect(users.count()).toBe(2);
    });

    it('a PIN is 4 to 8 digits', () => {
      expect(refusal(() => users.create('A', 'cashier', '123')).code).toBe('invalid_pin');
      expect(refusal(() => users.create('A', 'cashier', '123456789')).code).toBe('invalid_pin');
      expect(refusal(() => users.create('A', 'cashier', '12a4')).code).toBe('invalid_pin');
      expect(users.create('A', 'cashier', '12345678').id).toBeGreaterThan(0);
    });

    it('each refusal carries what the screen needs (the field, the name) and a line for the log', () => {
      const said = (f: () => unknown) => {
        const e = refusal(f);
        return { code: e.code, message: e.message, field: e.field, params: e.params };
      };
      expect(said(() => users.create(' ', 'cashier', '1234'))).toEqual({
        code: 'validation',
        message: 'name must be 1-40 characters',
        field: 'args.name',
        params: undefined,
      });
      expect(said(() => users.create('A', 'cashier', '12'))).toMatchObject({ code: 'invalid_pin', message: 'PIN must be 4 to 8 digits' });
      users.create('王芳', 'cashier', '1234');
      expect(said(() => users.create(' 王芳', 'owner', '5678'))).toEqual({
        code: 'user_exists',
        message: 'a user named 王芳 exists',
        field: undefined,
        params: { name: '王芳' },
      });
      expect(said(() => users.checkPin(999, '1234'))).toMatchObject({ code: 'unknown_user', message: 'no active user 999' });
      const id = users.list()[0]!.id;
      expect(said(() => users.checkPin(id, '0000'))).toMatchObject({ code: 'pin_wrong', message: 'wrong PIN' });
      for (let i = 0; i < 3; i++) refusal(() => users.checkPin(id, '0000'));
      expect(said(() => users.checkPin(id, '0000'))).toMatchObject({ code: 'locked_out', message: '王芳 is locked out' });
      expect(said(() => users.checkPin(id, '1234'))).toMatchObject({ code: 'locked_out', message: '王芳 is locked out' });
    });

    it('owners are listed first, then everyone by name', () => {
      users.create('Zed', 'cashier', '1111');
      users.create('Bob', 'owner', '2222');
      users.create('Amy', 'cashier', '3333');
      users.create('Cat', 'owner', '4444');
      expect(users.list().map((u) => u.name)).toEqual(['Bob', 'Cat', 'Amy', 'Zed']);
    });
  });

  describe('wrong PINs', () => {
    it('each wrong PIN says how many tries are left; the fifth locks the user out for five minutes', () => {
      const u = users.create('A', 'cashier', '1234');
      for (const left of [4, 3, 2, 1]) {
        const e = refusal(() => users.checkPin(u.id, '9999'));
        expect(e.code).toBe('pin_wrong');
        expect(e.params).toEqual({ left });
      }
      const e = refusal(() => users.checkPin(u.id, '9999'));
      expect(e.code).toBe('locked_out');
      expect(e.params).toEqual({ minutes: 5 });
      // Locked: even the right PIN is refused, and the minutes left are rounded up.
      clock.ms += 90_000;
      const still = refusal(() => users.checkPin(u.id, '1234'));
      expect(still.code).toBe('locked_out');
      expect(still.params).toEqual({ minutes: 4 });
    });

    it('after a lockout has passed, the count starts again from five tries', () => {
      const u = users.create('A', 'cashier', '1234');
      for (let i = 0; i < 5; i++) refusal(() => users.checkPin(u.id, '9999'));
      clock.ms += LOCKOUT_MS;
      const e = refusal(() => users.checkPin(u.id, '9999'));
      expect(e.code).toBe('pin_wrong');
      expect(e.params).toEqual({ left: 4 });
    });

    it('the right PIN after a lockout has passed signs in and clears the lockout', () => {
      const u = users.create('A', 'cashier', '1234');
      for (let i = 0; i < 5; i++) refusal(() => users.checkPin(u.id, '9999'));
      clock.ms += LOCKOUT_MS + 1;
      expect(users.checkPin(u.id, '1234')).toEqual({ id: u.id, name: 'A', role: 'cashier' });
      expect(db.prepare('SELECT failed_pins, locked_until FROM users WHERE id = ?').get(u.id)).toEqual({
        failed_pins: 0,
        locked_until: null,
      });
    });

    it('a PIN check refuses to run inside a transaction, where its failure count would roll back', () => {
      const u = users.create('A', 'cashier', '1234');
      expect(() => db.transaction(() => users.checkPin(u.id, '1234'))()).toThrow(/transaction/);
    });

    it('an unknown or retired user cannot sign in', () => {
      const u = users.create('A', 'cashier', '1234');
      expect(refusal(() => users.checkPin(u.id + 100, '1234')).code).toBe('unknown_user');
      db.prepare('UPDATE users SET active = 0 WHERE id = ?').run(u.id);
      expect(refusal(() => users.login(u.id, '1234')).code).toBe('unknown_user');
    });
  });

  describe('owner approvals typed at a cashier’s till', () => {
    it('the right owner PIN approves as that owner, whichever owner it belongs to', () => {
      const cashier = users.create('C', 'cashier', '1111');
      users.create('O1', 'owner', '2222');
      const o2 = users.create('O2', 'owner', '3333');
      expect(users.approveAsOwner('3333', cashier)).toEqual({ id: o2.id, name: 'O2', role: 'owner' });
    });

    it('a cashier’s own PIN approves nothing', () => {
      const cashier = users.create('C', 'cashier', '1111');
      users.create('O', 'owner', '2222');
      expect(refusal(() => users.approveAsOwner('1111', cashier)).code).toBe('pin_wrong');
    });

    it('without an owner account nothing can be approved', () => {
      const cashier = users.create('C', 'cashier', '1111');
      expect(refusal(() => users.approveAsOwner('1111', cashier)).code).toBe('void_needs_owner');
      expect(db.prepare('SELECT approval_failures FROM users WHERE id = ?').get(cashier.id)).toEqual({ approval_failures: 0 });
    });

    it('five wrong tries pause the cashier’s approvals for five minutes; then they count from zero again', () => {
      const cashier = users.create('C', 'cashier', '1111');
      const owners = [users.create('O1', 'owner', '2222'), users.create('O2', 'owner', '3333'), users.create('O3', 'owner', '4444')];
      for (let i = 0; i < 4; i++) {
        expect(refusal(() => users.approveAsOwner('9999', cashier)).code).toBe('pin_wrong');
        // Each owner's lockout is lifted between tries here, so only the acting user's count decides.
        for (const o of owners) db.prepare('UPDATE users SET failed_pins = 0, locked_until = NULL WHERE id = ?').run(o.id);
      }
      const paused = refusal(() => users.approveAsOwner('9999', cashier));
      expect(paused.code).toBe('approvals_locked');
      expect(paused.params).toEqual({ minutes: 5 });
      clock.ms += 2 * MIN + 1;
      const still = refusal(() => users.approveAsOwner('2222', cashier));
      expect(still.code).toBe('approvals_locked');
      expect(still.params).toEqual({ minutes: 3 });
      clock.ms += 3 * MIN;
      expect(refusal(() => users.approveAsOwner('9999', cashier)).code).toBe('pin_wrong');
      expect(db.prepare('SELECT approval_failures FROM users WHERE id = ?').get(cashier.id)).toEqual({ approval_failures: 1 });
    });

    it('the pause ends exactly five minutes after it began, and says so in the log’s words', () => {
      const cashier = users.create('C', 'cashier', '1111');
      users.create('O', 'owner', '2222');
      for (let i = 0; i < 4; i++) {
        refusal(() => users.approveAsOwner('9999', cashier));
        db.prepare("UPDATE users SET failed_pins = 0, locked_until = NULL WHERE role = 'owner'").run();
      }
      const paused = refusal(() => users.approveAsOwner('9999', cashier));
      expect(paused).toMatchObject({ code: 'approvals_locked', message: 'C may not ask for approvals now' });
      clock.ms += LOCKOUT_MS - 1;
      expect(refusal(() => users.approveAsOwner('2222', cashier))).toMatchObject({
        code: 'approvals_locked',
        message: 'C may not ask for approvals now',
        params: { minutes: 1 },
      });
      clock.ms += 1;
      db.prepare("UPDATE users SET failed_pins = 0, locked_until = NULL WHERE role = 'owner'").run();
      expect(users.approveAsOwner('2222', cashier).name).toBe('O');
    });

    it('an acting user the till does not know asks for nothing; without owners the log says so', () => {
      users.create('O', 'owner', '2222');
      expect(refusal(() => users.approveAsOwner('2222', { id: 999, name: 'ghost', role: 'cashier' }))).toMatchObject({
        code: 'unknown_user',
        message: 'no user 999',
      });
      db.prepare("UPDATE users SET active = 0 WHERE role = 'owner'").run();
      const cashier = users.create('C', 'cashier', '1111');
      expect(refusal(() => users.approveAsOwner('2222', cashier))).toMatchObject({ code: 'void_needs_owner', message: 'no owner account' });
    });

    it('a try while every owner is locked out still counts against the acting user', () => {
      const cashier = users.create('C', 'cashier', '1111');
      const owner = users.create('O', 'owner', '2222');
      for (let i = 0; i < 5; i++) refusal(() => users.checkPin(owner.id, '9999'));
      expect(refusal(() => users.approveAsOwner('2222', cashier)).code).toBe('locked_out');
      expect(db.prepare('SELECT approval_failures FROM users WHERE id = ?').get(cashier.id)).toEqual({ approval_failures: 1 });
    });

    it('a right owner PIN after a pause has passed clears the pause', () => {
      const cashier = users.create('C', 'cashier', '1111');
      users.create('O', 'owner', '2222');
      for (let i = 0; i < 5; i++) {
        refusal(() => users.approveAsOwner('9999', cashier));
        db.prepare("UPDATE users SET failed_pins = 0, locked_until = NULL WHERE role = 'owner'").run();
      }
      clock.ms += LOCKOUT_MS;
      users.approveAsOwner('2222', cashier);
      expect(db.prepare('SELECT approval_failures, approval_locked_until FROM users WHERE id = ?').get(cashier.id)).toEqual({
        approval_failures: 0,
        approval_locked_until: null,
      });
    });

    it('a right owner PIN clears the cashier’s wrong approvals', () => {
      const cashier = users.create('C', 'cashier', '1111');
      users.create('O', 'owner', '2222');
      for (let i = 0; i < 3; i++) refusal(() => users.approveAsOwner('9999', cashier));
      expect(db.prepare('SELECT approval_failures FROM users WHERE id = ?').get(cashier.id)).toEqual({ approval_failures: 3 });
      users.approveAsOwner('2222', cashier);
      expect(db.prepare('SELECT approval_failures, approval_locked_until FROM users WHERE id = ?').get(cashier.id)).toEqual({
        approval_failures: 0,
        approval_locked_until: null,
      });
    });
  });

  describe('sessions', () => {
    it('a session is found by its token until sign-out; an unknown token is no session', () => {
      const u = users.create('A', 'cashier', '1234');
      const s = users.login(u.id, '1234');
      expect(s).toMatchObject({ id: u.id, role: 'cashier', startedAt: clock.ms, lastActiveAt: clock.ms });
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(users.session(s.token)).toBe(s);
      expect(users.session('nope')).toBeNull();
      expect(users.session(undefined)).toBeNull();
      users.logout(undefined);
      expect(users.session(s.token)).toBe(s);
      users.logout(s.token);
      expect(users.session(s.token)).toBeNull();
      expect(refusal(() => users.require(s.token)).code).toBe('not_logged_in');
      expect(refusal(() => users.require(undefined)).code).toBe('not_logged_in');
    });

    it('no session and an expired one are told apart, for the last 256 expired sessions', () => {
      const u = users.create('A', 'cashier', '1234');
      // A cheap scrypt cost for this user only, so 258 sign-ins take milliseconds (the cost is read from the hash).
      const salt = Buffer.from('0123456789abcdef');
      const cheap = `scrypt$2$1$1$${salt.toString('base64url')}$${crypto.scryptSync('1234', salt, 32, { N: 2, r: 1, p: 1 }).toString('base64url')}`;
      db.prepare('UPDATE users SET pin_hash = ? WHERE id = ?').run(cheap, u.id);
      // Two sessions expire: each is told "expired" (what is remembered is kept, not just the last).
      const few = new Users(
        db,
        () => clock.ms,
        () => limits,
      );
      const two = [few.login(u.id, '1234').token, few.login(u.id, '1234').token];
      clock.ms += 9 * HOUR;
      for (const t of two) expect(few.session(t)).toBeNull();
      for (const t of two) expect(refusal(() => few.require(t)).code).toBe('session_expired');
      const tokens = Array.from({ length: EXPIRED_TOKENS_KEPT + 2 }, () => users.login(u.id, '1234').token);
      expect(refusal(() => users.require(undefined))).toMatchObject({ code: 'not_logged_in', message: 'no session' });
      clock.ms += 9 * HOUR;
      for (const t of tokens) expect(users.session(t)).toBeNull();
      // The 258th expiry found 257 remembered and started the memory again: only the last is told "expired".
      expect(refusal(() => users.require(tokens[0]))).toMatchObject({ code: 'not_logged_in' });
      expect(refusal(() => users.require(tokens[EXPIRED_TOKENS_KEPT]))).toMatchObject({ code: 'not_logged_in' });
      expect(refusal(() => users.require(tokens[EXPIRED_TOKENS_KEPT + 1]))).toMatchObject({
        code: 'session_expired',
        message: 'the session expired',
      });
    });

    it('by default an owner is signed out after 15 idle minutes, a cashier after 8 hours', () => {
      const plain = new Users(db, () => clock.ms);
      const owner = plain.login(plain.create('O', 'owner', '1234').id, '1234');
      const cashier = plain.login(plain.create('C', 'cashier', '5678').id, '5678');
      clock.ms += 15 * MIN;
      expect(plain.session(owner.token)).toBe(owner);
      clock.ms += 1;
      expect(plain.session(owner.token)).toBeNull();
      clock.ms += 8 * HOUR - 15 * MIN - 1;
      expect(plain.session(cashier.token)).toBe(cashier);
      clock.ms += 1;
      expect(plain.session(cashier.token)).toBeNull();
    });

    it('a cashier idle for exactly 8 hours is still signed in; a minute more and the session has expired', () => {
      const u = users.create('A', 'cashier', '1234');
      const s = users.login(u.id, '1234');
      clock.ms += 8 * HOUR;
      expect(users.session(s.token)).toBe(s);
      clock.ms += 1;
      expect(users.session(s.token)).toBeNull();
      expect(refusal(() => users.require(s.token)).code).toBe('session_expired');
    });

    it('activity restarts the idle clock; looking at the session does not', () => {
      const u = users.create('A', 'owner', '1234');
      const s = users.login(u.id, '1234');
      clock.ms += 10 * MIN;
      users.require(s.token);
      expect(s.lastActiveAt).toBe(clock.ms);
      clock.ms += 10 * MIN;
      users.require(s.token, false);
      users.session(s.token);
      clock.ms += 5 * MIN + 1;
      expect(refusal(() => users.require(s.token)).code).toBe('session_expired');
    });

    it('no session lives past its maximum age, however active', () => {
      const u = users.create('A', 'cashier', '1234');
      const s = users.login(u.id, '1234');
      for (let i = 0; i < 12; i++) {
        clock.ms += HOUR;
        users.require(s.token);
      }
      clock.ms += 1;
      expect(refusal(() => users.require(s.token)).code).toBe('session_expired');
    });

    it('a changed session limit applies to sessions already open', () => {
      const u = users.create('A', 'cashier', '1234');
      const s = users.login(u.id, '1234');
      clock.ms += 2 * MIN;
      limits = { idleMs: () => MIN, maxAgeMs: HOUR };
      expect(users.session(s.token)).toBeNull();
    });
  });
});
