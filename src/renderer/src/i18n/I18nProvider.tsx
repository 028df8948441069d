import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import type { ApiError } from '../../../shared/api/errors';
import type { Locale } from '../../../shared/i18n/locales';
import { errorMessage, translate, type MessageKey, type Params } from '../../../shared/i18n/translate';

export interface I18n {
  locale: Locale;
  t: (key: MessageKey, params?: Params) => string;
  err: (error: Pick<ApiError, 'code' | 'field' | 'params'>) => string;
  money: (fen: number) => string;
  dateTime: (iso: string) => string;
  date: (iso: string) => string;
  time: (iso: string) => string;
}

const I18nContext = createContext<I18n | null>(null);

/** Formats in the shop's time zone (times are stored in UTC), whatever zone the computer is set to. */
export function I18nProvider({ locale, timeZone, children }: { locale: Locale; timeZone?: string; children: ReactNode }) {
  const t = useCallback((key: MessageKey, params?: Params) => translate(locale, key, params), [locale]);
  const value = useMemo<I18n>(() => {
    const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' });
    const zone = timeZone ? { timeZone } : {};
    const dt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', ...zone });
    const d = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', ...zone });
    const tm = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...zone });
    return {
      locale,
      t,
      err: (e) => errorMessage(locale, e),
      money: (fen) => money.format(fen / 100),
      dateTime: (iso) => dt.format(new Date(iso)),
      date: (iso) => d.format(new Date(iso)),
      time: (iso) => tm.format(new Date(iso)),
    };
  }, [locale, t, timeZone]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
