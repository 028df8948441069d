import path from 'node:path';
import { campaignSchema, type Campaign, type IssuerKey } from '../../shared/voucher/manifest';
import { PROGRAM_MIGRATIONS } from './migrations';
import { openPostgresDriver } from './postgresDriver';
import type { SqlDriver } from './sqlDriver';
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

export interface VoucherRecord {
  voucherId: string;
  campaignId: number;
  kind: 'fixed' | 'balance';
  faceValueFen: number;
  validFrom: number;
  validUntil: number;
  holderTag: string;
  keyId: number;
  token: string;
  issuedAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
}

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
  token: string;
  issued_at: string;
  revoked_at: string | null;
  revoke_reason: string | null;
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
  token: r.token,
  issuedAt: r.issued_at,
  revokedAt: r.revoked_at,
  revokeReason: r.revoke_reason,
});

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

  async listIssuerKeys(): Promise<IssuerKey[]> {
    const rows = await this.sql.all<{ key_id: number; public_key: string; valid_from: string; valid_until: string }>(
      'SELECT * FROM issuer_keys ORDER BY key_id',
    );
    return rows.map((r) => ({ keyId: r.key_id, publicKey: r.public_key, validFrom: r.valid_from, validUntil: r.valid_until }));
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

  /** All or nothing. */
  async addVouchers(vouchers: VoucherRecord[]): Promise<void> {
    await this.sql.tx(async (t) => {
      for (const v of vouchers) {
        await t.run(
          `INSERT INTO vouchers (voucher_id, campaign_id, kind, face_value_fen, valid_from, valid_until, holder_tag, key_id, token, issued_at, revoked_at, revoke_reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            v.voucherId,
            v.campaignId,
            v.kind,
            v.faceValueFen,
            v.validFrom,
            v.validUntil,
            v.holderTag,
            v.keyId,
            v.token,
            v.issuedAt,
            v.revokedAt,
            v.revokeReason,
          ],
        );
      }
    });
  }

  async getVoucher(voucherId: string, d: SqlDriver = this.sql): Promise<VoucherRecord | null> {
    const r = await d.get<VoucherRow>('SELECT * FROM vouchers WHERE voucher_id = ?', [voucherId]);
    return r ? toVoucherRecord(r) : null;
  }

  async listVouchers(filter: { campaignId?: number } = {}): Promise<VoucherRecord[]> {
    const rows =
      filter.campaignId === undefined
        ? await this.sql.all<VoucherRow>('SELECT * FROM vouchers ORDER BY issued_at, voucher_id')
        : await this.sql.all<VoucherRow>('SELECT * FROM vouchers WHERE campaign_id = ? ORDER BY issued_at, voucher_id', [
            filter.campaignId,
          ]);
    return rows.map(toVoucherRecord);
  }

  /** Returns the ids actually revoked now (unknown or already revoked ones are left out). */
  async revokeVouchers(ids: string[], at: string, reason: string | null): Promise<string[]> {
    return this.sql.tx(async (t) => {
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
    });
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

/** The store for a program home: DATABASE_URL (postgres://…) when given, else SQLite in the home. */
export async function openProgramStore(home: string, databaseUrl: string | undefined = process.env.DATABASE_URL): Promise<ProgramStore> {
  const driver =
    databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)
      ? await openPostgresDriver(databaseUrl, PROGRAM_MIGRATIONS)
      : await openSqliteDriver(path.join(home, 'program.sqlite3'), PROGRAM_MIGRATIONS);
  return new ProgramStore(driver);
}
