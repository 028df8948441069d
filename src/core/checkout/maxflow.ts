/**
 * Edmonds–Karp max flow on a small graph (tens of nodes): how much of a basket a set of vouchers
 * can pay when each voucher covers only some lines and caps sit in between. Integer capacities
 * (fen), so results are exact. Flow can be resumed after raising capacities, which the allocator
 * uses to fill with fixed vouchers first and top up with balance vouchers second.
 */
export class FlowGraph {
  private readonly head: number[];
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly next: number[] = [];

  constructor(readonly size: number) {
    this.head = new Array<number>(size).fill(-1);
  }

  /** Adds an edge and returns its id (its reverse edge is id ^ 1). */
  addEdge(from: number, to: number, capacity: number): number {
    const id = this.to.length;
    this.to.push(to, from);
    this.cap.push(capacity, 0);
    this.next.push(this.head[from]!, this.head[to]!);
    this.head[from] = id;
    this.head[to] = id + 1;
    return id;
  }

  setCapacity(edge: number, capacity: number): void {
    // Residual = capacity − flow; flow sits on the reverse edge.
    this.cap[edge] = capacity - this.cap[edge ^ 1]!;
  }

  flowOn(edge: number): number {
    return this.cap[edge ^ 1]!;
  }

  /** Augments from s to t until no path is left; returns the flow added. */
  augment(s: number, t: number): number {
    let total = 0;
    const prevEdge = new Array<number>(this.size);
    for (;;) {
      prevEdge.fill(-1);
      const queue = [s];
      let found = false;
      for (let qi = 0; qi < queue.length && !found; qi++) {
        const u = queue[qi]!;
        for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
          const v = this.to[e]!;
          // Stryker disable next-line ConditionalExpression: reaching the source again only expands it again, and every neighbour it reaches was seen the first time (a saved loop, not a different flow)
          if (this.cap[e]! > 0 && v !== s && prevEdge[v] === -1) {
            prevEdge[v] = e;
            if (v === t) {
              found = true;
              break;
            }
            queue.push(v);
          }
        }
      }
      if (!found) return total;
      let push = Infinity;
      for (let v = t; v !== s; v = this.to[prevEdge[v]! ^ 1]!) push = Math.min(push, this.cap[prevEdge[v]!]!);
      for (let v = t; v !== s; v = this.to[prevEdge[v]! ^ 1]!) {
        const e = prevEdge[v]!;
        this.cap[e] = this.cap[e]! - push;
        this.cap[e ^ 1] = this.cap[e ^ 1]! + push;
      }
      total += push;
    }
  }

  /** Outgoing edges of a node with positive flow: [edge, to, flow]. */
  *flowsFrom(u: number): Generator<[number, number, number]> {
    for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
      if (e % 2 === 0 && this.cap[e ^ 1]! > 0) yield [e, this.to[e]!, this.cap[e ^ 1]!];
    }
  }
}
