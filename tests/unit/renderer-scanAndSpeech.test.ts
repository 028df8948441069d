/**
 * What the counter makes of a scanned string before asking core (scan/classifyScan.ts), and what
 * it says aloud (sound/speech.ts, sound/announcer.ts): pure, so tested without a browser or a voice.
 */
import { describe, expect, it, vi } from 'vitest';
import { classifyScan, shownPart } from '../../src/renderer/src/scan/classifyScan';
import { createAnnouncer, pickVoice, type UtteranceLike } from '../../src/renderer/src/sound/announcer';
import { chineseNumber, spokenReason, spokenYuan } from '../../src/renderer/src/sound/speech';

describe('what a scan is', () => {
  it('a voucher token goes to core as a voucher, a product barcode as a barcode', () => {
    expect(classifyScan('CT1:ABC DEF')).toEqual({ kind: 'voucher', text: 'CT1:ABC DEF' });
    expect(classifyScan('ct1:abc')).toMatchObject({ kind: 'voucher' });
    expect(classifyScan(' 6902754001019 ')).toEqual({ kind: 'barcode', code: '6902754001019' });
    expect(classifyScan('HAIRCUT-01')).toEqual({ kind: 'barcode', code: 'HAIRCUT-01' });
  });

  it('a barcode with a wrong check digit is still a barcode: core says "check digit"', () => {
    expect(classifyScan('6902754001010')).toMatchObject({ kind: 'barcode' });
  });

  it('a voucher-looking string longer than the contract allows is refused here, never sent', () => {
    const long = `CT1:${'A'.repeat(4093)}`;
    expect(long.length).toBe(4097);
    expect(classifyScan(long)).toEqual({ kind: 'not_a_voucher', shown: `CT1:${'A'.repeat(20)}…` });
    expect(classifyScan(`CT1:${'A'.repeat(4092)}`)).toMatchObject({ kind: 'voucher' });
  });

  it('Chinese text, markup and web addresses are neither barcode nor voucher', () => {
    expect(classifyScan('中文券码')).toEqual({ kind: 'not_a_code', shown: '中文券码' });
    expect(classifyScan('<script>alert(1)</script>')).toMatchObject({ kind: 'not_a_code' });
    expect(classifyScan('https://example.com/pay?x=1')).toMatchObject({ kind: 'not_a_code' });
    expect(classifyScan('A'.repeat(100))).toMatchObject({ kind: 'not_a_code', shown: `${'A'.repeat(24)}…` });
  });

  it('nothing but spaces is nothing', () => {
    expect(classifyScan('  \t ')).toEqual({ kind: 'empty' });
  });

  it('what the cashier is shown of a refused string is short and on one line', () => {
    expect(shownPart('a\n\nb   c')).toBe('a b c');
  });
});

describe('amounts said aloud', () => {
  it('whole numbers read as a Chinese payment speaker reads them', () => {
    const cases: Array<[number, string]> = [
      [0, '零'],
      [5, '五'],
      [10, '十'],
      [15, '十五'],
      [20, '二十'],
      [50, '五十'],
      [105, '一百零五'],
      [110, '一百一十'],
      [268, '二百六十八'],
      [1005, '一千零五'],
      [1050, '一千零五十'],
      [10_000, '一万'],
      [10_005, '一万零五'],
      [100_050, '十万零五十'],
      [1_000_000, '一百万'],
      [10_010_000, '一千零一万'],
      [100_000_005, '一亿零五'],
    ];
    for (const [n, words] of cases) expect(chineseNumber(n), String(n)).toBe(words);
  });

  it('fen become 元, 角 and 分', () => {
    expect(spokenYuan(5000, 'zh-CN')).toBe('五十元');
    expect(spokenYuan(3990, 'zh-CN')).toBe('三十九元九角');
    expect(spokenYuan(22450, 'zh-CN')).toBe('二百二十四元五角');
    expect(spokenYuan(1005, 'zh-CN')).toBe('十元零五分');
    expect(spokenYuan(1015, 'zh-CN')).toBe('十元一角五分');
    expect(spokenYuan(50, 'zh-CN')).toBe('五角');
    expect(spokenYuan(3, 'zh-CN')).toBe('三分');
    expect(spokenYuan(0, 'zh-CN')).toBe('零元');
  });

  it('in English, yuan with the cents only when there are any', () => {
    expect(spokenYuan(5000, 'en')).toBe('50 yuan');
    expect(spokenYuan(3990, 'en')).toBe('39.90 yuan');
  });

  it('a refusal is said by its first sentence, without the bracketed detail', () => {
    expect(spokenReason('这张券已过期（有效期至 2026/02/01）。请勿收取。')).toBe('这张券已过期');
    expect(spokenReason('This voucher has expired (valid until 2026-02-01). Do not accept it.')).toBe('This voucher has expired');
  });
});

describe('the voice', () => {
  const zh = { lang: 'zh-CN', name: 'Ting-Ting', localService: true };
  const zhOnline = { lang: 'zh_CN', name: 'Google 普通话', localService: false };
  const tw = { lang: 'zh-TW', name: 'Mei-Jia', localService: true };
  const en = { lang: 'en-US', name: 'Samantha', localService: true };

  it('a voice of the till’s language is chosen: the exact one first, a local one before an online one', () => {
    expect(pickVoice([en, tw, zhOnline, zh], 'zh-CN')).toBe(zh);
    expect(pickVoice([en, tw, zhOnline], 'zh-CN')).toBe(zhOnline);
    expect(pickVoice([en, tw], 'zh-CN')).toBe(tw);
    expect(pickVoice([en], 'zh-CN')).toBeNull();
    expect(pickVoice([zh, en], 'en')).toBe(en);
  });

  function fakeSpeech(voices: Array<typeof zh>) {
    const said: Array<{ text: string; lang: string }> = [];
    return {
      said,
      speech: {
        getVoices: () => voices,
        speak: (u: UtteranceLike) => said.push({ text: u.text, lang: u.lang }),
        cancel: vi.fn(),
      },
      makeUtterance: (text: string): UtteranceLike => ({ text, lang: '', voice: null, rate: 1 }),
    };
  }

  it('says the words with the chosen voice, cutting off whatever it was still saying', () => {
    const f = fakeSpeech([en, zh]);
    const a = createAnnouncer({ enabled: () => true, speech: f.speech, makeUtterance: f.makeUtterance });
    expect(a.say('核销成功，券支付五十元', 'zh-CN')).toBe(true);
    expect(f.said).toEqual([{ text: '核销成功，券支付五十元', lang: 'zh-CN' }]);
    expect(f.speech.cancel).toHaveBeenCalled();
  });

  it('says nothing when the owner turned it off, when there is no speech, or no voice for the language', () => {
    const f = fakeSpeech([en]);
    expect(createAnnouncer({ enabled: () => false, speech: fakeSpeech([zh]).speech }).say('x', 'zh-CN')).toBe(false);
    expect(createAnnouncer({ enabled: () => true, speech: null }).say('x', 'zh-CN')).toBe(false);
    expect(createAnnouncer({ enabled: () => true, speech: f.speech, makeUtterance: f.makeUtterance }).say('x', 'zh-CN')).toBe(false);
    expect(f.said).toEqual([]);
  });
});
