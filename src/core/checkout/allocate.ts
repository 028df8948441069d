import { isNeverEligible } from '../../shared/domain/categories';
import type { Campaign } from '../../shared/voucher/manifest';
import { FlowGraph } from './maxflow';

/**
 * Which vouchers pay for which basket lines (DESIGN.md §3). Pure and deterministic.
 *
 * A line is eligible for a voucher when its category is in the voucher's campaign (never for the
 * categories no campaign may pay) and within the campaign's per-visit caps. Several vouchers of
 * several campaigns may share a basket, so "how much can they pay" is a max-flow:
 *
 *   source → voucher (its usable amount) → campaign (this till's remaining offline allowance)
 *          → campaign × category (the per-visit amount cap) → line (its eligible amount) → sink (its price)
 *
 * Fixed vouchers are single use with no change, so the allocator tries every choice of them
 * (identical ones grouped) and ranks the outcomes:
 *   max_cover:     most paid by vouchers, then least forfeited, then least balance used (balance
 *                  keeps for later; fixed do not), then earliest expiry, then fewest vouchers;
 *   least_forfeit: least forfeited first, then the same order.
 * The till proposes max_cover (families are short of cash) and offers least_forfeit when it differs.
 */

export interface AllocLine {
  category: string;
  unitPriceFen: number;
  quantity: number;
  /**
   * Why the program's lists do not vouch for the line (issue 11): not on them, or priced above the
   * most they let a voucher pay per unit. Only campaigns that pay by the list (`eligibility: 'apl'`)
   * look at it; absent: listed (and then `category` is the listed one).
   */
  unlisted?: 'not_listed' | 'over_max_price';
}

export interface AllocVoucher {
  kind: 'fixed' | 'balance';
  campaign: Pick<Campaign, 'id' | 'eligibleCategories' | 'perVisitCaps'> & Partial<Pick<Campaign, 'eligibility'>>;
  faceValueFen: number;
  /** Fixed: the face value. Balance: what it may still pay here (remaining balance, offline limit). */
  availableFen: number;
  /** Unix seconds. */
  validUntil: number;
}

export type Plan = 'max_cover' | 'least_forfeit';

export type LineStatus = 'eligible' | 'partial' | 'not_eligible' | 'no_voucher';
export type LineReason = 'never_eligible' | 'category_not_eligible' | 'over_cap' | 'not_listed' | 'over_max_price' | null;

export interface AllocResult {
  plan: Plan;
  basketFen: number;
  voucherPaidFen: number;
  forfeitedFen: number;
  otherTenderFen: number;
  lines: Array<{ amountFen: number; eligibleFen: number; voucherPaidFen: number; status: LineStatus; reason: LineReason }>;
  vouchers: Array<{ selected: boolean; usedFen: number; forfeitedFen: number; perLine: Array<{ line: number; amountFen: number }> }>;
}

/** Most fixed-voucher combinations tried; beyond it a sale has too many vouchers to be real. */
export const MAX_COMBINATIONS = 4096;

interface Evaluation {
  /** [voucher index] → this fixed voucher is opened (balance vouchers always are). */
  chosen: boolean[];
  cover: number;
  forfeit: number;
  balanceUsed: number;
  expiries: number[];
  count: number;
}

export function allocate(
  lines: AllocLine[],
  vouchers: AllocVoucher[],
  deviceRemaining: ReadonlyMap<number, number>,
  plan: Plan = 'max_cover',
): AllocResult {
  const model = buildModel(lines, vouchers, deviceRemaining);
  const best = bestChoice(model, vouchers, plan);
  return settle(model, vouchers, best.chosen, plan);
}

/** The proposed allocation and, when it forfeits and a choice forfeiting less exists, that one too. */
export function allocateWithAlternative(lines: AllocLine[], vouchers: AllocVoucher[], deviceRemaining: ReadonlyMap<number, number>) {
  const model = buildModel(lines, vouchers, deviceRemaining);
  const main = bestChoice(model, vouchers, 'max_cover');
  let alternative: AllocResult | null = null;
  if (main.forfeit > 0) {
    // Least forfeit first always finds a choice that forfeits nothing (at worst, no fixed voucher at
    // all), so it forfeits less than the proposal; it is offered when vouchers still pay something.
    // Stryker disable next-line StringLiteral: bestChoice only tells 'max_cover' from any other plan
    const alt = bestChoice(model, vouchers, 'least_forfeit');
    if (alt.cover > 0) alternative = settle(model, vouchers, alt.chosen, 'least_forfeit');
  }
  return { main: settle(model, vouchers, main.chosen, 'max_cover'), alternative };
}

