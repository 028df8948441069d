import { z } from 'zod';
import {
  SHOP_LIST_FORMAT,
  type Proposal,
  type ProposalState,
  type ProposalStatus,
  type ShopEntry,
  type ShopListDocument,
  type SignedShopList,
} from '../../shared/apl/apl';
import { ELIGIBLE_CATEGORIES, type EligibleCategory } from '../../shared/domain/categories';
import { signShopList } from '../../trust/trustedApl';
import type { ProgramStore } from '../store/programStore';
import type { SqlDriver } from '../store/sqlDriver';
import { ServerError } from '../sync/errors';
import { checkInput, reasonSchema } from './inputs';
import type { ReplyKey } from './program';

/**
 * Shop proposals (issue 11): the owner proposes an item (a service, goods without a barcode, a
 * barcode the APL lacks); the till uploads it; the operator approves (possibly in another category
 * or at another price) or refuses with a reason. Every decision makes the next version of that
 * merchant's shop list, signed with the server's reply key (a key the manifest names, so the
 * operator API can approve online without the root key).
 */

interface ProposalRow {
  proposal_id: string;
  merchant_id: string;
  device_id: string;
  barcode: string | null;
  name: string;
  price_fen: number | string;
  category: string;
  unit: string | null;
  note: string | null;
  proposed_at: string;
  received_at: string;
  status: ProposalStatus;
  reason: string | null;
  approved_category: string | null;
  approved_price_fen: number | string | null;
  decided_at: string | null;
}

export interface ProposalRecord extends Proposal {
  merchantId: string;
  deviceId: string;
  receivedAt: string;
  status: ProposalStatus;
  reason: string | null;
  approvedCategory: EligibleCategory | null;
  approvedPriceFen: number | null;
  decidedAt: string | null;
}

const toRecord = (r: ProposalRow): ProposalRecord => ({
  proposalId: r.proposal_id,
  merchantId: r.merchant_id,
  deviceId: r.device_id,
  barcode: r.barcode,
  name: r.name,
  priceFen: Number(r.price_fen),
  category: r.category as EligibleCategory,
  unit: r.unit,
  note: r.note,
  proposedAt: r.proposed_at,
  receivedAt: r.received_at,
  status: r.status,
  reason: r.reason,
  approvedCategory: r.approved_category as EligibleCategory | null,
  approvedPriceFen: r.approved_price_fen === null ? null : Number(r.approved_price_fen),
  decidedAt: r.decided_at,
});

export const stateOf = (p: ProposalRecord): ProposalState => ({
  proposalId: p.proposalId,
  status: p.status,
  reason: p.reason,
  category: p.status === 'approved' ? p.approvedCategory : null,
  decidedAt: p.decidedAt,
});

/**
 * Stores a till's proposals; a resend of the same id by the same merchant changes nothing (the
 * first upload stands). An id another merchant already used refuses the whole upload (409).
 */
export async function uploadProposals(
  store: ProgramStore,
  deviceId: string,
  proposals: Proposal[],
  now: Date,
): Promise<{ proposals: ProposalState[] }> {
  return store.sql.tx(async (t) => {
    const device = await t.get<{ merchant_id: string }>('SELECT merchant_id FROM devices WHERE device_id = ?', [deviceId]);
    if (!device) throw new ServerError('unknown_device', 'this till is not enrolled');
    const ids = [...new Set(proposals.map((p) => p.proposalId))];
    // A resend (or the same upload racing itself) leaves the first row as it was.
    for (const p of proposals)
      await t.run(
        `INSERT INTO proposals (proposal_id, merchant_id, device_id, barcode, name, price_fen, category, unit, note, proposed_at, received_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT (proposal_id) DO NOTHING`,
        [
          p.proposalId,
          device.merchant_id,
          deviceId,
          p.barcode,
          p.name,
          p.priceFen,
          p.category,
          p.unit,
          p.note,
          p.proposedAt,
          now.toISOString(),
        ],
      );
    const foreign = (
      await t.all<{ proposal_id: string }>(
        `SELECT proposal_id FROM proposals WHERE merchant_id <> ? AND proposal_id IN (${ids.map(() => '?').join(', ')})`,
        [device.merchant_id, ...ids],
      )
    ).map((r) => r.proposal_id);
    // The whole upload is refused (the transaction undone): the till learns which id to replace.
    if (foreign.length > 0) throw new ServerError('proposal_conflict', `proposal id already used: ${foreign.join(', ')}`);
    const rows = await t.all<ProposalRow>(
      `SELECT * FROM proposals WHERE proposal_id IN (${ids.map(() => '?').join(', ')}) ORDER BY proposal_id`,
      ids,
    );
    return { proposals: rows.map((r) => stateOf(toRecord(r))) };
  });
}

/** This merchant's proposals' states, for its tills. */
export async function proposalStates(store: ProgramStore, deviceId: string): Promise<{ proposals: ProposalState[] }> {
  const rows = await store.sql.all<ProposalRow>(
    'SELECT p.* FROM proposals p JOIN devices d ON d.merchant_id = p.merchant_id WHERE d.device_id = ? ORDER BY p.received_at, p.proposal_id',
    [deviceId],
  );
  return { proposals: rows.map((r) => stateOf(toRecord(r))) };
}

export async function listProposals(
  sql: SqlDriver,
  filter: { status?: ProposalStatus; merchantId?: string } = {},
): Promise<ProposalRecord[]> {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.merchantId) {
    where.push('merchant_id = ?');
    params.push(filter.merchantId);
  }
  const rows = await sql.all<ProposalRow>(
    `SELECT * FROM proposals${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at, proposal_id`,
    params,
  );
  return rows.map(toRecord);
}

