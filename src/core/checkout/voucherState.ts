import type { Db } from '../db/open';

export interface VoucherStateRow {
  voucher_id: string;
  campaign_id: number;
  kind: 'fixed' | 'balance';
  face_value_fen: number;
  spent_fen: number;
  forfeited_fen: number;
  uses: number;
  offline_spent_fen: number;
  /** 10 hex characters; null for vouchers redeemed before the till kept it. */
  holder_tag: string | null;
}

/** What this till knows of each voucher it has redeemed, updated in the same transaction as the journal. */
export class VoucherStates {
  private readonly getStmt;
  private readonly upsertStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], VoucherStateRow>('SELECT * FROM voucher_state WHERE voucher_id = ?');
    this.upsertStmt = db.prepare(
      `INSERT INTO voucher_state (voucher_id, campaign_id, kind, face_value_fen, spent_fen, forfeited_fen, uses, offline_spent_fen, updated_at, holder_tag)
       VALUES (@voucherId, @campaignId, @kind, @faceValueFen, @spent, @forfeited, @uses, @offline, @now, @holderTag)
       ON CONFLICT (voucher_id) DO UPDATE SET
         spent_fen = spent_fen + @spent, forfeited_fen = forfeited_fen + @forfeited, uses = uses + @uses,
         offline_spent_fen = offline_spent_fen + @offline, updated_at = @now,
         holder_tag = COALESCE(@holderTag, holder_tag)`,
    );
  }

  get(voucherId: string): VoucherStateRow | undefined {
    return this.getStmt.get(voucherId);
  }

  /** Adds (or, with negative numbers for a reversal, takes back) one redemption. */
  apply(
    v: { voucherId: string; campaignId: number; kind: 'fixed' | 'balance'; faceValueFen: number; holderTag?: string },
    delta: { spent: number; forfeited: number; uses: number; offline: number },
    now: string,
  ): void {
    // A reversal knows no holder tag: the one kept at redemption stays (COALESCE above).
    const { voucherId, campaignId, kind, faceValueFen } = v;
    this.upsertStmt.run({ voucherId, campaignId, kind, faceValueFen, holderTag: v.holderTag ?? null, ...delta, now });
  }
}
