import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowGraph } from '../../src/core/checkout/maxflow';
import {
  CATEGORIES,
  ELIGIBLE_CATEGORIES,
  isNeverEligible,
  NEVER_ELIGIBLE_CATEGORIES,
  OTHER_CATEGORY,
} from '../../src/shared/domain/categories';

/**
 * Issue 16: the max-flow the allocator stands on, checked against an oracle written separately (the
 * smallest cut, by trying every cut of a small graph), and the category codes every manifest, till
 * and program share.
 */

interface Edge {
  from: number;
  to: number;
  cap: number;
}

/** The capacity of the smallest s–t cut, by brute force over every set of nodes containing s and not t. */
function minCut(size: number, edges: Edge[], s: number, t: number): number {
  let best = Infinity;
  for (let mask = 0; mask < 1 << size; mask++) {
    if (!(mask & (1 << s)) || mask & (1 << t)) continue;
    let cut = 0;
    for (const e of edges) if (mask & (1 << e.from) && !(mask & (1 << e.to))) cut += e.cap;
    best = Math.min(best, cut);
  }
  return best;
}

const graph = fc.integer({ min: 2, max: 7 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    edges: fc.array(
      fc.record({ from: fc.nat(size - 1), to: fc.nat(size - 1), cap: fc.integer({ min: 0, max: 20 }) }).filter((e) => e.from !== e.to),
      { maxLength: 18 },
    ),
  }),
);

describe('max flow', () => {
  it('equals the smallest cut (max-flow min-cut), on random small graphs with cycles and edges back into the source', () => {
    fc.assert(
      fc.property(graph, ({ size, edges }) => {
        const g = new FlowGraph(size);
        const ids = edges.map((e) => g.addEdge(e.from, e.to, e.cap));
        const flow = g.augment(0, size - 1);
        expect(flow).toBe(minCut(size, edges, 0, size - 1));
        // A valid flow: within capacities, conserved at every inner node.
        const net = new Array<number>(size).fill(0);
        edges.forEach((e, i) => {
          const f = g.flowOn(ids[i]!);
          expect(f).toBeGreaterThanOrEqual(0);
          expect(f).toBeLessThanOrEqual(e.cap);
          net[e.from]! -= f;
          net[e.to]! += f;
        });
        for (let v = 1; v < size - 1; v++) expect(net[v]).toBe(0);
        expect(net[size - 1]).toBe(flow);
        // Nothing more can be pushed.
        expect(g.augment(0, size - 1)).toBe(0);
      }),
      { numRuns: 300, seed: 16 },
    );
  });

  it('resumes after capacities are raised, keeping the flow already there', () => {
    // s=0 → a=1 → t=3, s → b=2 → t; the path through b opens later.
    const g = new FlowGraph(4);
    const sa = g.addEdge(0, 1, 5);
    const at = g.addEdge(1, 3, 3);
    const sb = g.addEdge(0, 2, 0);
    const bt = g.addEdge(2, 3, 4);
    expect(g.augment(0, 3)).toBe(3);
    expect([g.flowOn(sa), g.flowOn(at), g.flowOn(sb), g.flowOn(bt)]).toEqual([3, 3, 0, 0]);
    g.setCapacity(sb, 10);
    g.setCapacity(at, 4);
    expect(g.augment(0, 3)).toBe(5);
    expect([g.flowOn(sa), g.flowOn(at), g.flowOn(sb), g.flowOn(bt)]).toEqual([4, 4, 4, 4]);
    // Lowering a capacity to the flow already on it leaves nothing to push.
    g.setCapacity(sa, 4);
    expect(g.augment(0, 3)).toBe(0);
  });

  it('lists a node’s outgoing edges that carry flow, with their flow, and none of the reverse edges', () => {
    const g = new FlowGraph(4);
    const a = g.addEdge(0, 1, 2);
    g.addEdge(0, 2, 0);
    const c = g.addEdge(0, 3, 7);
    g.addEdge(1, 3, 9);
    g.augment(0, 3);
    expect([...g.flowsFrom(0)].sort((x, y) => x[0] - y[0])).toEqual([
      [a, 1, 2],
      [c, 3, 7],
    ]);
    expect([...g.flowsFrom(3)]).toEqual([]);
  });

  it('a sink the source cannot reach gets nothing', () => {
    const g = new FlowGraph(3);
    g.addEdge(0, 1, 5);
    g.addEdge(2, 1, 5);
    expect(g.augment(0, 2)).toBe(0);
  });
});

describe('the category taxonomy', () => {
  it('has the program’s stable codes: twelve payable, five never payable, and “other”', () => {
    expect(ELIGIBLE_CATEGORIES).toEqual([
      'infant_formula',
      'diapers',
      'baby_clothing',
      'baby_care',
      'school_supplies',
      'books',
      'toys',
      'daily_necessities',
      'staple_food',
      'haircut',
      'health_service',
      'canteen_meal',
    ]);
    expect(NEVER_ELIGIBLE_CATEGORIES).toEqual(['tobacco', 'alcohol', 'lottery', 'precious_metals', 'prepaid_cards']);
    expect(OTHER_CATEGORY).toBe('other');
    expect(CATEGORIES).toEqual([...ELIGIBLE_CATEGORIES, ...NEVER_ELIGIBLE_CATEGORIES, 'other']);
  });

  it('tobacco, alcohol, lottery, gold and prepaid cards are never payable; formula and “other” are not on that list', () => {
    for (const c of NEVER_ELIGIBLE_CATEGORIES) expect(isNeverEligible(c)).toBe(true);
    for (const c of [...ELIGIBLE_CATEGORIES, 'other', '', 'Tobacco']) expect(isNeverEligible(c)).toBe(false);
  });
});
