import crypto from 'node:crypto';
import { shopCode, type AplEntry, type Proposal as WireProposal, type ProposalState } from '../../shared/apl/apl';
import { PosError } from '../../shared/api/errors';
import type { Eligibility } from '../../shared/api/schemas/catalog';
import type { Proposal as TillProposal } from '../../shared/api/schemas/proposals';
import type { EligibleCategory } from '../../shared/domain/categories';
import { verifySignedApl, verifySignedShopList } from '../../trust/trustedApl';
import type { Db } from '../db/open';
import type { SettingsStore } from '../system/settings';
import type { ManifestStore } from '../vouchers/manifestStore';
import { NOT_LISTED, type EligibilitySource } from './eligibility';

/** Where an item stands on the program's lists, for the sale: the category it is listed in and the most a voucher pays per unit. */
export interface Listing {
  /** What a record line names: the listed barcode, or `shop:<proposal id>`. */
  code: string;
  category: EligibleCategory;
  maxUnitPriceFen: number | null;
  list: 'apl' | 'shop';
}

interface AplRow {
  barcode: string;
  category: EligibleCategory;
  max_unit_price_fen: number | null;
  valid_from: string | null;
  valid_until: string | null;
}

interface ProposalRow {
  proposal_id: string;
  item_id: number;
  barcode: string | null;
  name: string;
  price_fen: number;
  category: EligibleCategory;
  unit: string | null;
  note: string | null;
  proposed_at: string;
  uploaded_at: string | null;
  status: 'pending' | 'approved' | 'refused';
  reason: string | null;
  decided_category: EligibleCategory | null;
  decided_at: string | null;
}

const within = (nowIso: string, from: string | null, until: string | null) =>
  (from === null || Date.parse(from) <= Date.parse(nowIso)) && (until === null || Date.parse(nowIso) <= Date.parse(until));

/**
 * The program's lists on this till (issue 11): the approved product list and this shop's list of
 * approved proposals, each installed only as the program signed it and never older than what is
 * here; and the owner's proposals, kept until the program has decided them. What checkout asks:
 * is this item listed, in which category, at most at what price.
 */
export class ProgramLists {
  private readonly aplByBarcode;
  private readonly shopEntryOfItem;

  constructor(private readonly d: { db: Db; settings: SettingsStore; manifests: ManifestStore; now: () => number }) {
    this.aplByBarcode = d.db.prepare<[string], AplRow>('SELECT * FROM apl_entries WHERE barcode = ?');
    // An item's approved proposal, as this shop's signed list has it: one probe, on the counter's path.
    this.shopEntryOfItem = d.db.prepare<
      [number],
      { proposal_id: string; category: EligibleCategory; price_fen: number; valid_from: string | null; valid_until: string | null }
    >(
      `SELECT s.proposal_id, s.category, s.price_fen, s.valid_from, s.valid_until FROM proposals p
       JOIN shop_list_entries s ON s.proposal_id = p.proposal_id
       WHERE p.item_id = ? AND p.status = 'approved' ORDER BY p.decided_at DESC LIMIT 1`,
    );
  }

  versions(): { apl: number; shop: number } {
    return { apl: this.d.settings.get('lists.aplVersion'), shop: this.d.settings.get('lists.shopVersion') };
  }

