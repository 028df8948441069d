import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/shared/api/errors';
import { LOCALES } from '../../src/shared/i18n/locales';
import { catalogueKeys, errorMessage, translate } from '../../src/shared/i18n/translate';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('every locale has the same keys, none empty, with the same placeholders', () => {
    const zh = catalogueKeys('zh-CN');
    for (const locale of LOCALES) {
      expect(catalogueKeys(locale).sort()).toEqual([...zh].sort());
      for (const key of zh) {
        const text = translate(locale, key);
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(translate('zh-CN', key)));
      }
    }
  });

  it('every error code has a message in each language', () => {
    for (const locale of LOCALES) {
      for (const code of ERROR_CODES) {
        const m = errorMessage(locale, {
          code,
          field: 'args.x',
          params: {
            found: 9,
            supported: 1,
            dir: '/d',
            name: 'x',
            left: 2,
            minutes: 5,
            code: '123',
            installed: 3,
            voucher: 'AB…CD',
            reason: 'double_spend',
            uri: '/home/shop/notes.txt',
            problem: 'corrupt',
            printing: 1,
            uploads: 2,
            number: 7,
          },
        });
        expect(m).not.toContain('{');
        expect(m).not.toContain('double_spend');
        expect(m.length).toBeGreaterThan(4);
      }
    }
  });

  it('interpolates parameters and leaves unknown ones visible', () => {
    expect(translate('zh-CN', 'status.pending.count', { count: 3 })).toBe('3 条');
    expect(translate('en', 'status.pending.count')).toBe('{count}');
  });
});

describe('voucher verdict messages', () => {
  it('every refusal code has a message in each language that the cashier can act on', async () => {
    const { REFUSAL_CODES } = await import('../../src/shared/voucher/verdict');
    for (const locale of LOCALES) {
      for (const code of REFUSAL_CODES) {
        const text = translate(locale, `verdict.${code}`, { from: '2026-12-01', until: '2026-12-31' });
        expect(text, `${locale} ${code}`).not.toContain('{');
        expect(text.length, `${locale} ${code}`).toBeGreaterThan(8);
      }
    }
  });
});
