import path from 'node:path';
import { campaignSchema, type Campaign, type IssuerKey, type ServerKey } from '../../shared/voucher/manifest';
import { PROGRAM_MIGRATIONS } from './migrations';
import { openPostgresDriver } from './postgresDriver';
import { ensurePrivateDir } from './privateFiles';
import type { Param, SqlDriver } from './sqlDriver';
import { openSqliteDriver } from './sqliteDriver';
import type { Revocation } from './types';

export type { Campaign, IssuerKey, Revocation } from './types';

export interface ProgramInfo {
  programId: string;
  nameZh: string;
  nameEn: string;
  /** Raw Ed25519 root public key, base64url: what tills trust manifests by. */
  rootPublicKey: string;
  createdAt: string;
}

/**
 * A voucher as the program keeps it: what settlement and re-issue need, never the token. The
 * token (a bearer instrument) exists only in the CSV and cards written when it is issued.
 */
export interface VoucherRecord {
  voucherId: string;
  campaignId: number;
  kind: 'fixed' | 'balance';
  faceValueFen: number;
  validFrom: number;
  validUntil: number;
  holderTag: string;
  keyId: number;
  issuedAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
  /** The voucher this one was re-issued for. */
  replaces: string | null;
  /** The first voucher of a re-issue chain; the chain shares that voucher's value. Null: never re-issued. */
  lineage: string | null;
}

/** A voucher just issued: its token is handed out once, to the CSV and cards, and not stored. */
export type IssuedVoucher = VoucherRecord & { token: string };

export interface PublishedManifest {
  version: number;
  manifest: string;
  signature: string;
  publishedAt: string;
}

export interface VoucherRow {
  voucher_id: string;
  campaign_id: number;
  kind: 'fixed' | 'balance';
  face_value_fen: number;
  valid_from: number;
  valid_until: number;
  holder_tag: string;
  key_id: number;
  issued_at: string;
  revoked_at: string | null;
  revoke_reason: string | null;
  replaces: string | null;
  lineage: string | null;
}

export const toVoucherRecord = (r: VoucherRow): VoucherRecord => ({
  voucherId: r.voucher_id,
  campaignId: Number(r.campaign_id),
  kind: r.kind,
  faceValueFen: Number(r.face_value_fen),
  validFrom: Number(r.valid_from),
  validUntil: Number(r.valid_until),
  holderTag: r.holder_tag,
  keyId: r.key_id,
  issuedAt: r.issued_at,
  revokedAt: r.revoked_at,
  revokeReason: r.revoke_reason,
  replaces: r.replaces,
  lineage: r.lineage,
});

/** An issuer key as stored: its own window, and when and why it was revoked. */
export interface IssuerKeyRow {
  keyId: number;
  publicKey: string;
  validFrom: string;
  validUntil: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

/** What a manifest says of a key: a revoked key's window ends at its revocation. */
export function manifestKey(k: IssuerKeyRow): IssuerKey {
  const base = { keyId: k.keyId, publicKey: k.publicKey, validFrom: k.validFrom };
  if (!k.revokedAt) return { ...base, validUntil: k.validUntil };
  const until = Date.parse(k.revokedAt) < Date.parse(k.validUntil) ? k.revokedAt : k.validUntil;
  return { ...base, validUntil: until, revokedAt: k.revokedAt, ...(k.revokeReason ? { reason: k.revokeReason } : {}) };
}

const VOUCHER_COLUMNS =
  'voucher_id, campaign_id, kind, face_value_fen, valid_from, valid_until, holder_tag, key_id, issued_at, revoked_at, revoke_reason, replaces, lineage';
const voucherParams = (v: VoucherRecord): Param[] => [
  v.voucherId,
  v.campaignId,
  v.kind,
  v.faceValueFen,
  v.validFrom,
  v.validUntil,
  v.holderTag,
  v.keyId,
  v.issuedAt,
  v.revokedAt,
  v.revokeReason,
  v.replaces,
  v.lineage,
];

/**
 * Everything the program keeps: keys' public halves, campaigns, vouchers, manifests, merchants,
 * tills, authorizations, batches, records and statements. One implementation over either SQL
 * driver; the server's intake and settlement code use `sql` for their own transactions.
 */
export class ProgramStore {
  constructor(readonly sql: SqlDriver) {}

