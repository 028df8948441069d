import type { ApiError } from '../api/errors';
import { en } from './en';
import type { Locale } from './locales';
import { zhCN, type MessageKey } from './zh-CN';

export type { MessageKey } from './zh-CN';

const catalogues: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export type Params = Record<string, string | number>;

/** Looks a key up and fills {placeholders}; an unknown placeholder stays visible rather than vanishing. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = catalogues[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The message a person sees for an API error: the catalogue text for its code. */
export function errorMessage(locale: Locale, error: Pick<ApiError, 'code' | 'field' | 'params'>): string {
  const params: Params = { ...(error.params ?? {}) };
  if (error.field !== undefined) params.field = error.field;
  // The program's rejection reasons arrive as codes; say them in words.
  const reasonKey = `reject.${String(params.reason)}`;
  if (params.reason !== undefined && reasonKey in catalogues[locale]) params.reason = translate(locale, reasonKey as MessageKey);
  return translate(locale, `error.${error.code}`, params);
}

export function catalogueKeys(locale: Locale): MessageKey[] {
  return Object.keys(catalogues[locale]) as MessageKey[];
}
