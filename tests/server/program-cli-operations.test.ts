import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/server/cli/main';
import { tempDir } from '../helpers/tmp';

/**
 * Issue 16: the operator's everyday CLI commands (merchants, codes, held records, statements,
 * operator tokens, keys, campaigns) through the real CLI code and store, and what it says when a
 * required argument is missing or malformed: a message naming the argument, never a stack trace.
 */

const root = path.resolve(import.meta.dirname, '../..');

describe('the program CLI for day-to-day operation', () => {
  const t = tempDir('caretill-cli-ops-');
  const home = path.join(t.dir, 'home');
  let lines: string[] = [];
  const cli = async (...args: string[]) => {
    lines = [];
    await runCli([...args, '--home', home], (s) => lines.push(s));
    return lines.join('\n');
  };
  /** The message a command fails with. */
  const fails = async (...args: string[]) => {
    try {
      await cli(...args);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`expected "${args.join(' ')}" to fail`);
  };

  beforeAll(async () => {
    await cli('init', '--id', 'CF-OPS', '--name-zh', '运营测试', '--name-en', 'Ops test');
  });
  afterAll(() => t.cleanup());

  it('prints its usage when asked, or when given no command', async () => {
    expect(await cli('--help')).toMatch(/enroll-code/);
    lines = [];
    await runCli([], (s) => lines.push(s));
    expect(lines.join('\n')).toMatch(/statements/);
  });

  it('an unknown command is refused with the usage', async () => {
    expect(await fails('frobnicate', 'now')).toMatch(/^unknown command "frobnicate now"[\s\S]*enroll-code/);
  });

  it('init names each missing argument', async () => {
    const other = path.join(t.dir, 'other');
    const initFails = async (...args: string[]) => {
      try {
        await runCli(['init', ...args, '--home', other], () => undefined);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(await initFails()).toBe('missing --id');
    expect(await initFails('--id', 'X')).toBe('missing --name-zh');
    expect(await initFails('--id', 'X', '--name-zh', '甲')).toBe('missing --name-en');
  });

  it('adds and lists merchants; a merchant needs an id and a name', async () => {
    expect(await cli('merchants', 'add', '--id', 'M2', '--name', '二号店')).toMatch(
      /merchant M2 「二号店」 added.*enroll-code --merchant M2/,
    );
    await cli('merchants', 'add', '--id', 'M1', '--name', '一号店');
    expect(await cli('merchants', 'list')).toBe('M1\t一号店\nM2\t二号店');
    expect(await fails('merchants', 'add', '--id', 'M3')).toBe('missing --name');
    expect(await fails('merchants', 'add', '--name', 'x')).toBe('missing --id');
  });

  it('makes enrollment codes that last 72 hours unless told otherwise; hours are whole numbers', async () => {
    expect(await cli('enroll-code', '--merchant', 'M1')).toMatch(/^enrollment code for M1: \S+ \(one use, 72 hours\)\n.*fingerprint/);
    expect(await cli('enroll-code', '--merchant', 'M1', '--hours', '5')).toMatch(/\(one use, 5 hours\)/);
    expect(await fails('enroll-code', '--merchant', 'M1', '--hours', 'soon')).toBe('--hours must be a whole number (got "soon")');
    expect(await fails('enroll-code')).toBe('missing --merchant');
  });

  it('a recovery code needs the till’s device id', async () => {
    expect(await fails('recovery-code')).toBe('missing --device');
  });

  it('says when no records are held for review; accepting or rejecting one needs its id', async () => {
    expect(await cli('records', 'held')).toBe('no records are held for review');
    expect(await fails('records', 'accept')).toBe('missing a record id');
    expect(await fails('records', 'reject')).toBe('missing a record id');
  });

  it('statements: nothing to settle without accepted records; dates need their offset; ids and references are required', async () => {
    expect(await cli('statements', 'create')).toBe('nothing to settle: no accepted records without a statement');
    expect(await cli('statements', 'create', '--merchant', 'M1', '--until', '2026-12-31T23:59:59+08:00')).toBe(
      'nothing to settle: no accepted records without a statement',
    );
    expect(await fails('statements', 'create', '--until', '2026-12-31')).toBe('--until must be a date like 2026-12-31T23:59:59+08:00');
    expect(await cli('statements', 'list')).toBe('');
    expect(await fails('statements', 'approve')).toBe('missing a statement id');
    expect(await fails('statements', 'pay', 'S1')).toBe('missing --reference');
  });

  it('an operator token is shown once and needs a name', async () => {
    expect(await cli('operator', 'token', '--name', 'ops')).toMatch(/^operator token \(shown once, keep it secret\): \S{20,}$/);
    expect(await fails('operator', 'token')).toBe('missing --name');
  });

  it('creates issuer keys, lists them with their revocation, and a revocation needs a reason', async () => {
    expect(await cli('keys', 'create', '--valid-days', '30')).toMatch(/^issuer key 2 created, valid \S+ → \S+; publish a manifest/);
    expect(await fails('keys', 'create', '--valid-days', 'a month')).toMatch(/--valid-days must be a whole number/);
    expect(await fails('keys', 'revoke')).toBe('missing a key id');
    expect(await fails('keys', 'revoke', '2')).toBe('missing --reason');
    expect(await fails('keys', 'revoke', '9', '--reason', 'x')).toMatch(/9/);
    const revoked = await cli('keys', 'revoke', '2', '--reason', 'lost laptop');
    expect(revoked).toMatch(/^issuer key 2 revoked at \S+; tills refuse its vouchers/);
    expect(revoked).not.toMatch(/live vouchers were signed/);
    expect(revoked).toMatch(/manifest publish$/);
    const keys = (await cli('keys', 'list')).split('\n');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^1\t\S+ → \S+\t[A-Za-z0-9_-]{43}$/);
    expect(keys[1]).toMatch(/^2\t.*\trevoked \S+ \(lost laptop\)$/);
  });

  it('creates campaigns from YAML or JSON and lists them', async () => {
    expect(await cli('campaign', 'create', path.join(root, 'resources/sample/campaign-child.json'))).toMatch(
      /^campaign 1 「.+」 created \(balance, .*eligibility by the shop's categories \(shop\)\)$/,
    );
    expect(await fails('campaign', 'create')).toBe('missing a campaign file');
    const list = await cli('campaign', 'list');
    expect(list).toMatch(/^1\tbalance\tshop\t\S+ → \S+\t.+ \/ .+$/);
  });

  it('issuing vouchers needs an output file, a value, a campaign and a count', async () => {
    const out = path.join(t.dir, 'v.csv');
    expect(await fails('vouchers', 'issue')).toBe('missing --out');
    expect(await fails('vouchers', 'issue', '--out', out)).toBe('missing --value-yuan or --value-fen');
    expect(await fails('vouchers', 'issue', '--out', out, '--value-yuan', 'fifty')).toBe('--value-yuan must be an amount like 50 or 12.50');
    expect(await fails('vouchers', 'issue', '--out', out, '--value-fen', '5000')).toBe('missing --campaign');
    expect(await fails('vouchers', 'issue', '--out', out, '--value-fen', '5000', '--campaign', '1')).toBe('missing --count');
    expect(
      await fails('vouchers', 'issue', '--out', out, '--value-fen', '5000', '--campaign', '1', '--count', '1', '--valid-until', 'tomorrow'),
    ).toBe('--valid-until must be a date like 2026-12-31T23:59:59+08:00');
    const issue = (...more: string[]) => fails('vouchers', 'issue', '--out', out, '--campaign', '1', ...more);
    expect(await issue('--value-fen', '5000', '--count', '0')).toBe('count must be 1 to 100000');
    expect(await issue('--value-fen', '5000', '--count', '100001')).toBe('count must be 1 to 100000');
    expect(await issue('--value-fen', '0', '--count', '1')).toBe('value must be a positive whole number of fen');
    expect(await fails('vouchers', 'issue', '--out', out, '--campaign', '99', '--value-fen', '100', '--count', '1')).toBe('no campaign 99');
    expect(
      await issue(
        '--value-fen',
        '100',
        '--count',
        '1',
        '--valid-from',
        '2026-08-01T00:00:00+08:00',
        '--valid-until',
        '2026-07-01T00:00:00+08:00',
      ),
    ).toBe('valid-until must be after valid-from');
    const tags = path.join(t.dir, 'tags.txt');
    fs.writeFileSync(tags, 'cccc000003\n');
    expect(await issue('--value-fen', '100', '--count', '2', '--holder-tags', tags)).toBe('1 holder tags given for 2 vouchers');
    fs.writeFileSync(tags, 'AAAA000001\r\n\r\nbbbb000002\n');
    expect(
      await cli(
        'vouchers',
        'issue',
        '--out',
        out,
        '--value-fen',
        '5000',
        '--campaign',
        '1',
        '--count',
        '2',
        '--holder-tags',
        tags,
        '--valid-from',
        '2026-07-01T00:00:00+08:00',
        '--valid-until',
        '2026-12-31T23:59:59+08:00',
        '--key',
        '1',
      ),
    ).toMatch(/^2 vouchers issued → .*v\.csv\n/);
    const csv = fs.readFileSync(out, 'utf8');
    expect(csv).toMatch(/aaaa000001/);
    expect(csv).toMatch(/bbbb000002/);
  });

  it('revoking vouchers: at least one id; unknown ids are named and the exit code says so', async () => {
    expect(await fails('vouchers', 'revoke')).toBe('name at least one voucher id');
    const before = process.exitCode;
    try {
      expect(await cli('vouchers', 'revoke', 'f'.repeat(32))).toBe(`revoked 0, unknown: ${'f'.repeat(32)}`);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
    }
  });

  it('cards are printed from the issue CSV, never from the program, which keeps no tokens', async () => {
    expect(await fails('cards', '--out', path.join(t.dir, 'c.pdf'), '--campaign', '1')).toMatch(/keeps no voucher tokens/);
    expect(await fails('cards', '--out', path.join(t.dir, 'c.pdf'))).toBe('missing --in');
    expect(await fails('cards')).toBe('missing --out');
  });

  it('publishes a manifest into the program folder unless told where', async () => {
    expect(await cli('manifest', 'publish')).toMatch(/^manifest version \d+ signed → .*manifest\.json$/);
    expect(fs.existsSync(path.join(home, 'manifest.json'))).toBe(true);
  });
});
