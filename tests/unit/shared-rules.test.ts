import { describe, expect, it } from 'vitest';
import { createPosApi } from '../../src/shared/api/client';
import { isAllowedServerUrl, parseHead, formatHead } from '../../src/shared/sync/protocol';
import { encodePayload, encodeToken, type VoucherFields } from '../../src/shared/voucher/token';

/**
 * Issue 16: small shared rules with large consequences: the issuer tool never encodes a voucher it
 * could not decode, a till talks plain HTTP only to its own machine, a journal head is read exactly,
 * and a broken host answer reaches the screen as a clear error rather than undefined values.
 */

const fields: VoucherFields = {
  voucherId: 'a'.repeat(32),
  campaignId: 1,
  kind: 'fixed',
  faceValueFen: 5000,
  validFrom: 1_780_000_000,
  validUntil: 1_790_000_000,
  holderTag: 'b'.repeat(10),
  keyId: 1,
};

describe('encoding a voucher refuses fields a till could not read back', () => {
  const refused = (over: Partial<VoucherFields>) => {
    try {
      encodePayload({ ...fields, ...over });
    } catch (e) {
      return (e as Error).message;
    }
    return 'encoded';
  };
  it.each([
    [{ voucherId: 'A'.repeat(32) }, 'voucherId must be 32 lowercase hex characters'],
    [{ voucherId: 'a'.repeat(31) }, 'voucherId must be 32 lowercase hex characters'],
    [{ holderTag: 'b'.repeat(11) }, 'holderTag must be 10 lowercase hex characters'],
    [{ holderTag: 'g'.repeat(10) }, 'holderTag must be 10 lowercase hex characters'],
    [{ campaignId: -1 }, 'numeric field out of range'],
    [{ faceValueFen: 2 ** 32 }, 'numeric field out of range'],
    [{ validFrom: 1.5 }, 'numeric field out of range'],
    [{ validUntil: -1 }, 'numeric field out of range'],
    [{ faceValueFen: 0 }, 'faceValueFen must be positive'],
    [{ validUntil: 1_779_999_999 }, 'validUntil before validFrom'],
    [{ keyId: 0x10000 }, 'keyId must be a uint16'],
    [{ keyId: -1 }, 'keyId must be a uint16'],
    [{ kind: 'gift' as VoucherFields['kind'] }, 'unknown kind'],
  ])('%j: %s', (over, message) => {
    expect(refused(over)).toBe(message);
  });

  it('the edges are fine: key 0 and 65535, a voucher valid for one second', () => {
    expect(refused({ keyId: 0 })).toBe('encoded');
    expect(refused({ keyId: 0xffff, validUntil: fields.validFrom })).toBe('encoded');
  });

  it('a token is a whole payload and a whole signature', () => {
    const payload = encodePayload(fields);
    expect(() => encodeToken(payload, new Uint8Array(63))).toThrow('bad payload or signature length');
    expect(() => encodeToken(payload.subarray(1), new Uint8Array(64))).toThrow('bad payload or signature length');
    expect(encodeToken(payload, new Uint8Array(64))).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
  });
});

describe('where a till may reach its program', () => {
  it.each([
    ['https://program.example.org', true],
    ['http://127.0.0.1:8400', true],
    ['http://127.1.2.3', true],
    ['http://localhost:8400', true],
    ['http://[::1]:8400', true],
    ['http://192.168.1.10:8400', false],
    ['http://localhost.example.org', false],
    ['ftp://127.0.0.1', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => {
    expect(isAllowedServerUrl(url)).toBe(ok);
  });
});

describe('a journal head in a header', () => {
  const hash = 'c'.repeat(64);
  it('reads back what was written', () => {
    expect(parseHead(formatHead({ seq: 42, hash }))).toEqual({ seq: 42, hash });
    expect(parseHead(`0:${hash}`)).toEqual({ seq: 0, hash });
  });
  it.each([`01:${hash}`, `-1:${hash}`, `1:${hash.toUpperCase()}`, `1:${hash}0`, `1234567890123456:${hash}`, `1 :${hash}`, 42, undefined])(
    'refuses %j',
    (text) => {
      expect(parseHead(text)).toBeNull();
    },
  );
});

describe('the renderer’s API client', () => {
  it('a transport that fails is an internal error naming the failure, never a rejection', async () => {
    const api = createPosApi(async () => {
      throw new Error('socket hang up');
    });
    expect(await api.whoAmI({})).toEqual({ ok: false, error: { code: 'internal', message: 'transport failed: Error: socket hang up' } });
  });

  it('a reply that does not match the contract is an internal error naming the call', async () => {
    const api = createPosApi(async () => ({ ok: true, value: { id: 'one' } }));
    const r = await api.whoAmI({});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/^malformed reply to whoAmI: /);
  });

  it('sends the current session with each call, and empty arguments as an object', async () => {
    const seen: unknown[] = [];
    let session: string | undefined = 'tok-1';
    const api = createPosApi(
      async (method, args, s) => {
        seen.push([method, args, s]);
        return { ok: true, value: null };
      },
      () => session,
    );
    await api.whoAmI(undefined as unknown as Record<string, never>);
    session = undefined;
    await api.whoAmI({});
    expect(seen).toEqual([
      ['whoAmI', {}, 'tok-1'],
      ['whoAmI', {}, undefined],
    ]);
  });
});
