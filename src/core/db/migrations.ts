/**
 * Numbered schema migrations. Append only: never edit a migration that has shipped, add the
 * next one. Each runs inside the same transaction that bumps PRAGMA user_version, so a crash
 * mid-migration leaves the database at the previous version, intact.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'settings and device identity',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE device (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        install_id  TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'verified campaign manifests',
    sql: `
      -- Every manifest this till has verified and installed; the highest version is in force.
      -- Kept as the exact signed text so it can be re-verified or shown to support later.
      CREATE TABLE manifests (
        version       INTEGER PRIMARY KEY,
        manifest      TEXT NOT NULL,
        signature     TEXT NOT NULL,
        installed_at  TEXT NOT NULL
      ) STRICT;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
