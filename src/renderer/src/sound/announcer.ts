import type { Locale } from '../../../shared/i18n/locales';

/**
 * Voice announcements (语音播报) through the Web Speech API, as Chinese shops expect from their
 * payment speakers. Only a voice for the till's language is used (a zh-CN voice for Chinese): an
 * English voice reading Chinese is worse than none. With no such voice, or with speech off, nothing
 * is said: the sale's own sounds (beep.ts: a chime for a redemption, a low tone for a refusal) are
 * still played by the sale session, so the counter always hears something.
 *
 * The browser's types are described here by shape only, so the choice of voice is tested in Node.
 */
export interface VoiceLike {
  lang: string;
  name: string;
  localService?: boolean;
}

export interface UtteranceLike {
  text: string;
  lang: string;
  voice: unknown;
  rate: number;
}

export interface SpeechLike {
  getVoices(): VoiceLike[];
  speak(utterance: UtteranceLike): void;
  cancel(): void;
}

const norm = (lang: string) => lang.replace('_', '-').toLowerCase();

/** The best voice for a locale: the exact language first (zh-CN), then the same language (zh-*), local voices first. */
export function pickVoice<V extends VoiceLike>(voices: readonly V[], locale: Locale): V | null {
  const want = norm(locale);
  const base = want.split('-')[0]!;
  const rank = (v: V): number => {
    const l = norm(v.lang);
    const lang = l === want ? 0 : l.split('-')[0] === base ? 1 : 9;
    return lang * 2 + (v.localService === false ? 1 : 0);
  };
  const candidates = voices.filter((v) => rank(v) < 9 * 2).sort((a, b) => rank(a) - rank(b));
  return candidates[0] ?? null;
}

export interface Announcer {
  /** Says `text` in `locale`; false when it cannot (speech off, or no voice for the language). */
  say(text: string, locale: Locale): boolean;
}

interface SpeechGlobals {
  speechSynthesis?: SpeechLike;
  SpeechSynthesisUtterance?: new (text: string) => UtteranceLike;
}

export function createAnnouncer(options: {
  enabled: () => boolean;
  speech?: SpeechLike | null;
  makeUtterance?: (text: string) => UtteranceLike;
}): Announcer {
  const g = globalThis as SpeechGlobals;
  const speech = options.speech === undefined ? (g.speechSynthesis ?? null) : options.speech;
  const Utterance = g.SpeechSynthesisUtterance;
  const make = options.makeUtterance ?? (Utterance ? (text: string) => new Utterance(text) : null);
  return {
    say(text, locale) {
      if (!options.enabled() || !speech || !make) return false;
      let voice: VoiceLike | null;
      try {
        voice = pickVoice(speech.getVoices(), locale);
      } catch {
        voice = null;
      }
      if (!voice) return false;
      const u = make(text);
      u.lang = voice.lang;
      u.voice = voice;
      u.rate = 1.05;
      // The newest news wins: a refusal right after a success is not queued behind it.
      speech.cancel();
      speech.speak(u);
      return true;
    },
  };
}