  /**
   * Installs a signed APL (whole or a delta on top of the version here) in one transaction.
   * Refused, and nothing changes, unless the program's root key signed it for this program and it
   * is newer than what is installed.
   */
  installApl(signed: unknown): { version: number; entries: number } {
    const root = this.d.manifests.rootPublicKey();
    if (!root) throw new PosError('no_trust_anchor', 'no program key to check the list with');
    const installed = this.versions().apl;
    const programId = this.d.manifests.current()?.manifest.programId;
    const v = verifySignedApl(signed, root, installed > 0 ? { version: installed } : null, programId ? { programId } : {});
    if (!v.ok) throw new PosError('list_refused', v.message, { params: { problem: v.refusal } });
    const doc = v.value;
    const upsert = this.d.db.prepare(
      'INSERT INTO apl_entries (barcode, category, max_unit_price_fen, valid_from, valid_until) VALUES (?, ?, ?, ?, ?) ON CONFLICT (barcode) DO UPDATE SET category = excluded.category, max_unit_price_fen = excluded.max_unit_price_fen, valid_from = excluded.valid_from, valid_until = excluded.valid_until',
    );
    const remove = this.d.db.prepare('DELETE FROM apl_entries WHERE barcode = ?');
    this.d.db.transaction(() => {
      if (doc.base === null) this.d.db.prepare('DELETE FROM apl_entries').run();
      for (const b of doc.removals) remove.run(b);
      for (const e of doc.upserts as AplEntry[]) upsert.run(e.barcode, e.category, e.maxUnitPriceFen, e.validFrom, e.validUntil);
      this.d.settings.set('lists.aplVersion', doc.version);
    })();
    const entries = (this.d.db.prepare('SELECT COUNT(*) AS n FROM apl_entries').get() as { n: number }).n;
    return { version: doc.version, entries };
  }