/** Per campaign, how much of each line its vouchers may pay (categories and quantity caps applied). */
export function lineEligibility(lines: AllocLine[], campaign: AllocVoucher['campaign']): Array<{ amountFen: number; reason: LineReason }> {
  const quantityLeft = new Map<string, number>();
  return lines.map((l) => {
    if (isNeverEligible(l.category)) return { amountFen: 0, reason: 'never_eligible' };
    if (campaign.eligibility === 'apl' && l.unlisted) return { amountFen: 0, reason: l.unlisted };
    if (!(campaign.eligibleCategories as readonly string[]).includes(l.category)) return { amountFen: 0, reason: 'category_not_eligible' };
    const cap = campaign.perVisitCaps[l.category as keyof typeof campaign.perVisitCaps];
    let qty = l.quantity;
    if (cap?.maxQuantity !== undefined) {
      const left = quantityLeft.get(l.category) ?? cap.maxQuantity;
      qty = Math.min(qty, left);
      quantityLeft.set(l.category, left - qty);
    }
    return { amountFen: qty * l.unitPriceFen, reason: qty < l.quantity ? 'over_cap' : null };
  });
}

interface Model {
  lines: AllocLine[];
  amounts: number[];
  /** [campaign id] → per line eligible amount. */
  eligibility: Map<number, Array<{ amountFen: number; reason: LineReason }>>;
  deviceRemaining: ReadonlyMap<number, number>;
  groups: number[][];
}

function buildModel(lines: AllocLine[], vouchers: AllocVoucher[], deviceRemaining: ReadonlyMap<number, number>): Model {
  const campaigns = new Map(vouchers.map((v) => [v.campaign.id, v.campaign]));
  const eligibility = new Map([...campaigns].map(([id, c]) => [id, lineEligibility(lines, c)]));
  // Identical fixed vouchers are interchangeable: choose how many of each group, not which.
  const groupOf = new Map<string, number[]>();
  vouchers.forEach((v, i) => {
    if (v.kind !== 'fixed') return;
    const key = `${v.campaign.id}|${v.faceValueFen}|${v.validUntil}`;
    const g = groupOf.get(key) ?? [];
    g.push(i);
    groupOf.set(key, g);
  });
  return { lines, amounts: lines.map((l) => l.unitPriceFen * l.quantity), eligibility, deviceRemaining, groups: [...groupOf.values()] };
}

function bestChoice(model: Model, vouchers: AllocVoucher[], plan: Plan): Evaluation {
  const combos = model.groups.reduce((n, g) => n * (g.length + 1), 1);
  if (combos > MAX_COMBINATIONS) throw new RangeError('too many fixed vouchers in one sale');
  let best: Evaluation | null = null;
  // Stryker disable next-line EqualityOperator: c = combos decodes to choice 0 again, which cannot beat itself
  for (let c = 0; c < combos; c++) {
    // Choice c in mixed radix: how many vouchers of each group.
    let rest = c;
    const counts = model.groups.map((g) => {
      const n = rest % (g.length + 1);
      rest = Math.floor(rest / (g.length + 1));
      return n;
    });
    // Which fixed vouchers this choice opens (balance vouchers are always open: runFlow).
    // Stryker disable next-line ArrowFunction: undefined reads as false
    const chosen = vouchers.map(() => false);
    model.groups.forEach((g, gi) => g.slice(0, counts[gi]).forEach((i) => (chosen[i] = true)));
    const e = evaluate(model, vouchers, chosen);
    if (!best || better(e, best, plan)) best = e;
  }
  return best!; // combos ≥ 1: choosing no fixed voucher is always one of them
}

