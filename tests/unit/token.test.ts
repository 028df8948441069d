import fc from 'fast-check';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLOCK_SKEW_MS, verifyVoucher, type VerifyContext } from '../../src/trust/verifyVoucher';
import { base45Decode, base45Encode, BASE45_ALPHABET } from '../../src/shared/voucher/base45';
import { decodeToken, encodePayload, holderCode, TOKEN_CHARS, TOKEN_HEADER, type VoucherFields } from '../../src/shared/voucher/token';
import { REFUSAL_CODES, type VoucherVerdict } from '../../src/shared/voucher/verdict';
import { generateKeyPair, rawPublicKey } from '../../src/trust/ed25519';
import { signHolderTicket } from '../../src/trust/holderTicket';
import { testCampaign, testIssuer, testManifest, trusted } from '../helpers/issuer';

const issuer = testIssuer(1);
const manifest = trusted(testManifest({ keys: [issuer.key], campaigns: [testCampaign()] }));
const NOW = Date.parse('2026-11-22T12:00:00Z');
const ctx = (over: Partial<VerifyContext> = {}): VerifyContext => ({
  manifest,
  merchantId: 'M001',
  nowMs: NOW,
  skewMs: DEFAULT_CLOCK_SKEW_MS,
  ...over,
});
const code = (v: VoucherVerdict) => (v.ok ? 'valid' : v.code);

const fieldsArb: fc.Arbitrary<VoucherFields> = fc
  .record({
    voucherId: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex')),
    campaignId: fc.nat({ max: 0xffffffff }),
    kind: fc.constantFrom('fixed' as const, 'balance' as const),
    faceValueFen: fc.integer({ min: 1, max: 0xffffffff }),
    a: fc.nat({ max: 0xffffffff }),
    b: fc.nat({ max: 0xffffffff }),
    holderTag: fc.uint8Array({ minLength: 5, maxLength: 5 }).map((b) => Buffer.from(b).toString('hex')),
    keyId: fc.nat({ max: 0xffff }),
  })
  .map(({ a, b, ...f }) => ({ ...f, validFrom: Math.min(a, b), validUntil: Math.max(a, b) }));