  /** Installs this shop's signed list of approved proposals (signed by a server key the manifest names). */
  installShopList(signed: unknown, merchantId: string): { version: number; entries: number } {
    const manifest = this.d.manifests.current();
    if (!manifest) throw new PosError('no_manifest', 'no manifest: the shop list’s key is not known');
    const v = verifySignedShopList(signed, manifest.serverKeys, merchantId, this.versions().shop, {
      programId: manifest.manifest.programId,
    });
    if (!v.ok) throw new PosError('list_refused', v.message, { params: { problem: v.refusal } });
    const doc = v.value;
    const insert = this.d.db.prepare(
      'INSERT INTO shop_list_entries (proposal_id, barcode, name, price_fen, category, valid_from, valid_until) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.d.db.transaction(() => {
      this.d.db.prepare('DELETE FROM shop_list_entries').run();
      for (const e of doc.entries) insert.run(e.proposalId, e.barcode, e.name, e.priceFen, e.category, e.validFrom, e.validUntil);
      // An approval on the list is the program's word, whatever the proposal's last known state.
      const approve = this.d.db.prepare(
        "UPDATE proposals SET status = 'approved', decided_category = ?, reason = NULL, decided_at = COALESCE(decided_at, ?) WHERE proposal_id = ?",
      );
      for (const e of doc.entries) approve.run(e.category, doc.issuedAt, e.proposalId);
      this.d.settings.set('lists.shopVersion', doc.version);
    })();
    return { version: doc.version, entries: doc.entries.length };
  }

  /**
   * The program's listing of an item at `nowIso`: one of its barcodes on the APL, else its approved
   * proposal on the shop list; null when neither (or outside the validity).
   */
  listing(item: { id: number; barcodes: readonly string[] }, nowIso: string): Listing | null {
    for (const b of item.barcodes) {
      const e = this.aplByBarcode.get(b);
      if (e && within(nowIso, e.valid_from, e.valid_until))
        return { code: b, category: e.category, maxUnitPriceFen: e.max_unit_price_fen, list: 'apl' };
    }
    const s = this.shopEntryOfItem.get(item.id);
    if (s && within(nowIso, s.valid_from, s.valid_until))
      return { code: shopCode(s.proposal_id), category: s.category, maxUnitPriceFen: s.price_fen, list: 'shop' };
    return null;
  }

  /** What the owner's Products screen shows for each item. */
  eligibility(): EligibilitySource {
    return {
      of: (item): Eligibility => {
        const nowIso = new Date(this.d.now()).toISOString();
        const l = this.listing(item, nowIso);
        // `list` names the list that approves it: 'apl', the program's product list; 'shop', this shop's approved proposals.
        if (l) return { state: 'approved', list: l.list, listedCategory: l.category, reason: null };
        const p = this.latestProposal(item.id);
        if (p?.status === 'pending') return { state: 'pending', list: null, listedCategory: null, reason: null };
        if (p?.status === 'refused') return { state: 'refused', list: null, listedCategory: null, reason: p.reason };
        return NOT_LISTED;
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // The owner's proposals.

  propose(
    item: { id: number; name: string; priceFen: number; unit: string; barcodes: readonly string[] },
    p: { category: EligibleCategory; note: string | null },
  ): TillProposal {
    const open = this.latestProposal(item.id);
    if (open?.status === 'pending') return toProposal(open);
    const barcode = item.barcodes.find((b) => /^[0-9]{8,14}$/.test(b)) ?? null;
    const row: ProposalRow = {
      proposal_id: crypto.randomUUID(),
      item_id: item.id,
      barcode,
      name: item.name.slice(0, 60),
      price_fen: item.priceFen,
      category: p.category,
      unit: item.unit ? item.unit.slice(0, 10) : null,
      note: p.note,
      proposed_at: new Date(this.d.now()).toISOString(),
      uploaded_at: null,
      status: 'pending',
      reason: null,
      decided_category: null,
      decided_at: null,
    };
    this.d.db
      .prepare(
        `INSERT INTO proposals (proposal_id, item_id, barcode, name, price_fen, category, unit, note, proposed_at)
         VALUES (@proposal_id, @item_id, @barcode, @name, @price_fen, @category, @unit, @note, @proposed_at)`,
      )
      .run(row);
    return toProposal(row);
  }

  list(): TillProposal[] {
    return this.d.db.prepare<[], ProposalRow>('SELECT * FROM proposals ORDER BY proposed_at DESC').all().map(toProposal);
  }

  /** Proposals the program has not received yet, as they are uploaded (they go with the next sync). */
  unsent(): WireProposal[] {
    return this.d.db
      .prepare<[], ProposalRow>('SELECT * FROM proposals WHERE uploaded_at IS NULL ORDER BY proposed_at')
      .all()
      .map((p) => ({
        proposalId: p.proposal_id,
        barcode: p.barcode,
        name: p.name,
        priceFen: p.price_fen,
        category: p.category,
        unit: p.unit,
        note: p.note,
        proposedAt: p.proposed_at,
      }));
  }

  markSent(ids: readonly string[]): void {
    const at = new Date(this.d.now()).toISOString();
    const mark = this.d.db.prepare('UPDATE proposals SET uploaded_at = ? WHERE proposal_id = ?');
    this.d.db.transaction(() => ids.forEach((id) => mark.run(at, id)))();
  }

  /** The program's decisions, as it reports them. */
  applyStates(states: readonly ProposalState[]): void {
    const set = this.d.db.prepare(
      'UPDATE proposals SET status = ?, reason = ?, decided_category = ?, decided_at = ? WHERE proposal_id = ?',
    );
    this.d.db.transaction(() => {
      for (const s of states) set.run(s.status, s.reason, s.category, s.decidedAt, s.proposalId);
    })();
  }

  private latestProposal(itemId: number): ProposalRow | undefined {
    return this.d.db
      .prepare<[number], ProposalRow>('SELECT * FROM proposals WHERE item_id = ? ORDER BY proposed_at DESC LIMIT 1')
      .get(itemId);
  }
}

function toProposal(r: ProposalRow): TillProposal {
  return {
    proposalId: r.proposal_id,
    itemId: r.item_id,
    barcode: r.barcode,
    name: r.name,
    priceFen: r.price_fen,
    category: r.category,
    note: r.note,
    proposedAt: r.proposed_at,
    sent: r.uploaded_at !== null,
    status: r.status,
    reason: r.reason,
    decidedCategory: r.decided_category,
    decidedAt: r.decided_at,
  };
}