export const proposalIdSchema = z.uuid();
export const proposalStatusSchema = z.enum(['pending', 'approved', 'refused']);
export const approveBodySchema = z.strictObject({
  category: z.enum(ELIGIBLE_CATEGORIES).optional(),
  priceFen: z.number().int().min(1).max(0xffffffff).optional(),
});
export const refuseBodySchema = z.strictObject({ reason: reasonSchema });

export type Decision = { approve: { category?: EligibleCategory; priceFen?: number } } | { refuse: { reason: string } };

/**
 * Approves or refuses a proposal and publishes the merchant's next shop list. A pending or refused
 * proposal can be approved (the operator changed their mind); a pending or approved one refused
 * (an approval withdrawn: it leaves the next list). Deciding the same way twice is a conflict.
 */
export async function decideProposal(
  store: ProgramStore,
  key: ReplyKey,
  proposalId: string,
  decision: Decision,
  now: Date,
): Promise<{ proposal: ProposalRecord; shopListVersion: number }> {
  checkInput(proposalIdSchema, proposalId, 'id');
  if ('refuse' in decision) decision = { refuse: { reason: checkInput(reasonSchema, decision.refuse.reason, 'reason') } };
  else decision = { approve: checkInput(approveBodySchema, decision.approve) };
  const program = await store.getProgram();
  if (!program) throw new ServerError('bad_request', 'no program here yet');
  return store.sql.tx(async (t) => {
    const row = await t.get<ProposalRow>(`SELECT * FROM proposals WHERE proposal_id = ?${t.forUpdate}`, [proposalId]);
    if (!row) throw new ServerError('not_found', `no proposal ${proposalId}`);
    // One decision at a time per merchant: its list versions follow one another.
    await t.get(`SELECT merchant_id FROM merchants WHERE merchant_id = ?${t.forUpdate}`, [row.merchant_id]);
    const at = now.toISOString();
    if ('approve' in decision) {
      if (row.status === 'approved') throw new ServerError('wrong_state', `proposal ${proposalId} is approved already`);
      const category = decision.approve.category ?? (row.category as EligibleCategory);
      const priceFen = decision.approve.priceFen ?? Number(row.price_fen);
      await t.run(
        "UPDATE proposals SET status = 'approved', reason = NULL, approved_category = ?, approved_price_fen = ?, decided_at = ? WHERE proposal_id = ?",
        [category, priceFen, at, proposalId],
      );
    } else {
      if (row.status === 'refused') throw new ServerError('wrong_state', `proposal ${proposalId} is refused already`);
      await t.run(
        "UPDATE proposals SET status = 'refused', reason = ?, approved_category = NULL, approved_price_fen = NULL, decided_at = ? WHERE proposal_id = ?",
        [decision.refuse.reason, at, proposalId],
      );
    }
    const updated = toRecord((await t.get<ProposalRow>('SELECT * FROM proposals WHERE proposal_id = ?', [proposalId]))!);
    const version = await publishShopList(t, key, program.programId, updated, now);
    return { proposal: updated, shopListVersion: version };
  });
}

/** The next version of the merchant's shop list, with `changed`'s entry opened or closed. Inside the decision's transaction. */
async function publishShopList(t: SqlDriver, key: ReplyKey, programId: string, changed: ProposalRecord, now: Date): Promise<number> {
  const merchantId = changed.merchantId;
  const version =
    Number(
      (await t.get<{ v: number | string | null }>('SELECT MAX(version) AS v FROM shop_lists WHERE merchant_id = ?', [merchantId]))?.v ?? 0,
    ) + 1;
  await t.run('UPDATE shop_entries SET to_version = ? WHERE proposal_id = ? AND to_version IS NULL', [version, changed.proposalId]);
  if (changed.status === 'approved')
    await t.run(
      'INSERT INTO shop_entries (merchant_id, proposal_id, from_version, to_version, barcode, name, price_fen, category) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)',
      [merchantId, changed.proposalId, version, changed.barcode, changed.name, changed.approvedPriceFen, changed.approvedCategory],
    );
  const rows = await t.all<{ proposal_id: string; barcode: string | null; name: string; price_fen: number | string; category: string }>(
    'SELECT proposal_id, barcode, name, price_fen, category FROM shop_entries WHERE merchant_id = ? AND to_version IS NULL ORDER BY proposal_id',
    [merchantId],
  );
  const entries: ShopEntry[] = rows.map((r) => ({
    proposalId: r.proposal_id,
    barcode: r.barcode,
    name: r.name,
    priceFen: Number(r.price_fen),
    category: r.category as EligibleCategory,
    validFrom: null,
    validUntil: null,
  }));
  const doc: ShopListDocument = { format: SHOP_LIST_FORMAT, programId, merchantId, version, issuedAt: now.toISOString(), entries };
  const signed = signShopList(key, doc);
  await t.run('INSERT INTO shop_lists (merchant_id, version, issued_at, document, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)', [
    merchantId,
    version,
    doc.issuedAt,
    signed.document,
    signed.keyId,
    signed.signature,
  ]);
  return version;
}

/** The newest signed shop list of the till's merchant; null when the program has decided none of its proposals yet. */
export async function shopListForTill(sql: SqlDriver, deviceId: string): Promise<(SignedShopList & { version: number }) | null> {
  const r = await sql.get<{ version: number | string; document: string; key_id: number | string; signature: string }>(
    `SELECT s.version, s.document, s.key_id, s.signature FROM shop_lists s JOIN devices d ON d.merchant_id = s.merchant_id
      WHERE d.device_id = ? ORDER BY s.version DESC LIMIT 1`,
    [deviceId],
  );
  return r ? { document: r.document, keyId: Number(r.key_id), signature: r.signature, version: Number(r.version) } : null;
}
