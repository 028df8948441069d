import { DEFAULT_LOCALE, LOCALES, type Locale } from '../../shared/i18n/locales';
import type { Settings } from '../../shared/api/contract';
import type { Db } from '../db/open';

/** Key/value settings of the till. Values are JSON so that a setting can grow a structure later. */
export class SettingsStore {
  private readonly getStmt;
  private readonly putStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.putStmt = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  read<T>(key: string, fallback: T): T {
    const row = this.getStmt.get(key);
    if (!row) return fallback;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return fallback;
    }
  }

  write(key: string, value: unknown): void {
    this.putStmt.run(key, JSON.stringify(value));
  }

  locale(): Locale {
    const v = this.read<string>('locale', DEFAULT_LOCALE);
    return (LOCALES as readonly string[]).includes(v) ? (v as Locale) : DEFAULT_LOCALE;
  }

  all(): Pick<Settings, 'locale'> {
    return { locale: this.locale() };
  }
}