function better(a: Evaluation, b: Evaluation, plan: Plan): boolean {
  const keys = (e: Evaluation) => (plan === 'max_cover' ? [-e.cover, e.forfeit, e.balanceUsed] : [e.forfeit, -e.cover, e.balanceUsed]);
  const ka = keys(a);
  const kb = keys(b);
  // Stryker disable next-line EqualityOperator: past the end both keys are undefined, and `<=` is `<` once they differ
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]!;
  for (let i = 0; i < Math.min(a.expiries.length, b.expiries.length); i++)
    // Stryker disable next-line EqualityOperator: `<=` is `<` once they differ
    if (a.expiries[i] !== b.expiries[i]) return a.expiries[i]! < b.expiries[i]!;
  // Then fewest vouchers; a full tie keeps the earlier choice (the vouchers scanned first).
  return a.count < b.count;
}

interface Built {
  graph: FlowGraph;
  source: number;
  sink: number;
  voucherEdges: number[];
  lineNode: (j: number) => number;
  voucherNode: (i: number) => number;
}

/** The flow network with the chosen fixed vouchers open (balance vouchers start closed; see runFlow). */
function buildGraph(model: Model, vouchers: AllocVoucher[], chosen: boolean[]): Built {
  const campaigns = [...model.eligibility.keys()];
  const categories = [...new Set(model.lines.map((l) => l.category))];
  const V = vouchers.length;
  const C = campaigns.length;
  const K = categories.length;
  const L = model.lines.length;
  const source = 0;
  const sink = 1;
  const voucherNode = (i: number) => 2 + i;
  const campIn = (c: number) => 2 + V + 2 * c;
  const campOut = (c: number) => 3 + V + 2 * c;
  const catNode = (c: number, k: number) => 2 + V + 2 * C + c * K + k;
  const lineNode = (j: number) => 2 + V + 2 * C + C * K + j;
  const graph = new FlowGraph(2 + V + 2 * C + C * K + L);
  const voucherEdges = vouchers.map((v, i) => {
    const e = graph.addEdge(source, voucherNode(i), chosen[i] ? v.faceValueFen : 0);
    graph.addEdge(voucherNode(i), campIn(campaigns.indexOf(v.campaign.id)), Number.MAX_SAFE_INTEGER);
    return e;
  });
  campaigns.forEach((cid, c) => {
    graph.addEdge(campIn(c), campOut(c), model.deviceRemaining.get(cid) ?? Number.MAX_SAFE_INTEGER);
    const campaign = vouchers.find((v) => v.campaign.id === cid)!.campaign;
    const elig = model.eligibility.get(cid)!;
    categories.forEach((cat, k) => {
      const cap = campaign.perVisitCaps[cat as keyof typeof campaign.perVisitCaps]?.maxAmountFen;
      graph.addEdge(campOut(c), catNode(c, k), cap ?? Number.MAX_SAFE_INTEGER);
    });
    model.lines.forEach((l, j) => {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an edge of capacity 0 carries nothing; leaving it out keeps the graph small
      if (elig[j]!.amountFen > 0) graph.addEdge(catNode(c, categories.indexOf(l.category)), lineNode(j), elig[j]!.amountFen);
    });
  });
  model.lines.forEach((_, j) => graph.addEdge(lineNode(j), sink, model.amounts[j]!));
  return { graph, source, sink, voucherEdges, lineNode, voucherNode };
}

function runFlow(model: Model, vouchers: AllocVoucher[], chosen: boolean[]): { built: Built; fixedFlow: number; total: number } {
  const built = buildGraph(model, vouchers, chosen);
  // Fixed vouchers first: they cannot keep a rest. Balance vouchers then top up; augmenting never
  // takes flow back from a voucher, so the fixed vouchers' share stays at its maximum.
  const fixedFlow = built.graph.augment(built.source, built.sink);
  vouchers.forEach((v, i) => {
    // Balance vouchers are always open. (Opening a fixed one again would change nothing: its available amount is its face value.)
    // Stryker disable next-line ConditionalExpression: see above
    if (v.kind === 'balance') built.graph.setCapacity(built.voucherEdges[i]!, v.availableFen);
  });
  const total = fixedFlow + built.graph.augment(built.source, built.sink);
  return { built, fixedFlow, total };
}

