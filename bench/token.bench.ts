import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { DEFAULT_CLOCK_SKEW_MS, verifyVoucher, type VerifyContext } from '../src/trust/verifyVoucher';
import { decodeToken } from '../src/shared/voucher/token';
import { testCampaign, testIssuer, testManifest, trusted } from '../tests/helpers/issuer';
import { percentile, round, type Bench } from './harness';

/**
 * Decode + full verification of a valid token, against a bare Ed25519 verify of the same bytes
 * with the same cached key, measured alternately in the same run so both see the same machine.
 */
export const tokenBench: Bench = {
  name: 'token',
  async run() {
    const issuer = testIssuer(1);
    const manifest = trusted(testManifest({ keys: [issuer.key], campaigns: [testCampaign()] }));
    const { token } = issuer.token();
    const ctx: VerifyContext = { manifest, merchantId: 'M001', nowMs: Date.parse('2026-11-22T12:00:00Z'), skewMs: DEFAULT_CLOCK_SKEW_MS };
    const decoded = decodeToken(token);
    if (!decoded.ok || !verifyVoucher(token, ctx).ok) throw new Error('bench token does not verify');
    const { signedBytes, signature } = decoded.token;
    const key = manifest.keys.get(1)!.key;

    const full: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < 2000; i++) {
      verifyVoucher(token, ctx);
      crypto.verify(null, signedBytes, key, signature);
    }
    for (let round_ = 0; round_ < 40; round_++) {
      for (let i = 0; i < 250; i++) {
        const t0 = process.hrtime.bigint();
        verifyVoucher(token, ctx);
        full.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      for (let i = 0; i < 250; i++) {
        const t0 = process.hrtime.bigint();
        crypto.verify(null, signedBytes, key, signature);
        raw.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    }
    const p50 = percentile(full, 50);
    const rawP50 = percentile(raw, 50);
    const qr = QRCode.create([{ data: token, mode: 'alphanumeric' }], { errorCorrectionLevel: 'M' });
    return [
      { name: 'token_verify_us_p50', value: round(p50, 1), unit: 'µs' },
      { name: 'token_verify_ratio_to_raw_ed25519', value: round(p50 / rawP50, 3), unit: 'ratio', target: '≤ 1.5' },
      { name: 'token_chars', value: token.length, unit: 'chars', target: '≤ 170' },
      { name: 'token_qr_version', value: qr.version, unit: 'version', target: '≤ 8 (EC M)' },
    ];
  },
};