  async getProgram(): Promise<ProgramInfo | null> {
    const r = await this.sql.get<{ program_id: string; name_zh: string; name_en: string; root_public_key: string; created_at: string }>(
      'SELECT * FROM program',
    );
    return r
      ? { programId: r.program_id, nameZh: r.name_zh, nameEn: r.name_en, rootPublicKey: r.root_public_key, createdAt: r.created_at }
      : null;
  }

  async initProgram(p: ProgramInfo): Promise<void> {
    await this.sql.run('INSERT INTO program (id, program_id, name_zh, name_en, root_public_key, created_at) VALUES (1, ?, ?, ?, ?, ?)', [
      p.programId,
      p.nameZh,
      p.nameEn,
      p.rootPublicKey,
      p.createdAt,
    ]);
  }

  async addIssuerKey(k: IssuerKey): Promise<void> {
    await this.sql.run('INSERT INTO issuer_keys (key_id, public_key, valid_from, valid_until) VALUES (?, ?, ?, ?)', [
      k.keyId,
      k.publicKey,
      k.validFrom,
      k.validUntil,
    ]);
  }

  async issuerKeyRows(): Promise<IssuerKeyRow[]> {
    const rows = await this.sql.all<{
      key_id: number;
      public_key: string;
      valid_from: string;
      valid_until: string;
      revoked_at: string | null;
      revoke_reason: string | null;
    }>('SELECT * FROM issuer_keys ORDER BY key_id');
    return rows.map((r) => ({
      keyId: r.key_id,
      publicKey: r.public_key,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      revokedAt: r.revoked_at,
      revokeReason: r.revoke_reason,
    }));
  }

  /** The keys as the next manifest states them. */
  async listIssuerKeys(): Promise<IssuerKey[]> {
    return (await this.issuerKeyRows()).map(manifestKey);
  }

  /** False when the key is unknown or revoked already. */
  async revokeIssuerKey(keyId: number, at: string, reason: string | null): Promise<boolean> {
    const r = await this.sql.run('UPDATE issuer_keys SET revoked_at = ?, revoke_reason = ? WHERE key_id = ? AND revoked_at IS NULL', [
      at,
      reason,
      keyId,
    ]);
    return r.changes === 1;
  }

  /** The program server's reply-signing keys, oldest first. */
  async serverKeys(): Promise<ServerKey[]> {
    const rows = await this.sql.all<{ key_id: number; public_key: string }>('SELECT key_id, public_key FROM server_keys ORDER BY key_id');
    return rows.map((r) => ({ keyId: Number(r.key_id), publicKey: r.public_key }));
  }

  async addServerKey(k: ServerKey, createdAt: string): Promise<void> {
    await this.sql.run('INSERT INTO server_keys (key_id, public_key, created_at) VALUES (?, ?, ?)', [k.keyId, k.publicKey, createdAt]);
  }

  async addCampaign(c: Campaign): Promise<void> {
    await this.sql.run('INSERT INTO campaigns (id, body) VALUES (?, ?)', [c.id, JSON.stringify(c)]);
  }

  /** `d`: the transaction to read in (SQLite serialises statements behind an open transaction). */
  async getCampaign(id: number, d: SqlDriver = this.sql): Promise<Campaign | null> {
    const r = await d.get<{ body: string }>('SELECT body FROM campaigns WHERE id = ?', [id]);
    return r ? campaignSchema.parse(JSON.parse(r.body)) : null;
  }

  async listCampaigns(): Promise<Campaign[]> {
    return (await this.sql.all<{ body: string }>('SELECT body FROM campaigns ORDER BY id')).map((r) =>
      campaignSchema.parse(JSON.parse(r.body)),
    );
  }