describe('voucher token codec', () => {
  it('round-trips random field values, always 160 QR-alphanumeric characters', () => {
    fc.assert(
      fc.property(fieldsArb, fc.uint8Array({ minLength: 64, maxLength: 64 }), (fields, sig) => {
        const token = TOKEN_HEADER + base45Encode(new Uint8Array([...encodePayload(fields), ...sig]));
        expect(token.length).toBe(TOKEN_CHARS);
        expect([...token].every((c) => BASE45_ALPHABET.includes(c))).toBe(true);
        const d = decodeToken(token);
        expect(d.ok).toBe(true);
        if (d.ok) {
          expect(d.token.fields).toEqual(fields);
          expect(Buffer.from(d.token.signature)).toEqual(Buffer.from(sig));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fits QR version 8 or lower at error correction M', () => {
    expect(TOKEN_CHARS).toBeLessThanOrEqual(170);
    const { token } = issuer.token();
    const qr = QRCode.create([{ data: token, mode: 'alphanumeric' }], { errorCorrectionLevel: 'M' });
    expect(qr.version).toBeLessThanOrEqual(8);
  });

  it('holder codes are 8 unambiguous characters', () => {
    expect(holderCode('0000000000')).toBe('0000-0000');
    expect(holderCode('ffffffffff')).toBe('ZZZZ-ZZZZ');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), (b) => {
        expect(holderCode(Buffer.from(b).toString('hex'))).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      }),
    );
  });
});

describe('verifyVoucher', () => {
  it('accepts a genuine voucher and returns its fields and campaign', () => {
    const { token, fields } = issuer.token();
    const v = verifyVoucher(token, ctx());
    expect(v.ok).toBe(true);
    if (v.ok) {
      expect(v.voucher).toEqual(fields);
      expect(v.campaign.names.zh).toBe('新生儿关爱券');
    }
  });

  it('tolerates what scanners add: a trailing Enter or Tab, Caps Lock, a BOM', () => {
    const { token } = issuer.token();
    expect(code(verifyVoucher(`${token}\r\n`, ctx()))).toBe('valid');
    expect(code(verifyVoucher(`${token}\t`, ctx()))).toBe('valid');
    expect(code(verifyVoucher(`\uFEFF${token}`, ctx()))).toBe('valid');
    // Caps Lock inverts letter case on a keyboard-wedge scanner; Base45 has no lower case, so this is lossless.
    const inverted = [...token].map((c) => (/[A-Z]/.test(c) ? c.toLowerCase() : c)).join('');
    expect(code(verifyVoucher(inverted, ctx()))).toBe('valid');
  });

  it('flipping any byte of the token gives the verdict for that part, never valid', () => {
    const { token } = issuer.token();
    const bytes = base45Decode(token.slice(TOKEN_HEADER.length))!;
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const copy = Uint8Array.from(bytes);
        copy[i] = copy[i]! ^ mask;
        const verdict = code(verifyVoucher(TOKEN_HEADER + base45Encode(copy), ctx()));
        const expected =
          i === 0
            ? ['unsupported_version', 'malformed', 'bad_signature'] // header: version or kind
            : i === 38 || i === 39
              ? ['unknown_key'] // key id: only key 1 exists
              : i >= 21 && i <= 32
                ? ['bad_signature', 'malformed'] // value or dates: may become impossible
                : ['bad_signature'];
        expect(expected, `byte ${i} ^ ${mask}: ${verdict}`).toContain(verdict);
      }
    }
  });

  it('changing any one character is never valid', () => {
    const { token } = issuer.token();
    for (let i = 0; i < token.length; i++) {
      const replacement = token[i] === 'A' ? 'B' : 'A';
      const v = verifyVoucher(token.slice(0, i) + replacement + token.slice(i + 1), ctx());
      expect(v.ok, `char ${i}`).toBe(false);
    }
  });

  it('truncating anywhere gives empty, wrong prefix or malformed', () => {
    const { token } = issuer.token();
    for (let n = 0; n < token.length; n++) {
      const expected = n === 0 ? 'empty' : n < TOKEN_HEADER.length ? 'wrong_prefix' : 'malformed';
      expect(code(verifyVoucher(token.slice(0, n), ctx())), `length ${n}`).toBe(expected);
    }
    expect(code(verifyVoucher(`${token}A`, ctx()))).toBe('malformed');
  });

  it('tells a future format version from a foreign code', () => {
    const { token } = issuer.token();
    expect(code(verifyVoucher(token.replace(/^CT1:/, 'CT2:'), ctx()))).toBe('unsupported_version');
    expect(code(verifyVoucher('https://example.com/pay?id=1', ctx()))).toBe('wrong_prefix');
    expect(code(verifyVoucher('6901234567892', ctx()))).toBe('wrong_prefix');
  });

  it('gives 10,000 random and hostile strings a verdict, never an exception', () => {
    const { token } = issuer.token();
    const gbk = Buffer.from([0xc4, 0xcc, 0xb7, 0xdb, 0xc8, 0xfd, 0xb9, 0xde]).toString('latin1'); // "奶粉三罐" in GBK, misread
    const hostile = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom(
        '',
        ' ',
        '\u0000',
        '\r\n',
        'CT1:',
        'CT1: ',
        'CT999:',
        'ct1:',
        '😀😀😀',
        gbk,
        'CT1:'.padEnd(TOKEN_CHARS, ' '),
        'X'.repeat(200_000),
      ),
      fc.stringMatching(/^CT1:[0-9A-Z $%*+\-./:]{156}$/), // near-valid: right prefix and length, random body
      fc
        .nat({ max: token.length - 1 })
        .chain((i) => fc.string({ minLength: 1, maxLength: 1 }).map((c) => token.slice(0, i) + c + token.slice(i + 1))),
      fc.nat({ max: token.length }).map((i) => token.slice(0, i) + token.slice(i + 1)),
    );
    let n = 0;
    fc.assert(
      fc.property(hostile, (s) => {
        n++;
        const v = verifyVoucher(s, ctx());
        if (!v.ok) expect(REFUSAL_CODES).toContain(v.code);
        else expect(s.replace(/^[\r\n\t\uFEFF\u200B]+|[\r\n\t\uFEFF\u200B]+$/g, '').toUpperCase()).toBe(token);
      }),
      { numRuns: 10_000 },
    );
    expect(n).toBe(10_000);
  });

  it('unknown key, no manifest, unknown campaign, wrong kind, not at this shop', () => {
    expect(code(verifyVoucher(testIssuer(7).token({ keyId: 7 }).token, ctx()))).toBe('unknown_key');
    expect(code(verifyVoucher(issuer.token().token, ctx({ manifest: null })))).toBe('no_manifest');
    expect(code(verifyVoucher(issuer.token({ campaignId: 99 }).token, ctx()))).toBe('unknown_campaign');
    expect(code(verifyVoucher(issuer.token({ kind: 'balance' }).token, ctx()))).toBe('kind_mismatch');
    const local = trusted(testManifest({ keys: [issuer.key], campaigns: [testCampaign({ merchants: ['M002', 'M003'] })] }));
    expect(code(verifyVoucher(issuer.token().token, ctx({ manifest: local })))).toBe('not_at_this_shop');
    expect(code(verifyVoucher(issuer.token().token, ctx({ manifest: local, merchantId: null })))).toBe('not_at_this_shop');
    expect(code(verifyVoucher(issuer.token().token, ctx({ manifest: local, merchantId: 'M003' })))).toBe('valid');
  });

  it('a forged signature (the right key id, another key) is refused', () => {
    const forger = testIssuer(1);
    expect(code(verifyVoucher(forger.token().token, ctx()))).toBe('bad_signature');
  });

  it('revocation', () => {
    const { token, fields } = issuer.token();
    const m = trusted(
      testManifest({
        keys: [issuer.key],
        campaigns: [testCampaign()],
        revoked: [{ voucherId: fields.voucherId, revokedAt: '2026-10-01T00:00:00Z' }],
      }),
    );
    expect(code(verifyVoucher(token, ctx({ manifest: m })))).toBe('revoked');
    expect(code(verifyVoucher(issuer.token().token, ctx({ manifest: m })))).toBe('valid');
  });

  it('a revoked issuer key: its vouchers are refused as key_revoked whatever the till’s clock says', () => {
    const revokedAt = '2026-11-01T00:00:00Z';
    const m = trusted(
      testManifest({ keys: [{ ...issuer.key, validUntil: revokedAt, revokedAt, reason: 'leaked' }], campaigns: [testCampaign()] }),
    );
    const { token } = issuer.token();
    expect(code(verifyVoucher(token, ctx({ manifest: m })))).toBe('key_revoked');
    // A till whose clock says it is still before the revocation has the manifest that revoked it: refused all the same.
    expect(code(verifyVoucher(token, ctx({ manifest: m, nowMs: Date.parse('2026-10-01T00:00:00Z') })))).toBe('key_revoked');
    // The signature is checked first: a forgery under a revoked key id is still a forgery.
    expect(code(verifyVoucher(testIssuer(1).token().token, ctx({ manifest: m })))).toBe('bad_signature');
  });

  it('validity edges honour the clock-skew tolerance exactly', () => {
    const from = Date.parse('2026-12-01T00:00:00Z');
    const until = Date.parse('2026-12-31T15:59:59Z');
    const { token } = issuer.token({ validFrom: from / 1000, validUntil: until / 1000 });
    const at = (ms: number) => code(verifyVoucher(token, ctx({ nowMs: ms })));
    const skew = DEFAULT_CLOCK_SKEW_MS;
    expect(at(from - skew - 1)).toBe('not_yet_valid');
    expect(at(from - skew)).toBe('valid');
    expect(at(from)).toBe('valid');
    expect(at(until)).toBe('valid');
    expect(at(until + skew)).toBe('valid');
    expect(at(until + skew + 1)).toBe('expired');
    expect(code(verifyVoucher(token, ctx({ nowMs: until + 1, skewMs: 0 })))).toBe('expired');
  });

  it('the issuing key’s window has the same clock tolerance at both ends, and no more', () => {
    const from = '2026-11-10T00:00:00Z';
    const until = '2026-11-30T00:00:00Z';
    const windowed = testIssuer(1, { from, until });
    const m = trusted(testManifest({ keys: [windowed.key], campaigns: [testCampaign()] }));
    const { token } = windowed.token();
    const at = (ms: number) => code(verifyVoucher(token, ctx({ manifest: m, nowMs: ms })));
    const skew = DEFAULT_CLOCK_SKEW_MS;
    expect(at(Date.parse(from) - skew - 1)).toBe('key_not_valid');
    expect(at(Date.parse(from) - skew)).toBe('valid');
    expect(at(Date.parse(until) + skew - 1)).toBe('valid');
    expect(at(Date.parse(until) + skew)).toBe('valid');
    expect(at(Date.parse(until) + skew + 1)).toBe('key_not_valid');
  });

  it('the campaign’s dates bind at both ends with the clock tolerance, inside a voucher valid for longer', () => {
    // The voucher (June 2026 to June 2027) and its key (2026 to 2028) are valid all along; only the
    // campaign's own dates decide.
    const from = '2026-11-10T00:00:00Z';
    const until = '2026-11-30T00:00:00Z';
    const m = trusted(testManifest({ keys: [issuer.key], campaigns: [testCampaign({ validFrom: from, validUntil: until })] }));
    const { token } = issuer.token();
    const at = (ms: number) => code(verifyVoucher(token, ctx({ manifest: m, nowMs: ms })));
    const skew = DEFAULT_CLOCK_SKEW_MS;
    expect(at(Date.parse(from) - skew - 1)).toBe('campaign_not_active');
    expect(at(Date.parse(from) - skew)).toBe('valid');
    expect(at(Date.parse(until) + skew - 1)).toBe('valid');
    expect(at(Date.parse(until) + skew)).toBe('valid');
    expect(at(Date.parse(until) + skew + 1)).toBe('campaign_not_active');
  });

  it('a holder ticket is judged by the manifest like the voucher it stands for', () => {
    const server = generateKeyPair();
    const serverKey = { keyId: 3, publicKey: rawPublicKey(server.publicKey).toString('base64url') };
    const m = trusted(testManifest({ keys: [issuer.key], campaigns: [testCampaign()], serverKeys: [serverKey] }));
    const { fields } = issuer.token();
    const ticket = signHolderTicket({ keyId: 3, privateKey: server.privateKey }, fields, 'till-a', NOW);
    const at = (over: Partial<VerifyContext>) => verifyVoucher(ticket, ctx({ manifest: m, deviceId: 'till-a', ...over }));
    expect(at({})).toMatchObject({ ok: true, byHolderCode: true, voucher: fields });
    // Before the till has a manifest it knows no server key: refused, never thrown.
    expect(at({ manifest: null })).toEqual({ ok: false, code: 'no_manifest' });
    // Refused at another till, but the cashier still sees which voucher it was.
    expect(at({ deviceId: 'till-b' })).toEqual({ ok: false, code: 'ticket_other_till', voucher: fields });
    // The server key vouches for the fields; the manifest still decides on them.
    const ended = trusted(
      testManifest({ keys: [issuer.key], campaigns: [testCampaign({ validUntil: '2026-11-01T00:00:00Z' })], serverKeys: [serverKey] }),
    );
    expect(at({ manifest: ended })).toEqual({ ok: false, code: 'campaign_not_active', voucher: fields });
  });

  it('a campaign that has ended stops its vouchers even if they say otherwise', () => {
    const ended = trusted(testManifest({ keys: [issuer.key], campaigns: [testCampaign({ validUntil: '2026-11-01T00:00:00Z' })] }));
    expect(code(verifyVoucher(issuer.token().token, ctx({ manifest: ended })))).toBe('campaign_not_active');
  });

  it('key rotation: an old key signs valid vouchers while its window is open, not after', () => {
    const old = testIssuer(1, { from: '2025-01-01T00:00:00Z', until: '2026-12-31T00:00:00Z' });
    const next = testIssuer(2, { from: '2026-11-01T00:00:00Z', until: '2029-01-01T00:00:00Z' });
    const m = trusted(testManifest({ keys: [old.key, next.key], campaigns: [testCampaign()] }));
    const a = old.token().token;
    const b = next.token({ keyId: 2 }).token;
    expect(code(verifyVoucher(a, ctx({ manifest: m })))).toBe('valid');
    expect(code(verifyVoucher(b, ctx({ manifest: m })))).toBe('valid');
    const later = Date.parse('2027-01-15T00:00:00Z');
    expect(code(verifyVoucher(a, ctx({ manifest: m, nowMs: later })))).toBe('key_not_valid');
    expect(code(verifyVoucher(b, ctx({ manifest: m, nowMs: later })))).toBe('valid');
    expect(code(verifyVoucher(b, ctx({ manifest: m, nowMs: Date.parse('2026-10-01T00:00:00Z') })))).toBe('key_not_valid');
  });
});
