import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { campaignSchema, type Campaign, type IssuerKey } from '../../shared/voucher/manifest';
import type { ProgramInfo, ProgramStore, PublishedManifest, Revocation, VoucherRecord } from './programStore';

const MIGRATIONS: readonly string[] = [
  `
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
];

interface VoucherRow {
  voucher_id: string;
  campaign_id: number;
  kind: 'fixed' | 'balance';
  face_value_fen: number;
  valid_from: number;
  valid_until: number;
  holder_tag: string;
  key_id: number;
  token: string;
  issued_at: string;
  revoked_at: string | null;
  revoke_reason: string | null;
}

const toVoucher = (r: VoucherRow): VoucherRecord => ({
  voucherId: r.voucher_id,
  campaignId: r.campaign_id,
  kind: r.kind,
  faceValueFen: r.face_value_fen,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  holderTag: r.holder_tag,
  keyId: r.key_id,
  token: r.token,
  issuedAt: r.issued_at,
  revokedAt: r.revoked_at,
  revokeReason: r.revoke_reason,
});

/** The program's store in one SQLite file (the embedded default). */
export class SqliteProgramStore implements ProgramStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) throw new Error(`program database ${file} has schema ${current}, newer than this build (${MIGRATIONS.length})`);
    this.db.transaction(() => {
      for (let v = current; v < MIGRATIONS.length; v++) {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }
    }).immediate();
  }

  async getProgram(): Promise<ProgramInfo | null> {
    const r = this.db.prepare<[], { program_id: string; name_zh: string; name_en: string; root_public_key: string; created_at: string }>('SELECT * FROM program').get();
    return r ? { programId: r.program_id, nameZh: r.name_zh, nameEn: r.name_en, rootPublicKey: r.root_public_key, createdAt: r.created_at } : null;
  }

  async initProgram(p: ProgramInfo): Promise<void> {
    this.db.prepare('INSERT INTO program (id, program_id, name_zh, name_en, root_public_key, created_at) VALUES (1, ?, ?, ?, ?, ?)').run(p.programId, p.nameZh, p.nameEn, p.rootPublicKey, p.createdAt);
  }

  async addIssuerKey(k: IssuerKey): Promise<void> {
    this.db.prepare('INSERT INTO issuer_keys (key_id, public_key, valid_from, valid_until) VALUES (?, ?, ?, ?)').run(k.keyId, k.publicKey, k.validFrom, k.validUntil);
  }

  async listIssuerKeys(): Promise<IssuerKey[]> {
    return this.db
      .prepare<[], { key_id: number; public_key: string; valid_from: string; valid_until: string }>('SELECT * FROM issuer_keys ORDER BY key_id')
      .all()
      .map((r) => ({ keyId: r.key_id, publicKey: r.public_key, validFrom: r.valid_from, validUntil: r.valid_until }));
  }

  async addCampaign(c: Campaign): Promise<void> {
    this.db.prepare('INSERT INTO campaigns (id, body) VALUES (?, ?)').run(c.id, JSON.stringify(c));
  }

  async getCampaign(id: number): Promise<Campaign | null> {
    const r = this.db.prepare<[number], { body: string }>('SELECT body FROM campaigns WHERE id = ?').get(id);
    return r ? campaignSchema.parse(JSON.parse(r.body)) : null;
  }

  async listCampaigns(): Promise<Campaign[]> {
    return this.db.prepare<[], { body: string }>('SELECT body FROM campaigns ORDER BY id').all().map((r) => campaignSchema.parse(JSON.parse(r.body)));
  }

  async addVouchers(vouchers: VoucherRecord[]): Promise<void> {
    const insert = this.db.prepare(
      `INSERT INTO vouchers (voucher_id, campaign_id, kind, face_value_fen, valid_from, valid_until, holder_tag, key_id, token, issued_at, revoked_at, revoke_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const v of vouchers) insert.run(v.voucherId, v.campaignId, v.kind, v.faceValueFen, v.validFrom, v.validUntil, v.holderTag, v.keyId, v.token, v.issuedAt, v.revokedAt, v.revokeReason);
    })();
  }

  async getVoucher(voucherId: string): Promise<VoucherRecord | null> {
    const r = this.db.prepare<[string], VoucherRow>('SELECT * FROM vouchers WHERE voucher_id = ?').get(voucherId);
    return r ? toVoucher(r) : null;
  }

  async listVouchers(filter: { campaignId?: number } = {}): Promise<VoucherRecord[]> {
    const rows =
      filter.campaignId === undefined
        ? this.db.prepare<[], VoucherRow>('SELECT * FROM vouchers ORDER BY issued_at, voucher_id').all()
        : this.db.prepare<[number], VoucherRow>('SELECT * FROM vouchers WHERE campaign_id = ? ORDER BY issued_at, voucher_id').all(filter.campaignId);
    return rows.map(toVoucher);
  }

  async revokeVouchers(ids: string[], at: string, reason: string | null): Promise<string[]> {
    const stmt = this.db.prepare('UPDATE vouchers SET revoked_at = ?, revoke_reason = ? WHERE voucher_id = ? AND revoked_at IS NULL');
    return this.db.transaction(() => ids.filter((id) => stmt.run(at, reason, id).changes === 1))();
  }

  async listRevocations(): Promise<Revocation[]> {
    return this.db
      .prepare<[], { voucher_id: string; revoked_at: string; revoke_reason: string | null }>('SELECT voucher_id, revoked_at, revoke_reason FROM vouchers WHERE revoked_at IS NOT NULL ORDER BY voucher_id')
      .all()
      .map((r) => (r.revoke_reason ? { voucherId: r.voucher_id, revokedAt: r.revoked_at, reason: r.revoke_reason } : { voucherId: r.voucher_id, revokedAt: r.revoked_at }));
  }

  async latestManifest(): Promise<PublishedManifest | null> {
    const r = this.db.prepare<[], { version: number; manifest: string; signature: string; published_at: string }>('SELECT * FROM manifests ORDER BY version DESC LIMIT 1').get();
    return r ? { version: r.version, manifest: r.manifest, signature: r.signature, publishedAt: r.published_at } : null;
  }

  async saveManifest(m: PublishedManifest): Promise<void> {
    this.db.prepare('INSERT INTO manifests (version, manifest, signature, published_at) VALUES (?, ?, ?, ?)').run(m.version, m.manifest, m.signature, m.publishedAt);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
