import type { Db } from '../db/open';
import { settingKeys, type SettingKey, type SettingValue } from './settingKeys';

/**
 * The till's settings: a key/value table read and written through the typed map in settingKeys.ts.
 * Values are JSON so that a setting can grow a structure later. Committed values are cached: settings
 * sit on the scan path (merchant, time zone) and this process is the database's only writer.
 */
export class SettingsStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly cache = new Map<SettingKey, unknown>();

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.putStmt = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get<K extends SettingKey>(key: K): SettingValue<K> {
    if (this.cache.has(key)) return this.cache.get(key) as SettingValue<K>;
    const value = this.load(key);
    // Inside a transaction the value may yet be rolled back: only committed values are cached.
    if (!this.db.inTransaction) this.cache.set(key, value);
    return value;
  }

  /** Validates against the key's schema (a wrong value throws before anything is written). */
  set<K extends SettingKey>(key: K, value: SettingValue<K>): void {
    const checked = settingKeys[key].schema.parse(value) as SettingValue<K>;
    this.putStmt.run(key, JSON.stringify(checked));
    if (this.db.inTransaction) this.cache.delete(key);
    else this.cache.set(key, checked);
  }

  private load<K extends SettingKey>(key: K): SettingValue<K> {
    const spec = settingKeys[key];
    const row = this.getStmt.get(key);
    if (!row) return spec.default as SettingValue<K>;
    let json: unknown;
    try {
      json = JSON.parse(row.value);
    } catch {
      return spec.default as SettingValue<K>;
    }
    const parsed = spec.schema.safeParse(json);
    return (parsed.success ? parsed.data : spec.default) as SettingValue<K>;
  }
}
