import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE45_ALPHABET, base45Decode, base45Encode } from '../../src/shared/voucher/base45';

const text = (s: string) => new TextEncoder().encode(s);

describe('Base45 (RFC 9285)', () => {
  it('matches the RFC examples', () => {
    expect(base45Encode(text('AB'))).toBe('BB8');
    expect(base45Encode(text('Hello!!'))).toBe('%69 VD92EX0');
    expect(base45Encode(text('base-45'))).toBe('UJCLQE7W581');
    expect(new TextDecoder().decode(base45Decode('QED8WEX0')!)).toBe('ietf!');
  });

  it('round-trips any bytes using only QR alphanumeric characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const s = base45Encode(bytes);
        expect([...s].every((c) => BASE45_ALPHABET.includes(c))).toBe(true);
        expect(base45Decode(s)).toEqual(bytes);
      }),
    );
  });

  it('returns null for invalid input instead of throwing', () => {
    for (const bad of ['A', 'ABCD', 'abc', 'GGW', ':::', 'ZZ', '中文字', '\u0000\u0001\u0002', 'AB😀'])
      expect(base45Decode(bad), bad).toBeNull();
  });
});
