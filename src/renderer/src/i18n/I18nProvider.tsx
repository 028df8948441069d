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
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const t = useCallback((key: MessageKey, params?: Params) => translate(locale, key, params), [locale]);
  const value = useMemo<I18n>(() => {
    const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' });
    const dt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
    return {
      locale,
      t,
      err: (e) => errorMessage(locale, e),
      money: (fen) => money.format(fen / 100),
      dateTime: (iso) => dt.format(new Date(iso)),
    };
  }, [locale, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
