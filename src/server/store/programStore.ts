import type { Campaign, IssuerKey, Revocation } from './types';

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

/**
 * Everything the program keeps, behind one asynchronous interface: SQLite (embedded default)
 * today, PostgreSQL for production, one test suite for both.
 */
export interface ProgramStore {
  getProgram(): Promise<ProgramInfo | null>;
  initProgram(info: ProgramInfo): Promise<void>;
  addIssuerKey(key: IssuerKey): Promise<void>;
  listIssuerKeys(): Promise<IssuerKey[]>;
  addCampaign(campaign: Campaign): Promise<void>;
  getCampaign(id: number): Promise<Campaign | null>;
  listCampaigns(): Promise<Campaign[]>;
  /** All or nothing. */
  addVouchers(vouchers: VoucherRecord[]): Promise<void>;
  getVoucher(voucherId: string): Promise<VoucherRecord | null>;
  listVouchers(filter?: { campaignId?: number }): Promise<VoucherRecord[]>;
  /** Returns the ids actually revoked now (unknown or already revoked ones are left out). */
  revokeVouchers(voucherIds: string[], at: string, reason: string | null): Promise<string[]>;
  listRevocations(): Promise<Revocation[]>;
  latestManifest(): Promise<PublishedManifest | null>;
  saveManifest(m: PublishedManifest): Promise<void>;
  close(): Promise<void>;
}