  /** All or nothing. `d`: the transaction to write in, when the caller has one. */
  async addVouchers(vouchers: VoucherRecord[], d?: SqlDriver): Promise<void> {
    const write = async (t: SqlDriver) => {
      for (let i = 0; i < vouchers.length; i += 200) {
        const chunk = vouchers.slice(i, i + 200);
        await t.run(
          `INSERT INTO vouchers (${VOUCHER_COLUMNS}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          chunk.flatMap(voucherParams),
        );
      }
    };
    await (d ? write(d) : this.sql.tx(write));
  }

  async getVoucher(voucherId: string, d: SqlDriver = this.sql): Promise<VoucherRecord | null> {
    const r = await d.get<VoucherRow>('SELECT * FROM vouchers WHERE voucher_id = ?', [voucherId]);
    return r ? toVoucherRecord(r) : null;
  }

  async getVouchers(voucherIds: string[], d: SqlDriver = this.sql): Promise<VoucherRecord[]> {
    if (voucherIds.length === 0) return [];
    const rows = await d.all<VoucherRow>(
      `SELECT * FROM vouchers WHERE voucher_id IN (${voucherIds.map(() => '?').join(', ')})`,
      voucherIds,
    );
    return rows.map(toVoucherRecord);
  }

  async listVouchers(filter: { campaignId?: number; keyId?: number } = {}): Promise<VoucherRecord[]> {
    const where: string[] = [];
    const params: Param[] = [];
    if (filter.campaignId !== undefined) {
      where.push('campaign_id = ?');
      params.push(filter.campaignId);
    }
    if (filter.keyId !== undefined) {
      where.push('key_id = ?');
      params.push(filter.keyId);
    }
    const rows = await this.sql.all<VoucherRow>(
      `SELECT * FROM vouchers${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY issued_at, voucher_id`,
      params,
    );
    return rows.map(toVoucherRecord);
  }

  /** Returns the ids actually revoked now (unknown or already revoked ones are left out). */
  async revokeVouchers(ids: string[], at: string, reason: string | null, d?: SqlDriver): Promise<string[]> {
    const revoke = async (t: SqlDriver) => {
      const done: string[] = [];
      for (const id of ids)
        if (
          (
            await t.run('UPDATE vouchers SET revoked_at = ?, revoke_reason = ? WHERE voucher_id = ? AND revoked_at IS NULL', [
              at,
              reason,
              id,
            ])
          ).changes === 1
        )
          done.push(id);
      return done;
    };
    return d ? revoke(d) : this.sql.tx(revoke);
  }

  async listRevocations(): Promise<Revocation[]> {
    const rows = await this.sql.all<{ voucher_id: string; revoked_at: string; revoke_reason: string | null }>(
      'SELECT voucher_id, revoked_at, revoke_reason FROM vouchers WHERE revoked_at IS NOT NULL ORDER BY voucher_id',
    );
    return rows.map((r) =>
      r.revoke_reason
        ? { voucherId: r.voucher_id, revokedAt: r.revoked_at, reason: r.revoke_reason }
        : { voucherId: r.voucher_id, revokedAt: r.revoked_at },
    );
  }

  async latestManifest(): Promise<PublishedManifest | null> {
    const r = await this.sql.get<{ version: number; manifest: string; signature: string; published_at: string }>(
      'SELECT * FROM manifests ORDER BY version DESC LIMIT 1',
    );
    return r ? { version: r.version, manifest: r.manifest, signature: r.signature, publishedAt: r.published_at } : null;
  }

  async saveManifest(m: PublishedManifest): Promise<void> {
    await this.sql.run('INSERT INTO manifests (version, manifest, signature, published_at) VALUES (?, ?, ?, ?)', [
      m.version,
      m.manifest,
      m.signature,
      m.publishedAt,
    ]);
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}

/**
 * The store for a program home: DATABASE_URL (postgres://…) when given, else SQLite in the home.
 * The home is the program's own folder (keys live there either way): it is kept 0700.
 */
export async function openProgramStore(home: string, databaseUrl: string | undefined = process.env.DATABASE_URL): Promise<ProgramStore> {
  ensurePrivateDir(home);
  const driver =
    databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)
      ? await openPostgresDriver(databaseUrl, PROGRAM_MIGRATIONS)
      : await openSqliteDriver(path.join(home, 'program.sqlite3'), PROGRAM_MIGRATIONS);
  return new ProgramStore(driver);
}
