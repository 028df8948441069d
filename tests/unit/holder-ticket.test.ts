import { describe, expect, it } from 'vitest';
import { classifyScan } from '../../src/renderer/src/scan/classifyScan';
import { decodeHolderTicket, HOLDER_TICKET_MS, looksLikeHolderCode, parseHolderCode } from '../../src/shared/voucher/holderTicket';
import { holderCode, type VoucherFields } from '../../src/shared/voucher/token';
import { generateKeyPair } from '../../src/trust/ed25519';
import { deviceDigest, signHolderTicket, verifyHolderTicket } from '../../src/trust/holderTicket';

const fields: VoucherFields = {
  voucherId: '0123456789abcdef0123456789abcdef',
  campaignId: 1,
  kind: 'fixed',
  faceValueFen: 5000,
  validFrom: 1_767_196_800,
  validUntil: 1_830_268_799,
  holderTag: '0a1b2c3d4e',
  keyId: 1,
};

describe('the holder code a cashier types', () => {
  it('reads back the tag it was printed from, however it is typed', () => {
    for (const tag of ['0000000000', 'ffffffffff', '0a1b2c3d4e', '8000000001']) {
      const printed = holderCode(tag);
      expect(parseHolderCode(printed)).toBe(tag);
      expect(parseHolderCode(printed.toLowerCase())).toBe(tag);
      expect(parseHolderCode(printed.replace('-', ' '))).toBe(tag);
      expect(parseHolderCode(` ${printed.replace('-', '')} `)).toBe(tag);
    }
    // Crockford: O is 0, I and L are 1 (the code never prints them).
    expect(parseHolderCode('OOOO-OOOI')).toBe(parseHolderCode('0000-0001'));
    expect(parseHolderCode('0000-000L')).toBe(parseHolderCode('0000-0001'));
  });

  it('is not something else: wrong length, U, Chinese, markup', () => {
    for (const bad of ['', 'ABC-DEFG', 'ABCD-EFGHJ', 'ABCD-EFGU', '持券码一二三四', '<b>ab</b>', 'x'.repeat(50)])
      expect(parseHolderCode(bad)).toBeNull();
  });

  it('eight digits alone stay a product barcode (EAN-8); with the hyphen or a letter it is a holder code', () => {
    expect(looksLikeHolderCode('96385074')).toBe(false);
    expect(classifyScan('96385074').kind).toBe('barcode');
    expect(looksLikeHolderCode('9638-5074')).toBe(true);
    expect(classifyScan('JW5G-GT7G')).toEqual({ kind: 'holder_code', code: 'JW5G-GT7G' });
    expect(classifyScan('jw5ggt7g').kind).toBe('holder_code');
    expect(classifyScan('6901234567892').kind).toBe('barcode');
  });
});

describe('a holder ticket', () => {
  const server = generateKeyPair();
  const keys = new Map([[3, server.publicKey]]);
  const now = Date.parse('2026-11-23T10:00:00Z');
  const ticket = signHolderTicket({ keyId: 3, privateKey: server.privateKey }, fields, 'till-a', now);
  const check = (raw: string, over: Partial<{ deviceId: string; nowMs: number }> = {}) =>
    verifyHolderTicket(raw, { serverKeys: keys, deviceId: 'till-a', nowMs: now, skewMs: 5 * 60_000, ...over });

  it('carries the voucher’s fields, for one till, for half an hour', () => {
    const t = decodeHolderTicket(ticket)!;
    expect(t.fields).toEqual(fields);
    expect(t.deviceDigest).toBe(deviceDigest('till-a'));
    expect(t.expiresAt * 1000).toBe(Math.floor((now + HOLDER_TICKET_MS) / 1000) * 1000);
    expect(check(ticket)).toMatchObject({ ok: true });
  });

  it('is refused at another till, after its time, altered, or signed by a key the program does not name', () => {
    expect(check(ticket, { deviceId: 'till-b' })).toMatchObject({ ok: false, code: 'ticket_other_till' });
    expect(check(ticket, { nowMs: now + HOLDER_TICKET_MS + 4 * 60_000 })).toMatchObject({ ok: true }); // within the clock tolerance
    expect(check(ticket, { nowMs: now + HOLDER_TICKET_MS + 6 * 60_000 })).toMatchObject({ ok: false, code: 'ticket_expired' });
    const altered = signHolderTicket({ keyId: 3, privateKey: server.privateKey }, { ...fields, faceValueFen: 500000 }, 'till-a', now);
    const spliced = altered.slice(0, 60) + ticket.slice(60);
    expect(check(spliced)).toMatchObject({ ok: false });
    const stranger = generateKeyPair();
    expect(check(signHolderTicket({ keyId: 3, privateKey: stranger.privateKey }, fields, 'till-a', now))).toMatchObject({
      ok: false,
      code: 'bad_signature',
    });
    expect(check(signHolderTicket({ keyId: 4, privateKey: server.privateKey }, fields, 'till-a', now))).toMatchObject({
      ok: false,
      code: 'bad_signature',
    });
    expect(check('CTH1:')).toMatchObject({ ok: false, code: 'malformed' });
  });
});
