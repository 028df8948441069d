import type { DialectMigration } from './sqlDriver';

/**
 * The program's schema, per dialect. Append only. Amounts are integer fen (BIGINT on PostgreSQL),
 * times ISO-8601 UTC text, flags 0/1 integers, so queries read the same on both.
 */
export const PROGRAM_MIGRATIONS: readonly DialectMigration[] = [
  {
    sqlite: `
      CREATE TABLE program (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        program_id TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
        root_public_key TEXT NOT NULL, created_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE issuer_keys (
        key_id INTEGER PRIMARY KEY, public_key TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL
      ) STRICT;
      CREATE TABLE campaigns (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;
      CREATE TABLE vouchers (
        voucher_id TEXT PRIMARY KEY, campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
        kind TEXT NOT NULL CHECK (kind IN ('fixed', 'balance')), face_value_fen INTEGER NOT NULL,
        valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL, holder_tag TEXT NOT NULL,
        key_id INTEGER NOT NULL REFERENCES issuer_keys (key_id), token TEXT NOT NULL, issued_at TEXT NOT NULL,
        revoked_at TEXT, revoke_reason TEXT
      ) STRICT;
      CREATE INDEX vouchers_campaign ON vouchers (campaign_id);
      CREATE TABLE manifests (version INTEGER PRIMARY KEY, manifest TEXT NOT NULL, signature TEXT NOT NULL, published_at TEXT NOT NULL) STRICT;
    `,
    postgres: `
      CREATE TABLE program (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        program_id TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
        root_public_key TEXT NOT NULL, created_at TEXT NOT NULL
      );
      CREATE TABLE issuer_keys (key_id INTEGER PRIMARY KEY, public_key TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT NOT NULL);
      CREATE TABLE campaigns (id BIGINT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE vouchers (
        voucher_id TEXT PRIMARY KEY, campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
        kind TEXT NOT NULL CHECK (kind IN ('fixed', 'balance')), face_value_fen BIGINT NOT NULL,
        valid_from BIGINT NOT NULL, valid_until BIGINT NOT NULL, holder_tag TEXT NOT NULL,
        key_id INTEGER NOT NULL REFERENCES issuer_keys (key_id), token TEXT NOT NULL, issued_at TEXT NOT NULL,
        revoked_at TEXT, revoke_reason TEXT
      );
      CREATE INDEX vouchers_campaign ON vouchers (campaign_id);
      CREATE TABLE manifests (version INTEGER PRIMARY KEY, manifest TEXT NOT NULL, signature TEXT NOT NULL, published_at TEXT NOT NULL);
    `,
  },
  {
    sqlite: `
      CREATE TABLE merchants (merchant_id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;
      CREATE TABLE enrollment_codes (
        code_hash TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants (merchant_id),
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT, device_id TEXT
      ) STRICT;
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants (merchant_id), public_key TEXT NOT NULL,
        name TEXT NOT NULL, enrolled_at TEXT NOT NULL, head_seq INTEGER NOT NULL DEFAULT 0, head_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      CREATE TABLE authorizations (
        authorization_id TEXT PRIMARY KEY, idem_key TEXT NOT NULL UNIQUE, device_id TEXT NOT NULL, voucher_id TEXT NOT NULL,
        amount_fen INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('reserved', 'captured', 'released', 'declined')),
        reason TEXT, created_at TEXT NOT NULL, expires_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX authorizations_voucher ON authorizations (voucher_id, status);
      CREATE TABLE batches (
        batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, body_hash TEXT NOT NULL, response TEXT NOT NULL, received_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE records (
        record_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, merchant_id TEXT NOT NULL, seq INTEGER NOT NULL, batch_id TEXT NOT NULL,
        sale_id TEXT NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL, voucher_id TEXT NOT NULL, campaign_id INTEGER NOT NULL,
        kind TEXT NOT NULL, amount_fen INTEGER NOT NULL, forfeited_fen INTEGER NOT NULL, other_tender_fen INTEGER NOT NULL,
        categories TEXT NOT NULL, auth_ref TEXT NOT NULL, reverses TEXT, hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')), reason TEXT, statement_id TEXT,
        received_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        UNIQUE (device_id, seq)
      ) STRICT;
      CREATE INDEX records_voucher ON records (voucher_id, status);
      CREATE INDEX records_updated ON records (device_id, updated_at);
      CREATE TABLE statements (
        statement_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, period_until TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'paid')), total_fen INTEGER NOT NULL, record_count INTEGER NOT NULL,
        created_at TEXT NOT NULL, approved_at TEXT, paid_at TEXT, payout_reference TEXT, updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE operators (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;
    `,
    postgres: `
      CREATE TABLE merchants (merchant_id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE enrollment_codes (
        code_hash TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants (merchant_id),
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT, device_id TEXT
      );
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL REFERENCES merchants (merchant_id), public_key TEXT NOT NULL,
        name TEXT NOT NULL, enrolled_at TEXT NOT NULL, head_seq BIGINT NOT NULL DEFAULT 0, head_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1
      );
      CREATE TABLE authorizations (
        authorization_id TEXT PRIMARY KEY, idem_key TEXT NOT NULL UNIQUE, device_id TEXT NOT NULL, voucher_id TEXT NOT NULL,
        amount_fen BIGINT NOT NULL, status TEXT NOT NULL CHECK (status IN ('reserved', 'captured', 'released', 'declined')),
        reason TEXT, created_at TEXT NOT NULL, expires_at TEXT NOT NULL
      );
      CREATE INDEX authorizations_voucher ON authorizations (voucher_id, status);
      CREATE TABLE batches (batch_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, body_hash TEXT NOT NULL, response TEXT NOT NULL, received_at TEXT NOT NULL);
      CREATE TABLE records (
        record_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, merchant_id TEXT NOT NULL, seq BIGINT NOT NULL, batch_id TEXT NOT NULL,
        sale_id TEXT NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL, voucher_id TEXT NOT NULL, campaign_id BIGINT NOT NULL,
        kind TEXT NOT NULL, amount_fen BIGINT NOT NULL, forfeited_fen BIGINT NOT NULL, other_tender_fen BIGINT NOT NULL,
        categories TEXT NOT NULL, auth_ref TEXT NOT NULL, reverses TEXT, hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')), reason TEXT, statement_id TEXT,
        received_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        UNIQUE (device_id, seq)
      );
      CREATE INDEX records_voucher ON records (voucher_id, status);
      CREATE INDEX records_updated ON records (device_id, updated_at);
      CREATE TABLE statements (
        statement_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, period_until TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'paid')), total_fen BIGINT NOT NULL, record_count BIGINT NOT NULL,
        created_at TEXT NOT NULL, approved_at TEXT, paid_at TEXT, payout_reference TEXT, updated_at TEXT NOT NULL
      );
      CREATE TABLE operators (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
    `,
  },
  {
    // Voids look up the redemption they reverse; late authorizations look up the sale they belong to.
    sqlite: 'CREATE INDEX records_reverses ON records (reverses); CREATE INDEX records_sale ON records (device_id, sale_id);',
    postgres: 'CREATE INDEX records_reverses ON records (reverses); CREATE INDEX records_sale ON records (device_id, sale_id);',
  },
  {
    // Issuer keys can be revoked; re-issued vouchers share a lineage (one budget); the program keeps
    // no bearer token (issue writes the CSV and cards, a re-print re-issues); contacts with each till
    // bound its offline spending; a record whose id was taken is kept apart, never counted. Tokens are
    // blanked before the column goes (SQLite's secure_delete then zeroes them; on PostgreSQL the old
    // row versions are gone after VACUUM FULL vouchers).
    sqlite: `
      ALTER TABLE issuer_keys ADD COLUMN revoked_at TEXT;
      ALTER TABLE issuer_keys ADD COLUMN revoke_reason TEXT;
      ALTER TABLE vouchers ADD COLUMN replaces TEXT;
      ALTER TABLE vouchers ADD COLUMN lineage TEXT;
      UPDATE vouchers SET token = '';
      ALTER TABLE vouchers DROP COLUMN token;
      CREATE INDEX vouchers_key ON vouchers (key_id);
      CREATE INDEX vouchers_lineage ON vouchers (lineage) WHERE lineage IS NOT NULL;
      CREATE TABLE device_contacts (device_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (device_id, at)) STRICT;
      INSERT INTO device_contacts (device_id, at) SELECT device_id, enrolled_at FROM devices;
      CREATE TABLE duplicate_records (
        device_id TEXT NOT NULL, seq INTEGER NOT NULL, record_id TEXT NOT NULL, batch_id TEXT NOT NULL, type TEXT NOT NULL,
        amount_fen INTEGER NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL,
        PRIMARY KEY (device_id, seq)
      ) STRICT;
      CREATE INDEX duplicate_records_id ON duplicate_records (device_id, record_id);
      CREATE INDEX records_offline ON records (device_id, type, time) WHERE auth_ref = 'offline';
    `,
    postgres: `
      ALTER TABLE issuer_keys ADD COLUMN revoked_at TEXT;
      ALTER TABLE issuer_keys ADD COLUMN revoke_reason TEXT;
      ALTER TABLE vouchers ADD COLUMN replaces TEXT;
      ALTER TABLE vouchers ADD COLUMN lineage TEXT;
      UPDATE vouchers SET token = '';
      ALTER TABLE vouchers DROP COLUMN token;
      CREATE INDEX vouchers_key ON vouchers (key_id);
      CREATE INDEX vouchers_lineage ON vouchers (lineage) WHERE lineage IS NOT NULL;
      CREATE TABLE device_contacts (device_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (device_id, at));
      INSERT INTO device_contacts (device_id, at) SELECT device_id, enrolled_at FROM devices;
      CREATE TABLE duplicate_records (
        device_id TEXT NOT NULL, seq BIGINT NOT NULL, record_id TEXT NOT NULL, batch_id TEXT NOT NULL, type TEXT NOT NULL,
        amount_fen BIGINT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL,
        PRIMARY KEY (device_id, seq)
      );
      CREATE INDEX duplicate_records_id ON duplicate_records (device_id, record_id);
      CREATE INDEX records_offline ON records (device_id, type, time) WHERE auth_ref = 'offline';
    `,
  },
  {
    // Trust in both directions (issue 10, items 2 and 4). The program signs its replies to tills with
    // a server key the manifest names. Every signed request carries the till's journal head: kept as
    // a checkpoint per head seq with the program's own first and last time it was reported (and the
    // newest manifest the till was given with it), so a record's claimed time can be bounded by what
    // the till had recorded when. (device_contacts stays as it is: it is keyed by time, one row a
    // minute, for the offline limits; checkpoints are keyed by seq.) A record can be held for review.
    // SQLite cannot change a CHECK: the records table is rebuilt, with its indexes.
    sqlite: `
      CREATE TABLE server_keys (key_id INTEGER PRIMARY KEY, public_key TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;
      CREATE TABLE device_checkpoints (
        device_id TEXT NOT NULL, head_seq INTEGER NOT NULL, head_hash TEXT NOT NULL, first_at TEXT NOT NULL, last_at TEXT NOT NULL,
        manifest_version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (device_id, head_seq)
      ) STRICT;
      INSERT INTO device_checkpoints (device_id, head_seq, head_hash, first_at, last_at)
        SELECT device_id, 0, '${'0'.repeat(64)}', enrolled_at, enrolled_at FROM devices;
      ALTER TABLE devices ADD COLUMN last_time TEXT;
      UPDATE devices SET last_time = (SELECT MAX(r.time) FROM records r WHERE r.device_id = devices.device_id);
      CREATE TABLE records_v5 (
        record_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, merchant_id TEXT NOT NULL, seq INTEGER NOT NULL, batch_id TEXT NOT NULL,
        sale_id TEXT NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL, voucher_id TEXT NOT NULL, campaign_id INTEGER NOT NULL,
        kind TEXT NOT NULL, amount_fen INTEGER NOT NULL, forfeited_fen INTEGER NOT NULL, other_tender_fen INTEGER NOT NULL,
        categories TEXT NOT NULL, auth_ref TEXT NOT NULL, reverses TEXT, hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'held')), reason TEXT, statement_id TEXT,
        received_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        UNIQUE (device_id, seq)
      ) STRICT;
      INSERT INTO records_v5 (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen,
                              forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, statement_id, received_at, updated_at)
        SELECT record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen,
               forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, statement_id, received_at, updated_at FROM records;
      DROP TABLE records;
      ALTER TABLE records_v5 RENAME TO records;
      CREATE INDEX records_voucher ON records (voucher_id, status);
      CREATE INDEX records_updated ON records (device_id, updated_at);
      CREATE INDEX records_reverses ON records (reverses);
      CREATE INDEX records_sale ON records (device_id, sale_id);
      CREATE INDEX records_offline ON records (device_id, type, time) WHERE auth_ref = 'offline';
      CREATE INDEX records_held ON records (status) WHERE status = 'held';
    `,
    postgres: `
      CREATE TABLE server_keys (key_id INTEGER PRIMARY KEY, public_key TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE device_checkpoints (
        device_id TEXT NOT NULL, head_seq BIGINT NOT NULL, head_hash TEXT NOT NULL, first_at TEXT NOT NULL, last_at TEXT NOT NULL,
        manifest_version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (device_id, head_seq)
      );
      INSERT INTO device_checkpoints (device_id, head_seq, head_hash, first_at, last_at)
        SELECT device_id, 0, '${'0'.repeat(64)}', enrolled_at, enrolled_at FROM devices;
      ALTER TABLE devices ADD COLUMN last_time TEXT;
      UPDATE devices SET last_time = (SELECT MAX(r.time) FROM records r WHERE r.device_id = devices.device_id);
      ALTER TABLE records DROP CONSTRAINT records_status_check;
      ALTER TABLE records ADD CONSTRAINT records_status_check CHECK (status IN ('accepted', 'rejected', 'held'));
      CREATE INDEX records_held ON records (status) WHERE status = 'held';
    `,
  },
  {
    // Recovery (the back office): a till restored from an old backup, or a new PC, fetches its own
    // records back and re-checks the chain. Each record's hash covers its cashier: keep it.
    sqlite: `ALTER TABLE records ADD COLUMN cashier_id INTEGER NOT NULL DEFAULT 0;`,
    postgres: `ALTER TABLE records ADD COLUMN cashier_id BIGINT NOT NULL DEFAULT 0;`,
  },
  {
    // A recovery code re-enrolls a replacement PC as the same till (its device id, journal and
    // checkpoints go on); only the new PC's public key changes. One use, short-lived, like enrollment codes.
    sqlite: `ALTER TABLE enrollment_codes ADD COLUMN for_device TEXT;`,
    postgres: `ALTER TABLE enrollment_codes ADD COLUMN for_device TEXT;`,
  },
  {
    // Holder-code lookups (issue 13, item 4): vouchers found by the code printed on the card, and
    // each till's lookups counted where every server process sees them, so guessing is throttled.
    sqlite: `
      CREATE INDEX vouchers_holder_tag ON vouchers (holder_tag);
      CREATE TABLE holder_lookups (device_id TEXT NOT NULL, at TEXT NOT NULL, found INTEGER NOT NULL);
      CREATE INDEX holder_lookups_device ON holder_lookups (device_id, at);
    `,
    postgres: `
      CREATE INDEX vouchers_holder_tag ON vouchers (holder_tag);
      CREATE TABLE holder_lookups (device_id TEXT NOT NULL, at TEXT NOT NULL, found INTEGER NOT NULL);
      CREATE INDEX holder_lookups_device ON holder_lookups (device_id, at);
    `,
  },
  {
    // The program's approved product list and shop proposals (issue 11). APL versions keep their
    // signed whole list and, made when a version is imported (by the CLI, which holds the root key),
    // signed deltas to it from the versions before; entries carry the range of versions they were
    // listed in [from_version, to_version), so intake asks "was barcode X listed, as what, at version
    // V" in one query. Shop lists (signed by a server key) per merchant, versioned the same way. A
    // record's item lines and the list versions its till had (null where the record carried none:
    // its hash is then computed as before, see canonicalRecord), kept for recovery and the report.
    sqlite: `
      CREATE TABLE apl_versions (
        version INTEGER PRIMARY KEY, issued_at TEXT NOT NULL, entry_count INTEGER NOT NULL, upserts INTEGER NOT NULL, removals INTEGER NOT NULL,
        source TEXT, document TEXT NOT NULL, signature TEXT NOT NULL
      ) STRICT;
      CREATE TABLE apl_deltas (
        base INTEGER NOT NULL, version INTEGER NOT NULL, document TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (base, version)
      ) STRICT;
      CREATE TABLE apl_entries (
        barcode TEXT NOT NULL, from_version INTEGER NOT NULL, to_version INTEGER, category TEXT NOT NULL,
        max_unit_price_fen INTEGER, valid_from TEXT, valid_until TEXT, PRIMARY KEY (barcode, from_version)
      ) STRICT;
      CREATE INDEX apl_entries_current ON apl_entries (to_version, barcode);
      CREATE TABLE proposals (
        proposal_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, device_id TEXT NOT NULL, barcode TEXT, name TEXT NOT NULL,
        price_fen INTEGER NOT NULL, category TEXT NOT NULL, unit TEXT, note TEXT, proposed_at TEXT NOT NULL, received_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')), reason TEXT,
        approved_category TEXT, approved_price_fen INTEGER, decided_at TEXT
      ) STRICT;
      CREATE INDEX proposals_merchant ON proposals (merchant_id, status);
      CREATE INDEX proposals_status ON proposals (status, received_at);
      CREATE TABLE shop_lists (
        merchant_id TEXT NOT NULL, version INTEGER NOT NULL, issued_at TEXT NOT NULL, document TEXT NOT NULL, key_id INTEGER NOT NULL,
        signature TEXT NOT NULL, PRIMARY KEY (merchant_id, version)
      ) STRICT;
      CREATE TABLE shop_entries (
        merchant_id TEXT NOT NULL, proposal_id TEXT NOT NULL, from_version INTEGER NOT NULL, to_version INTEGER, barcode TEXT,
        name TEXT NOT NULL, price_fen INTEGER NOT NULL, category TEXT NOT NULL, PRIMARY KEY (proposal_id, from_version)
      ) STRICT;
      CREATE INDEX shop_entries_merchant ON shop_entries (merchant_id, to_version);
      CREATE TABLE record_lines (
        record_id TEXT NOT NULL, line_index INTEGER NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, quantity INTEGER NOT NULL,
        unit_price_fen INTEGER NOT NULL, amount_fen INTEGER NOT NULL, category TEXT NOT NULL, PRIMARY KEY (record_id, line_index)
      ) STRICT;
      CREATE INDEX record_lines_code ON record_lines (code);
      CREATE TABLE record_list_versions (
        record_id TEXT PRIMARY KEY, apl INTEGER, shop INTEGER, line_count INTEGER
      ) STRICT;
    `,
    postgres: `
      CREATE TABLE apl_versions (
        version INTEGER PRIMARY KEY, issued_at TEXT NOT NULL, entry_count INTEGER NOT NULL, upserts INTEGER NOT NULL, removals INTEGER NOT NULL,
        source TEXT, document TEXT NOT NULL, signature TEXT NOT NULL
      );
      CREATE TABLE apl_deltas (
        base INTEGER NOT NULL, version INTEGER NOT NULL, document TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (base, version)
      );
      CREATE TABLE apl_entries (
        barcode TEXT NOT NULL, from_version INTEGER NOT NULL, to_version INTEGER, category TEXT NOT NULL,
        max_unit_price_fen BIGINT, valid_from TEXT, valid_until TEXT, PRIMARY KEY (barcode, from_version)
      );
      CREATE INDEX apl_entries_current ON apl_entries (to_version, barcode);
      CREATE TABLE proposals (
        proposal_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, device_id TEXT NOT NULL, barcode TEXT, name TEXT NOT NULL,
        price_fen BIGINT NOT NULL, category TEXT NOT NULL, unit TEXT, note TEXT, proposed_at TEXT NOT NULL, received_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')), reason TEXT,
        approved_category TEXT, approved_price_fen BIGINT, decided_at TEXT
      );
      CREATE INDEX proposals_merchant ON proposals (merchant_id, status);
      CREATE INDEX proposals_status ON proposals (status, received_at);
      CREATE TABLE shop_lists (
        merchant_id TEXT NOT NULL, version INTEGER NOT NULL, issued_at TEXT NOT NULL, document TEXT NOT NULL, key_id INTEGER NOT NULL,
        signature TEXT NOT NULL, PRIMARY KEY (merchant_id, version)
      );
      CREATE TABLE shop_entries (
        merchant_id TEXT NOT NULL, proposal_id TEXT NOT NULL, from_version INTEGER NOT NULL, to_version INTEGER, barcode TEXT,
        name TEXT NOT NULL, price_fen BIGINT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (proposal_id, from_version)
      );
      CREATE INDEX shop_entries_merchant ON shop_entries (merchant_id, to_version);
      CREATE TABLE record_lines (
        record_id TEXT NOT NULL, line_index INTEGER NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, quantity BIGINT NOT NULL,
        unit_price_fen BIGINT NOT NULL, amount_fen BIGINT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (record_id, line_index)
      );
      CREATE INDEX record_lines_code ON record_lines (code);
      CREATE TABLE record_list_versions (
        record_id TEXT PRIMARY KEY, apl INTEGER, shop INTEGER, line_count INTEGER
      );
    `,
  },
  {
    // The program at scale (issue 15): every index on records costs each record taken and each
    // record a statement claims (the claim changes updated_at, so it is never a HOT update). Voids
    // are few: index only the rows that are one. records_sale served one lookup only, which names
    // the voucher too and is served by records_voucher. A statement finds a shop's unsettled
    // records through an index that holds only those (a claimed record leaves it), not by reading
    // every record the program has ever settled.
    sqlite: `
      DROP INDEX records_reverses;
      DROP INDEX records_sale;
      CREATE INDEX records_reverses ON records (reverses) WHERE reverses IS NOT NULL;
      CREATE INDEX records_unsettled ON records (merchant_id, time) WHERE status = 'accepted' AND statement_id IS NULL;
    `,
    postgres: `
      DROP INDEX records_reverses;
      DROP INDEX records_sale;
      CREATE INDEX records_reverses ON records (reverses) WHERE reverses IS NOT NULL;
      CREATE INDEX records_unsettled ON records (merchant_id, time) WHERE status = 'accepted' AND statement_id IS NULL;
    `,
  },
  {
    // Statements claim records into a narrow table of their own (issue 15) instead of writing each
    // record's statement_id: an UPDATE of a wide record row rewrites the whole row and every index
    // entry (38 s for a million records), an insert of (rid, statement, net) is a sequential append
    // to one small index (about 5 s). The key is a number given at insert (rid), not the record's
    // text id, for the same reason. The primary key is the claim: a record is in one statement at
    // most, and two statements made at the same moment by two processes cannot both take it (the
    // second waits for the first's insert and then skips it, ON CONFLICT DO NOTHING). Tills learn
    // a claim through the status feed (deviceStatus), which reads the claims of statements made
    // since their cursor. SQLite has no ADD COLUMN … PRIMARY KEY: its records table is rebuilt.
    sqlite: `
      CREATE TABLE records_v13 (
        rid INTEGER PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, device_id TEXT NOT NULL, merchant_id TEXT NOT NULL, seq INTEGER NOT NULL,
        batch_id TEXT NOT NULL, sale_id TEXT NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL, voucher_id TEXT NOT NULL,
        campaign_id INTEGER NOT NULL, kind TEXT NOT NULL, amount_fen INTEGER NOT NULL, forfeited_fen INTEGER NOT NULL,
        other_tender_fen INTEGER NOT NULL, categories TEXT NOT NULL, auth_ref TEXT NOT NULL, reverses TEXT, hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'held')), reason TEXT,
        received_at TEXT NOT NULL, updated_at TEXT NOT NULL, cashier_id INTEGER NOT NULL DEFAULT 0,
        UNIQUE (device_id, seq)
      ) STRICT;
      INSERT INTO records_v13 (record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen, forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at, cashier_id)
        SELECT record_id, device_id, merchant_id, seq, batch_id, sale_id, type, time, voucher_id, campaign_id, kind, amount_fen, forfeited_fen, other_tender_fen, categories, auth_ref, reverses, hash, status, reason, received_at, updated_at, cashier_id FROM records ORDER BY received_at, device_id, seq;
      CREATE TABLE statement_records (rid INTEGER PRIMARY KEY, statement_id TEXT NOT NULL, net_fen INTEGER NOT NULL) STRICT;
      INSERT INTO statement_records (rid, statement_id, net_fen)
        SELECT n.rid, r.statement_id, CASE r.type WHEN 'redeem' THEN r.amount_fen ELSE -r.amount_fen END FROM records r JOIN records_v13 n ON n.record_id = r.record_id WHERE r.statement_id IS NOT NULL;
      -- SQLite sums a new statement's claims afterwards (it has no INSERT in a WITH): by statement.
      CREATE INDEX statement_records_statement ON statement_records (statement_id);
      DROP TABLE records;
      ALTER TABLE records_v13 RENAME TO records;
      CREATE INDEX records_voucher ON records (voucher_id, status);
      CREATE INDEX records_updated ON records (device_id, updated_at);
      CREATE INDEX records_reverses ON records (reverses) WHERE reverses IS NOT NULL;
      CREATE INDEX records_offline ON records (device_id, type, time) WHERE auth_ref = 'offline';
      CREATE INDEX records_held ON records (status) WHERE status = 'held';
      CREATE INDEX records_accepted ON records (merchant_id, time) WHERE status = 'accepted';
    `,
    postgres: `
      ALTER TABLE records ADD COLUMN rid BIGINT GENERATED ALWAYS AS IDENTITY;
      CREATE UNIQUE INDEX records_rid ON records (rid);
      CREATE TABLE statement_records (rid BIGINT PRIMARY KEY, statement_id TEXT NOT NULL, net_fen BIGINT NOT NULL);
      INSERT INTO statement_records (rid, statement_id, net_fen)
        SELECT r.rid, r.statement_id, CASE r.type WHEN 'redeem' THEN r.amount_fen ELSE -r.amount_fen END FROM records r WHERE r.statement_id IS NOT NULL;
      DROP INDEX records_unsettled;
      ALTER TABLE records DROP COLUMN statement_id;
      CREATE INDEX records_accepted ON records (merchant_id, time) WHERE status = 'accepted';
    `,
  },
];
