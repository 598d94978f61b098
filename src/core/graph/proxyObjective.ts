/**
 * Swap state with the "pairs within distance two" proxy objective, updated locally per swap.
 *
 * For a graph of diameter ≤ 3 the distance sum is determined by how many ordered pairs lie within
 * distance 2: with P such unordered pairs (adjacent or sharing a neighbour),
 *   Σ_{s≠t} dist(s,t) ≥ 3·n(n−1) − n·k − 2P,
 * with equality exactly when the diameter is ≤ 3. Every triangle and every 4-cycle makes two 2-paths land
 * on an already-covered pair, so maximising P is minimising (weighted) triangles and 4-cycles — the proxy
 * of Shimizu & Mori ("Average shortest path length of graphs of diameter 3", IEEE/ACM NOCS 2016) made
 * exact for the pairs it counts.
 *
 * State: one n×n matrix (upper triangle used) whose entry for {u,v} holds the number of common neighbours
 * plus a high "adjacent" bit; a pair is covered iff its entry is non-zero. Removing or adding an edge {a,b}
 * touches the 2-paths b–a–x and a–b–y only: O(k) entry updates, so one double-edge swap costs O(k) instead
 * of the O(n²k/128) of an exact BFS evaluation. Memory n² bytes (n² × 2 bytes when k ≥ 128).
 *
 * Without the matrix (graphs too large for it) the class still performs swaps on the adjacency with O(k)
 * neighbour scans for the multi-edge test, and `covered` stays 0.
 */

/** Largest matrix we allocate for the proxy (bytes). */
export const MAX_PROXY_BYTES = 64 * 1024 * 1024;

export class SwapState {
  readonly n: number;
  readonly k: number;
  /** Flat n×k adjacency, mutated in place by `rewire`. */
  readonly adj: Int32Array;
  /** Pair matrix (count of common neighbours | ADJ bit), or null when too large. */
  readonly pairs: Uint8Array | Uint16Array | null;
  private readonly adjBit: number;
  /** Unordered pairs within distance ≤ 2 (only maintained with a pair matrix). */
  covered = 0;

  constructor(n: number, k: number, adj: Int32Array, withProxy = true) {
    this.n = n;
    this.k = k;
    this.adj = adj;
    const wide = k >= 127;
    const bytes = n * n * (wide ? 2 : 1);
    this.pairs = withProxy && bytes <= MAX_PROXY_BYTES ? (wide ? new Uint16Array(n * n) : new Uint8Array(n * n)) : null;
    this.adjBit = wide ? 0x8000 : 0x80;
    this.rebuild();
  }

  get hasProxy(): boolean {
    return this.pairs !== null;
  }

  /** Recomputes the pair matrix and `covered` from the adjacency: O(n·k²). */
  rebuild(): void {
    const M = this.pairs;
    if (!M) return;
    const { n, k, adj } = this;
    M.fill(0);
    for (let v = 0; v < n; v++) {
      const base = v * k;
      for (let i = 0; i < k; i++) {
        const x = adj[base + i];
        if (x > v) M[v * n + x] |= this.adjBit;
        for (let j = i + 1; j < k; j++) {
          const y = adj[base + j];
          M[x < y ? x * n + y : y * n + x]++;
        }
      }
    }
    let c = 0;
    for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) if (M[u * n + v] !== 0) c++;
    this.covered = c;
  }

  /** Lower bound on the distance sum implied by `covered` (exact when the diameter is ≤ 3). */
  proxySum(): number {
    const n = this.n;
    return 3 * n * (n - 1) - n * this.k - 2 * this.covered;
  }

  hasEdge(u: number, v: number): boolean {
    const M = this.pairs;
    if (M) return (M[u < v ? u * this.n + v : v * this.n + u] & this.adjBit) !== 0;
    const { k, adj } = this;
    for (let i = u * k, e = i + k; i < e; i++) if (adj[i] === v) return true;
    return false;
  }

  slotOf(v: number, w: number): number {
    const { k, adj } = this;
    for (let i = v * k, e = i + k; i < e; i++) if (adj[i] === w) return i;
    throw new Error(`internal: ${w} is not a neighbour of ${v}`);
  }

  /**
   * Double-edge swap by slots. Before: adj[sa] = b, adj[sb] = a, adj[sc] = d, adj[sd] = c where a, b, c, d
   * own the slots sa, sb, sc, sd. After: edges (a,d) and (c,b) — adj[sa] = d, adj[sd] = a, adj[sc] = b,
   * adj[sb] = c. The inverse is `rewire(sa, sd, sc, sb)`. The caller checks distinctness and simplicity.
   */
  rewire(sa: number, sb: number, sc: number, sd: number): void {
    const k = this.k, adj = this.adj;
    const a = (sa / k) | 0, b = (sb / k) | 0, c = (sc / k) | 0, d = (sd / k) | 0;
    if (!this.pairs) {
      adj[sa] = d;
      adj[sd] = a;
      adj[sc] = b;
      adj[sb] = c;
      return;
    }
    this.removeEdge(a, sa, b, sb);
    this.removeEdge(c, sc, d, sd);
    this.addEdge(a, sa, d, sd);
    this.addEdge(c, sc, b, sb);
  }

  // 2-paths through the edge {a,b}: b–a–x for x ∈ N(a)\{b} and a–b–y for y ∈ N(b)\{a}. Slots emptied by a
  // removal hold −1 until the matching addition fills them, so row scans see the current graph.
  private removeEdge(a: number, sa: number, b: number, sb: number): void {
    const M = this.pairs!, n = this.n, k = this.k, adj = this.adj;
    adj[sa] = -1;
    adj[sb] = -1;
    let c = 0;
    const e = a < b ? a * n + b : b * n + a;
    M[e] ^= this.adjBit;
    if (M[e] === 0) c++;
    for (let i = a * k, end = i + k; i < end; i++) {
      const x = adj[i];
      if (x < 0) continue;
      const idx = x < b ? x * n + b : b * n + x;
      if (--M[idx] === 0) c++;
    }
    for (let i = b * k, end = i + k; i < end; i++) {
      const y = adj[i];
      if (y < 0) continue;
      const idx = y < a ? y * n + a : a * n + y;
      if (--M[idx] === 0) c++;
    }
    this.covered -= c;
  }

  private addEdge(a: number, sa: number, b: number, sb: number): void {
    const M = this.pairs!, n = this.n, k = this.k, adj = this.adj;
    let c = 0;
    for (let i = a * k, end = i + k; i < end; i++) {
      const x = adj[i];
      if (x < 0) continue;
      const idx = x < b ? x * n + b : b * n + x;
      if (M[idx]++ === 0) c++;
    }
    for (let i = b * k, end = i + k; i < end; i++) {
      const y = adj[i];
      if (y < 0) continue;
      const idx = y < a ? y * n + a : a * n + y;
      if (M[idx]++ === 0) c++;
    }
    const e = a < b ? a * n + b : b * n + a;
    if (M[e] === 0) c++;
    M[e] ^= this.adjBit;
    adj[sa] = b;
    adj[sb] = a;
    this.covered += c;
  }
}
