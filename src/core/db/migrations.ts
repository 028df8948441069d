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
  {
    version: 3,
    name: 'users, catalogue, sales, journal, local voucher state',
    sql: `
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('cashier', 'owner')),
        pin_hash      TEXT NOT NULL,
        failed_pins   INTEGER NOT NULL DEFAULT 0,
        locked_until  TEXT,
        active        INTEGER NOT NULL DEFAULT 1,
        created_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE items (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL,
        price_fen    INTEGER NOT NULL CHECK (price_fen >= 0),
        unit         TEXT NOT NULL,
        category     TEXT NOT NULL,
        quick_key    INTEGER NOT NULL DEFAULT 0,
        active       INTEGER NOT NULL DEFAULT 1,
        updated_at   TEXT NOT NULL
      ) STRICT;
      CREATE TABLE barcodes (
        code     TEXT PRIMARY KEY,
        item_id  INTEGER NOT NULL REFERENCES items (id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX barcodes_item ON barcodes (item_id);

      -- A completed sale and its lines, as the cashier saw them (prices at the time of sale).
      CREATE TABLE sales (
        id                TEXT PRIMARY KEY,
        created_at        TEXT NOT NULL,
        cashier_id        INTEGER NOT NULL REFERENCES users (id),
        total_fen         INTEGER NOT NULL,
        voucher_paid_fen  INTEGER NOT NULL,
        other_tender_fen  INTEGER NOT NULL,
        forfeited_fen     INTEGER NOT NULL,
        voided_at         TEXT,
        voided_by         INTEGER REFERENCES users (id)
      ) STRICT;
      CREATE INDEX sales_created ON sales (created_at);
      CREATE TABLE sale_lines (
        sale_id           TEXT NOT NULL REFERENCES sales (id),
        line_no           INTEGER NOT NULL,
        item_id           INTEGER NOT NULL,
        name              TEXT NOT NULL,
        category          TEXT NOT NULL,
        unit              TEXT NOT NULL,
        unit_price_fen    INTEGER NOT NULL,
        quantity          INTEGER NOT NULL,
        amount_fen        INTEGER NOT NULL,
        voucher_paid_fen  INTEGER NOT NULL,
        eligibility       TEXT NOT NULL,
        PRIMARY KEY (sale_id, line_no)
      ) STRICT;

      -- The redemption journal: append-only, hash-chained, one row per redemption or reversal.
      CREATE TABLE journal (
        seq               INTEGER PRIMARY KEY,
        id                TEXT NOT NULL UNIQUE,
        device_id         TEXT NOT NULL,
        type              TEXT NOT NULL CHECK (type IN ('redeem', 'reverse')),
        time              TEXT NOT NULL,
        cashier_id        INTEGER NOT NULL,
        sale_id           TEXT NOT NULL,
        voucher_id        TEXT NOT NULL,
        campaign_id       INTEGER NOT NULL,
        kind              TEXT NOT NULL,
        amount_fen        INTEGER NOT NULL,
        forfeited_fen     INTEGER NOT NULL,
        categories        TEXT NOT NULL,
        other_tender_fen  INTEGER NOT NULL,
        authorization     TEXT NOT NULL,
        reverses          TEXT,
        prev_hash         TEXT NOT NULL,
        hash              TEXT NOT NULL
      ) STRICT;
      CREATE INDEX journal_sale ON journal (sale_id);
      CREATE INDEX journal_voucher ON journal (voucher_id);
      CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
      CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;

      -- What this till knows of each voucher it has redeemed (derived from the journal, kept for speed).
      CREATE TABLE voucher_state (
        voucher_id         TEXT PRIMARY KEY,
        campaign_id        INTEGER NOT NULL,
        kind               TEXT NOT NULL,
        face_value_fen     INTEGER NOT NULL,
        spent_fen          INTEGER NOT NULL,
        forfeited_fen      INTEGER NOT NULL,
        uses               INTEGER NOT NULL,
        offline_spent_fen  INTEGER NOT NULL,
        updated_at         TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'persisted print queue',
    sql: `
      -- Receipts waiting for the printer. A sale never waits for paper: it is committed first and
      -- its receipts are queued in the same transaction, then printed (and retried) from here.
      CREATE TABLE print_jobs (
        id               INTEGER PRIMARY KEY,
        kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'test')),
        sale_id          TEXT REFERENCES sales (id),
        copy             TEXT NOT NULL CHECK (copy IN ('beneficiary', 'shop', 'test')),
        status           TEXT NOT NULL CHECK (status IN ('queued', 'done', 'cancelled')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        last_error       TEXT,
        next_attempt_at  TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        printed_at       TEXT
      ) STRICT;
      CREATE INDEX print_jobs_due ON print_jobs (status, next_attempt_at);
    `,
  },
  {
    version: 5,
    name: 'sync: outbox batches, record states, statements',
    sql: `
      -- A batch keeps its id and its exact range for ever, so a resend is byte-for-byte the same
      -- request and the program counts it once.
      CREATE TABLE outbox_batches (
        batch_id    TEXT PRIMARY KEY,
        from_seq    INTEGER NOT NULL,
        to_seq      INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        done_at     TEXT,
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT
      ) STRICT;
      CREATE UNIQUE INDEX outbox_batches_from ON outbox_batches (from_seq);

      -- What the program said about each journal record.
      CREATE TABLE record_status (
        record_id     TEXT PRIMARY KEY,
        status        TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
        reason        TEXT,
        statement_id  TEXT,
        updated_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE statements (
        statement_id      TEXT PRIMARY KEY,
        status            TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'paid')),
        total_fen         INTEGER NOT NULL,
        record_count      INTEGER NOT NULL,
        period_until      TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        approved_at       TEXT,
        paid_at           TEXT,
        payout_reference  TEXT
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: 'owner approvals throttled per acting cashier',
    sql: `
      -- Wrong owner PINs typed at a cashier's till (void, override) count against that cashier as
      -- well as against the owner's own lockout, so no one can guess the owner's PIN through approvals.
      ALTER TABLE users ADD COLUMN approval_failures INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN approval_locked_until TEXT;
    `,
  },
  {
    version: 7,
    name: 'holder tag of each redeemed voucher',
    sql: `
      -- The card's holder code is what a cashier and a family compare (card, screen, receipt);
      -- the journal keeps only the voucher id, so the 40-bit holder tag is kept beside its state.
      ALTER TABLE voucher_state ADD COLUMN holder_tag TEXT;
    `,
  },
  {
    version: 8,
    name: 'back office: shifts and Z-reports, tender types, Z-report print jobs, backups, retention',
    sql: `
      -- A shift runs from opening (float counted) to closing (cash counted). Its id is the Z number,
      -- which never resets. Each shift owns a contiguous run of journal seqs (from_seq..to_seq), so
      -- every record is in exactly one Z-report. A closed shift never changes.
      CREATE TABLE shifts (
        id                 INTEGER PRIMARY KEY,
        opened_at          TEXT NOT NULL,
        opened_by          INTEGER NOT NULL REFERENCES users (id),
        opening_float_fen  INTEGER NOT NULL CHECK (opening_float_fen BETWEEN 0 AND 100000000),
        from_seq           INTEGER NOT NULL,
        closed_at          TEXT,
        closed_by          INTEGER REFERENCES users (id),
        counted_cash_fen   INTEGER,
        to_seq             INTEGER,
        report             TEXT
      ) STRICT;
      CREATE UNIQUE INDEX shifts_one_open ON shifts ((closed_at IS NULL)) WHERE closed_at IS NULL;
      CREATE TRIGGER shifts_closed_never_change BEFORE UPDATE ON shifts WHEN OLD.closed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a closed shift never changes'); END;
      CREATE TRIGGER shifts_never_deleted BEFORE DELETE ON shifts BEGIN SELECT RAISE(ABORT, 'shifts are kept'); END;

      -- How the rest of a sale was paid (recorded, not processed): cash, WeChat Pay, Alipay, bank card, other.
      ALTER TABLE sales ADD COLUMN tender_type TEXT NOT NULL DEFAULT 'cash'
        CHECK (tender_type IN ('cash', 'wechat', 'alipay', 'card', 'other'));

      -- Print jobs may now be Z-reports. SQLite cannot change a CHECK: the table is rebuilt.
      CREATE TABLE print_jobs_v8 (
        id               INTEGER PRIMARY KEY,
        kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'test', 'zreport')),
        sale_id          TEXT REFERENCES sales (id),
        shift_id         INTEGER REFERENCES shifts (id),
        copy             TEXT NOT NULL CHECK (copy IN ('beneficiary', 'shop', 'test', 'original', 'reprint')),
        status           TEXT NOT NULL CHECK (status IN ('queued', 'done', 'cancelled')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        last_error       TEXT,
        next_attempt_at  TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        printed_at       TEXT
      ) STRICT;
      INSERT INTO print_jobs_v8 (id, kind, sale_id, copy, status, attempts, last_error, next_attempt_at, created_at, printed_at)
        SELECT id, kind, sale_id, copy, status, attempts, last_error, next_attempt_at, created_at, printed_at FROM print_jobs;
      DROP TABLE print_jobs;
      ALTER TABLE print_jobs_v8 RENAME TO print_jobs;
      CREATE INDEX print_jobs_due ON print_jobs (status, next_attempt_at);

      -- Every backup written and what its verification found.
      CREATE TABLE backups (
        id           INTEGER PRIMARY KEY,
        file         TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        head_seq     INTEGER NOT NULL,
        head_hash    TEXT NOT NULL,
        bytes        INTEGER NOT NULL,
        verified     INTEGER NOT NULL,
        problem      TEXT
      ) STRICT;

      -- Retention: sale lines and voucher ids of settled records are purged after a while (privacy);
      -- the journal keeps every hash, so the chain still verifies from this signed-off checkpoint.
      CREATE TABLE purges (
        id           INTEGER PRIMARY KEY,
        purged_at    TEXT NOT NULL,
        up_to_seq    INTEGER NOT NULL,
        sales        INTEGER NOT NULL,
        records      INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: 'records the program holds for review',
    sql: `
      -- The program may hold a record for a person to review (an offline record uploaded later than
      -- the campaign's offline window): neither accepted nor rejected yet. SQLite cannot change a
      -- CHECK: the table is rebuilt.
      CREATE TABLE record_status_v9 (
        record_id     TEXT PRIMARY KEY,
        status        TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'held')),
        reason        TEXT,
        statement_id  TEXT,
        updated_at    TEXT NOT NULL
      ) STRICT;
      INSERT INTO record_status_v9 (record_id, status, reason, statement_id, updated_at)
        SELECT record_id, status, reason, statement_id, updated_at FROM record_status;
      DROP TABLE record_status;
      ALTER TABLE record_status_v9 RENAME TO record_status;
    `,
  },
  {
    version: 10,
    name: 'catalogue: pinyin initials and spec of each item',
    sql: `
      -- Pinyin initials of the name (婴儿湿巾 → yesj), computed when an item is saved so a search
      -- never converts 20,000 names; NULL until computed (rows from before this version are
      -- filled in when the catalogue opens); the owner's list is in pinyin order. spec: 规格
      -- (800g, 73cm), from the shop's own list.
      ALTER TABLE items ADD COLUMN pinyin TEXT;
      ALTER TABLE items ADD COLUMN spec TEXT NOT NULL DEFAULT '';
      CREATE INDEX items_active_pinyin ON items (active, pinyin, name);
    `,
  },
  {
    version: 11,
    name: 'index of voids by the redemption they reverse',
    sql: `
      -- "Has this redemption been voided?" is asked for every record by the settlement view and the
      -- dashboard: without an index that is a scan of the journal per record.
      CREATE INDEX journal_reverses ON journal (reverses) WHERE reverses IS NOT NULL;
    `,
  },
  {
    version: 12,
    name: 'the program’s lists, the shop’s proposals, item lines on records',
    sql: `
      -- The program's approved product list (issue 11), as last installed: barcode → category,
      -- optional most a voucher pays per unit, optional validity. WITHOUT ROWID: looked up by barcode only.
      CREATE TABLE apl_entries (
        barcode             TEXT PRIMARY KEY,
        category            TEXT NOT NULL,
        max_unit_price_fen  INTEGER,
        valid_from          TEXT,
        valid_until         TEXT
      ) STRICT, WITHOUT ROWID;
      -- This shop's approved proposals, from its signed shop list.
      CREATE TABLE shop_list_entries (
        proposal_id  TEXT PRIMARY KEY,
        barcode      TEXT,
        name         TEXT NOT NULL,
        price_fen    INTEGER NOT NULL,
        category     TEXT NOT NULL,
        valid_from   TEXT,
        valid_until  TEXT
      ) STRICT;
      -- What the owner proposed, and what the program decided. item_id: the shop's item it is for.
      CREATE TABLE proposals (
        proposal_id       TEXT PRIMARY KEY,
        item_id           INTEGER NOT NULL REFERENCES items (id),
        barcode           TEXT,
        name              TEXT NOT NULL,
        price_fen         INTEGER NOT NULL,
        category          TEXT NOT NULL,
        unit              TEXT,
        note              TEXT,
        proposed_at       TEXT NOT NULL,
        uploaded_at       TEXT,
        status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
        reason            TEXT,
        decided_category  TEXT,
        decided_at        TEXT
      ) STRICT;
      CREATE INDEX proposals_item ON proposals (item_id);
      -- Item lines and list versions of a record (JSON; NULL on records from before): the hash covers them.
      ALTER TABLE journal ADD COLUMN detail TEXT;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
