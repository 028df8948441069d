import { parse as parseCsv } from 'csv-parse/sync';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/open';
import { SettingsStore } from '../../src/core/system/settings';
import { ManifestStore } from '../../src/core/vouchers/manifestStore';
import { DEFAULT_CLOCK_SKEW_MS, verifyVoucher } from '../../src/trust/verifyVoucher';
import { runCli } from '../../src/server/cli/main';
import { tempDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '../..');

/** The operator's whole flow through the real CLI code, then a till verifying what it made. */
describe('program CLI', () => {
  const t = tempDir('caretill-program-');
  const home = path.join(t.dir, 'home');
  const lines: string[] = [];
  const cli = (...args: string[]) => runCli([...args, '--home', home], (s) => lines.push(s));
  let rootKey = '';
  let rows: Array<Record<string, string>> = [];

  beforeAll(async () => {
    await cli('init', '--id', 'CF-TEST', '--name-zh', '测试关爱基金', '--name-en', 'Test Care Fund');
    rootKey = /root public key .*: (\S+)/.exec(lines.join('\n'))![1]!;
    await cli('campaign', 'create', path.join(root, 'resources/sample/campaign-baby.yaml'));
    await cli('campaign', 'create', path.join(root, 'resources/sample/campaign-child.json'));
    await cli('vouchers', 'issue', '--campaign', '1', '--count', '100', '--value-yuan', '50', '--out', path.join(t.dir, 'v.csv'));
    await cli('manifest', 'publish', '--out', path.join(t.dir, 'manifest.json'));
    rows = parseCsv(fs.readFileSync(path.join(t.dir, 'v.csv')), { columns: true, bom: true }) as Array<Record<string, string>>;
  });
  afterAll(() => t.cleanup());

  const till = () => {
    const db = openDatabase(path.join(t.dir, `till-${Math.random()}.sqlite3`));
    const manifests = new ManifestStore(db, new SettingsStore(db));
    manifests.setTrustAnchor(rootKey);
    return { db, manifests };
  };
  // The CLI made its issuer key just now, valid from now on.
  const NOW = Date.now();

  it('keeps private keys in 0600 files and never prints them', () => {
    for (const f of ['root.pem', 'issuer-1.pem']) {
      const st = fs.statSync(path.join(home, 'keys', f));
      expect((st.mode & 0o777).toString(8)).toBe('600');
      const pem = fs.readFileSync(path.join(home, 'keys', f), 'utf8');
      const body = pem.split('\n').slice(1, -2).join('');
      expect(lines.join('\n')).not.toContain(body);
    }
    expect((fs.statSync(path.join(home, 'keys')).mode & 0o777).toString(8)).toBe('700');
  });

  it('issues 100 vouchers whose tokens a till verifies against the published manifest', () => {
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.voucher_id)).size).toBe(100);
    const { db, manifests } = till();
    manifests.install(JSON.parse(fs.readFileSync(path.join(t.dir, 'manifest.json'), 'utf8')));
    for (const r of rows) {
      const v = verifyVoucher(r.token!, { manifest: manifests.current(), merchantId: 'M001', nowMs: NOW, skewMs: DEFAULT_CLOCK_SKEW_MS });
      expect(v.ok ? 'valid' : v.code).toBe('valid');
      if (v.ok) expect(v.voucher.faceValueFen).toBe(5000);
    }
    db.close();
  });

  it('revocation reaches tills with the next manifest', async () => {
    const victim = rows[3]!;
    await cli('vouchers', 'revoke', victim.voucher_id!, '--reason', '重复发放');
    await cli('manifest', 'publish', '--out', path.join(t.dir, 'manifest2.json'));
    const { db, manifests } = till();
    manifests.install(JSON.parse(fs.readFileSync(path.join(t.dir, 'manifest2.json'), 'utf8')));
    const verdict = (token: string) =>
      verifyVoucher(token, { manifest: manifests.current(), merchantId: 'M001', nowMs: NOW, skewMs: DEFAULT_CLOCK_SKEW_MS });
    expect(verdict(victim.token!)).toMatchObject({ ok: false, code: 'revoked' });
    expect(verdict(rows[4]!.token!).ok).toBe(true);
    db.close();
  });

  it('refuses never-eligible categories and malformed campaign files with a clear message', async () => {
    const bad = path.join(t.dir, 'bad.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(path.join(root, 'resources/sample/campaign-child.json'), 'utf8')),
        eligibleCategories: ['toys', 'tobacco'],
      }),
    );
    await expect(cli('campaign', 'create', bad)).rejects.toThrow(/never eligible.*tobacco/);
    fs.writeFileSync(bad, JSON.stringify({ names: { zh: 'x' } }));
    await expect(cli('campaign', 'create', bad)).rejects.toThrow(/names\.en/);
  });

  it('prints beneficiary cards whose QR decodes back to the same token', async () => {
    const pdf = path.join(t.dir, 'cards.pdf');
    await cli('cards', '--in', path.join(t.dir, 'v.csv'), '--out', pdf);
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const prefix = path.join(t.dir, 'page');
    try {
      execFileSync('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', '-png', pdf, prefix]);
    } catch (e) {
      throw new Error(`pdftoppm is needed to check the card PDF (apt-get install poppler-utils): ${String(e)}`, { cause: e });
    }
    const png = PNG.sync.read(fs.readFileSync(`${prefix}-01.png`));
    // Crop the first card (top-left: 12 mm from the left, 19.5 mm from the top, 90 × 60 mm).
    const px = (mm: number) => Math.round((mm / 25.4) * 150);
    const [x0, y0, w, h] = [px(12), px(19.5), px(90), px(60)];
    const crop = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++)
      crop.set(png.data.subarray(((y0 + y) * png.width + x0) * 4, ((y0 + y) * png.width + x0 + w) * 4), y * w * 4);
    const qr = jsQR(crop, w, h);
    expect(qr?.data).toBe(rows[0]!.token);
    // The Chinese text is really in the PDF as text, not boxes: pdftotext reads it back.
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', pdf, '-']).toString();
    expect(text).toContain('地震灾区新生儿关爱券');
    expect(text).toContain('持券码');
    expect(text).toContain('￥50.00');
  });

  it('keys revoke and vouchers reissue: new cards for the vouchers of a revoked key, and tills refuse the old ones', async () => {
    await cli('keys', 'create', '--valid-days', '800');
    await cli('keys', 'revoke', '1', '--reason', '密钥泄露');
    expect(lines.join('\n')).toMatch(/99 live vouchers were signed with it/);
    const csv = path.join(t.dir, 're.csv');
    const pdf = path.join(t.dir, 're.pdf');
    await cli('vouchers', 'reissue', '--key', '1', '--out', csv, '--cards', pdf);
    await cli('manifest', 'publish', '--out', path.join(t.dir, 'manifest3.json'));
    expect((fs.statSync(csv).mode & 0o777).toString(8)).toBe('600');
    expect((fs.statSync(pdf).mode & 0o777).toString(8)).toBe('600');
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const fresh = parseCsv(fs.readFileSync(csv), { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(fresh).toHaveLength(99); // one of the 100 was revoked before
    const { db, manifests } = till();
    manifests.install(JSON.parse(fs.readFileSync(path.join(t.dir, 'manifest3.json'), 'utf8')));
    const verdict = (token: string) =>
      verifyVoucher(token, { manifest: manifests.current(), merchantId: 'M001', nowMs: NOW, skewMs: DEFAULT_CLOCK_SKEW_MS });
    const old = new Map(rows.map((r) => [r.voucher_id!, r]));
    for (const r of fresh) {
      expect(verdict(r.token!).ok).toBe(true);
      expect(r.holder_code).toBe(old.get(r.replaces!)!.holder_code); // the family's holder code stays
      expect(verdict(old.get(r.replaces!)!.token!)).toMatchObject({ ok: false, code: 'key_revoked' });
    }
    db.close();
  });
});