function evaluate(model: Model, vouchers: AllocVoucher[], chosen: boolean[]): Evaluation {
  const { fixedFlow, total } = runFlow(model, vouchers, chosen);
  let faceChosen = 0;
  // Stryker disable next-line ArrayDeclaration: a stray first element is in both choices compared, and the numeric sort leaves it first in both
  const expiries: number[] = [];
  let count = 0;
  vouchers.forEach((v, i) => {
    if (!chosen[i]) return;
    faceChosen += v.faceValueFen;
    expiries.push(v.validUntil);
    count++;
  });
  return {
    chosen,
    cover: total,
    forfeit: faceChosen - fixedFlow,
    balanceUsed: total - fixedFlow,
    expiries: expiries.sort((a, b) => a - b),
    count,
  };
}

function settle(model: Model, vouchers: AllocVoucher[], chosen: boolean[], plan: Plan): AllocResult {
  const { built } = runFlow(model, vouchers, chosen);
  const perVoucher = vouchers.map(() => new Map<number, number>());
  // Attribute each voucher's flow to lines by walking the flow network (a flow decomposition).
  const remaining = new Map<number, number>();
  const flowLeft = (e: number, f: number) => (remaining.has(e) ? remaining.get(e)! : f);
  const walk = (node: number, budget: number, voucher: number): number => {
    // Line nodes are the last nodes of the graph, and only they lead to the sink: the walk ends there.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: no node lies past the last line
    if (node >= built.lineNode(0) && node < built.lineNode(model.lines.length)) {
      const j = node - built.lineNode(0);
      perVoucher[voucher]!.set(j, (perVoucher[voucher]!.get(j) ?? 0) + budget);
      return budget;
    }
    let sent = 0;
    for (const [e, to, f] of built.graph.flowsFrom(node)) {
      const left = flowLeft(e, f);
      if (left <= 0) continue;
      const push = walk(to, Math.min(left, budget - sent), voucher);
      remaining.set(e, left - push);
      sent += push;
      if (sent === budget) break;
    }
    return sent;
  };
  // A voucher that pays nothing has no flow on its edges, so its walk goes nowhere.
  vouchers.forEach((_, i) => walk(built.voucherNode(i), built.graph.flowOn(built.voucherEdges[i]!), i));

  const paidPerLine = model.lines.map((_, j) => perVoucher.reduce((s, m) => s + (m.get(j) ?? 0), 0));
  const voucherResults = vouchers.map((v, i) => {
    const used = built.graph.flowOn(built.voucherEdges[i]!);
    // A voucher is used when it pays: one not chosen has no capacity, and a chosen fixed voucher
    // always pays something (one paying nothing would only forfeit, so no plan chooses it).
    const selected = used > 0;
    return {
      selected,
      usedFen: used,
      forfeitedFen: selected && v.kind === 'fixed' ? v.faceValueFen - used : 0,
      perLine: [...perVoucher[i]!.entries()].sort((a, b) => a[0] - b[0]).map(([line, amountFen]) => ({ line, amountFen })),
    };
  });
  const lineResults = model.lines.map((_, j) => {
    const options = [...model.eligibility.values()].map((e) => e[j]!);
    const eligibleFen = options.reduce((m, o) => Math.max(m, o.amountFen), 0);
    let status: LineStatus;
    let reason: LineReason = null;
    if (options.length === 0) {
      status = isNeverEligible(model.lines[j]!.category) ? 'not_eligible' : 'no_voucher';
      reason = status === 'not_eligible' ? 'never_eligible' : null;
    } else if (eligibleFen === model.amounts[j]) status = 'eligible';
    else if (eligibleFen > 0) {
      status = 'partial';
      reason = 'over_cap';
    } else {
      status = 'not_eligible';
      // Every option here pays nothing and says why (lineEligibility). "Not in the campaign" comes
      // first (the cashier can act on it with another voucher), else the first campaign's reason.
      reason = options.some((o) => o.reason === 'category_not_eligible') ? 'category_not_eligible' : options[0]!.reason;
    }
    return { amountFen: model.amounts[j]!, eligibleFen, voucherPaidFen: paidPerLine[j]!, status, reason };
  });
  const basketFen = model.amounts.reduce((a, b) => a + b, 0);
  const voucherPaidFen = voucherResults.reduce((s, v) => s + v.usedFen, 0);
  return {
    plan,
    basketFen,
    voucherPaidFen,
    forfeitedFen: voucherResults.reduce((s, v) => s + v.forfeitedFen, 0),
    otherTenderFen: basketFen - voucherPaidFen,
    lines: lineResults,
    vouchers: voucherResults,
  };
}
