/**
 * Regular graphs with a cyclic symmetry, and the double-edge swap that keeps it.
 *
 * Symmetry of order g (g divides n, m = n/g): the rotation σ(i) = (i + m) mod n is an automorphism, so the
 * graph is a g-fold cyclic lift of an m-node quotient (a voltage graph over Z_g; Gross & Tucker,
 * "Topological Graph Theory", 1987, ch. 2). The nodes 0 … m−1 represent the m node orbits. This is the
 * structure the Graph Golf record methods search for large orders (e.g. R. Mizuno & Y. Ishida, "Constructing
 * large-scale low-latency network from small optimal networks", and the symmetric mode of M. Nakao's ODP
 * code): a swap moves a whole orbit of g edges at once, the search space shrinks g-fold, and the ASPL is exact
 * from the m representatives as BFS sources (`AsplEvaluator.evaluate(…, symmetry)`), g times cheaper —
 * where it pays (`usesQuotient` in `aspl.ts`) by a BFS on the m-node quotient itself (`asplQuotient.ts`),
 * which reads only the representatives' rows (`OrbitSwapper.applyToRepresentatives`).
 *
 * Representation: the usual flat n×k adjacency kept *slot-equivariant*: adj[σʲ(u)·k + p] = σʲ(adj[u·k + p])
 * for every node u, slot p and shift j. An orbit swap then rewrites the same slot positions in every row
 * of an orbit, and a slot position stays meaningful across the orbit.
 *
 * Orbit swap of (a,b),(c,d) (a a representative, any c): for j = 0 … g−1 the edges σʲ(a)σʲ(b), σʲ(c)σʲ(d)
 * become σʲ(a)σʲ(d), σʲ(c)σʲ(b). It is applied only when the 2g removed edges are distinct (both orbits of
 * full size g, and different), the 2g added edges are distinct (both of full size g, and different) and
 * none of them exists (by symmetry testing (a,d) and (c,b) covers their orbits). Then the result is simple,
 * k-regular and invariant again. Edges {u, u + n/2} (for g even) have orbits of size g/2; they never move
 * (they arise only for odd k, from the start graph). Cost per orbit swap: O(k) edge tests and g single swaps
 * on `SwapState` — O(g) slot writes, or O(g·k) when it keeps the proxy's pair matrix.
 *
 * Voltage move of the orbit of (a,b) by t: every edge σʲ(a)σʲ(b) becomes σʲ(a)σʲ⁺ᵗ(b) — in the quotient,
 * one arc's shift changes. It keeps every degree and the symmetry, and no orbit swap makes it. Used by the
 * tabu search only (it writes the adjacency directly, so not with the proxy's pair matrix).
 */
import { RgpError } from '../errors';
import { Random } from '../random';
import { circulant, isConnectedAdj, randomRegularGraph } from './regularGraph';
import { SwapState } from './proxyObjective';

/** Throws an RgpError unless g is a usable symmetry order for a k-regular graph on n nodes. */
export function validateSymmetry(n: number, k: number, g: number): void {
  if (!Number.isInteger(g) || g < 1 || n % g !== 0) {
    throw new RgpError('BAD_ARGUMENT', `The symmetry order must be a divisor of the node count n = ${n}, got ${g}.`, `Use a divisor of ${n}, e.g. ${smallDivisor(n)} (1 = no symmetry).`);
  }
  // With odd k and even g every node needs a frozen edge to its antipode; with odd k and odd g, n/g must
  // be even (n·k even already forces n even, and m = n/g is then even).
  void k;
}

function smallDivisor(n: number): number {
  for (const d of [4, 8, 2, 16, 3, 5]) if (n % d === 0 && d < n) return d;
  return 1;
}

/** Shift of node u by j steps of m = n/g: σʲ(u). */
export function shiftNode(u: number, j: number, m: number, n: number): number {
  const x = u + j * m;
  return x >= n ? x % n : x;
}

/** True when the flat adjacency is slot-equivariant under σ(i) = i + n/g (hence the graph invariant). O(nk). */
export function isSlotEquivariant(n: number, k: number, g: number, adj: Int32Array): boolean {
  if (n % g !== 0) return false;
  const m = n / g;
  for (let u = 0; u < n; u++) {
    const v = shiftNode(u, 1, m, n);
    for (let p = 0; p < k; p++) if (adj[v * k + p] !== shiftNode(adj[u * k + p], 1, m, n)) return false;
  }
  return true;
}

/**
 * The slot-equivariant form of a graph invariant under σ (its representatives' rows, copied to every orbit
 * member shifted), or null when σ is not an automorphism of the graph. O(nk log k).
 */
export function equivariantForm(n: number, k: number, g: number, adj: Int32Array): Int32Array | null {
  if (n % g !== 0) return null;
  const m = n / g;
  const out = new Int32Array(n * k);
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < g; j++) {
      const u = r + j * m;
      for (let p = 0; p < k; p++) out[u * k + p] = shiftNode(adj[r * k + p], j, m, n);
    }
  }
  // The graph is invariant iff every row, as a set, equals the shifted representative row.
  const sorted = (a: Int32Array, u: number) => Array.from(a.subarray(u * k, u * k + k)).sort((x, y) => x - y).join(',');
  for (let u = 0; u < n; u++) if (sorted(out, u) !== sorted(adj, u)) return null;
  return out;
}

/** Relative position of the orbit of edge {u, v}: (v − u) mod n, and whether the orbit has full size g. */
function fullOrbit(u: number, v: number, n: number, halfTurn: number): boolean {
  const d = v - u < 0 ? v - u + n : v - u;
  return d !== halfTurn && n - d !== halfTurn;
}

/** Do edges {a,b} and {c,d} lie in one orbit (some σʲ maps one onto the other)? */
function sameOrbit(a: number, b: number, c: number, d: number, m: number, n: number): boolean {
  const s1 = mod(c - a, n);
  if (s1 % m === 0 && mod(d - b, n) === s1) return true;
  const s2 = mod(d - a, n);
  return s2 % m === 0 && mod(c - b, n) === s2;
}

/** x mod n in [0, n). A module function, not a closure per call: this runs once per proposed move. */
function mod(x: number, n: number): number {
  return ((x % n) + n) % n;
}

/**
 * Orbit swaps on a `SwapState` whose adjacency is slot-equivariant for the rotation of order g. One
 * instance per search; `propose` fills `slots` (positions) and `apply` / `undo` rewire the whole orbit.
 */
export class OrbitSwapper {
  readonly n: number;
  readonly k: number;
  readonly g: number;
  readonly m: number;
  /** n/2 when g is even (edges at that offset have half orbits and are frozen), else −1. */
  private readonly halfTurn: number;
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private pa = 0;
  private pb = 0;
  private pc = 0;
  private pd = 0;
  /** 0 for an orbit swap; t ≠ 0 for the voltage move of the orbit of (a, b) by t shifts (`proposeVoltageAt`). */
  private t = 0;

  constructor(private readonly state: SwapState, g: number) {
    this.n = state.n;
    this.k = state.k;
    this.g = g;
    this.m = this.n / g;
    this.halfTurn = g % 2 === 0 ? this.n / 2 : -1;
  }

  /**
   * Draws a candidate: a uniform slot among the representatives' m·k (edge (a,b), a < m) and a uniform slot
   * among all n·k (edge (c,d)). False when the orbit swap would not keep the graph simple and symmetric.
   */
  propose(rng: Random): boolean {
    // Arguments are evaluated left to right: i, then j, as the search has always drawn them.
    return this.proposeAt(rng.int(this.m * this.k), rng.int(this.n * this.k));
  }

  /** The candidate of slot i among the representatives' m·k and slot j among all n·k (see `propose`). */
  proposeAt(i: number, j: number): boolean {
    const { n, k, m, state } = this;
    const adj = state.adj;
    const a = (i / k) | 0, b = adj[i], c = (j / k) | 0, d = adj[j];
    if (a === c || a === d || b === c || b === d) return false;
    const h = this.halfTurn;
    if (h >= 0 && (!fullOrbit(a, b, n, h) || !fullOrbit(c, d, n, h) || !fullOrbit(a, d, n, h) || !fullOrbit(c, b, n, h))) return false;
    if (sameOrbit(a, b, c, d, m, n) || sameOrbit(a, d, c, b, m, n)) return false;
    if (state.hasEdge(a, d) || state.hasEdge(c, b)) return false;
    this.a = a; this.b = b; this.c = c; this.d = d;
    this.t = 0;
    this.pa = i - a * k;
    this.pb = state.slotOf(b, a) - b * k;
    this.pc = j - c * k;
    this.pd = state.slotOf(d, c) - d * k;
    return true;
  }

  /**
   * The voltage move of the edge orbit of slot i among the representatives' m·k (edge (a, b), a < m) by t
   * shifts, 0 < t < g: every edge σʲ(a)σʲ(b) becomes σʲ(a)σʲ⁺ᵗ(b). In the quotient this changes one arc's
   * voltage and nothing else, so degrees and the symmetry are kept; no orbit swap does it (an orbit swapped
   * with itself is not a move). False when the new orbit is not of full size g or already has an edge.
   */
  proposeVoltageAt(i: number, t: number): boolean {
    const { n, k, m, state } = this;
    if (state.hasProxy) throw new Error('internal: a voltage move writes the adjacency directly, without the pair matrix');
    const a = (i / k) | 0, b = state.adj[i];
    const b2 = shiftNode(b, t, m, n);
    if (b2 === a) return false;
    const h = this.halfTurn;
    if (h >= 0 && (!fullOrbit(a, b, n, h) || !fullOrbit(a, b2, n, h))) return false;
    if (state.hasEdge(a, b2)) return false;
    this.a = a; this.b = b; this.t = t;
    this.pa = i - a * k;
    this.pb = state.slotOf(b, a) - b * k;
    return true;
  }

  /**
   * The representative slot at which the edge orbit of representative slot i is seen from its other end:
   * the edge σʲ(b)σʲ(a) that lands b on its representative (slot-equivariance puts it at b's slot for a).
   * Its voltage move by −t is slot i's by t. Equal to i for an orbit of g/2 edges ({a, σ^(g/2)(a)}), which
   * only one slot reaches.
   */
  voltageTwin(i: number): number {
    const { k, m, state } = this;
    const a = (i / k) | 0, b = state.adj[i];
    return (b % m) * k + state.slotOf(b, a) - b * k;
  }

  /**
   * Whether a scan takes the voltage move (i, t): true for exactly one of the (slot, shift) pairs that give
   * the same graph, so that each is evaluated once. Those pairs: (i, t) and (twin, −t) always; and for an
   * orbit joining a to its own class ({a, σˢ(a)}, a loop of the quotient) the moves to σᵘ(a) and σ⁻ᵘ(a),
   * which are one orbit — the scan takes u < g/2.
   */
  scansVoltage(i: number, t: number): boolean {
    if (this.voltageTwin(i) < i) return false;
    const { k, m, g } = this;
    const a = (i / k) | 0, b = this.state.adj[i];
    if (b % m !== a) return true;
    const u = (((b / m) | 0) + t) % g;
    return 2 * u < g;
  }

  /** Rewires the proposed orbit: (a,b),(c,d) → (a,d),(c,b) at every shift (or the voltage move). */
  apply(): void {
    for (let j = 0; j < this.g; j++) this.rewireAt(j, false);
  }

  /** Restores the orbit changed by the last `apply` (or `applyToRepresentatives`). */
  undo(): void {
    for (let j = 0; j < this.g; j++) this.rewireAt(j, true);
  }

  /**
   * The proposed orbit swap in the representatives' rows (nodes < m) only — all that the quotient BFS reads
   * (`asplQuotient.ts`): each of a, b, c, d lands on its representative at one shift, so at most 4 of the g
   * swaps. The rest of the adjacency is then inconsistent until `apply` completes the move (its writes are
   * assignments, so repeating these is harmless) or `undoRepresentatives` restores it.
   */
  applyToRepresentatives(): void {
    this.representativeShifts(false);
  }

  /** Restores what `applyToRepresentatives` changed. */
  undoRepresentatives(): void {
    this.representativeShifts(true);
  }

  private representativeShifts(inverse: boolean): void {
    const { g, m } = this;
    const ja = (g - ((this.a / m) | 0)) % g;
    const jb = (g - ((this.b / m) | 0)) % g;
    if (this.t !== 0) {
      // Slot pa of row a itself, and slot pb of the row of b's representative σ^jb(b).
      const { n, k, state } = this;
      const t = inverse ? 0 : this.t;
      state.adj[this.a * k + this.pa] = shiftNode(this.b, t, m, n);
      state.adj[shiftNode(this.b, jb, m, n) * k + this.pb] = shiftNode(this.a, (jb - t + g) % g, m, n);
      return;
    }
    const jc = (g - ((this.c / m) | 0)) % g;
    const jd = (g - ((this.d / m) | 0)) % g;
    this.rewireAt(ja, inverse);
    if (jb !== ja) this.rewireAt(jb, inverse);
    if (jc !== ja && jc !== jb) this.rewireAt(jc, inverse);
    if (jd !== ja && jd !== jb && jd !== jc) this.rewireAt(jd, inverse);
  }

  /** The swap of the orbit at shift j (or its inverse). */
  private rewireAt(j: number, inverse: boolean): void {
    const { n, k, m, state } = this;
    if (this.t !== 0) {
      // Assignments, not a swap: σʲ(a) ↔ σʲ⁺ᵗ(b) at slots pa, pb (inverse: σʲ(a) ↔ σʲ(b)).
      const adj = state.adj;
      const t = inverse ? 0 : this.t;
      adj[shiftNode(this.a, j, m, n) * k + this.pa] = shiftNode(this.b, j + t, m, n);
      adj[shiftNode(this.b, j + t, m, n) * k + this.pb] = shiftNode(this.a, j, m, n);
      return;
    }
    const sa = shiftNode(this.a, j, m, n) * k + this.pa;
    const sb = shiftNode(this.b, j, m, n) * k + this.pb;
    const sc = shiftNode(this.c, j, m, n) * k + this.pc;
    const sd = shiftNode(this.d, j, m, n) * k + this.pd;
    if (inverse) state.rewire(sa, sd, sc, sb);
    else state.rewire(sa, sb, sc, sd);
  }
}

/**
 * A random simple connected k-regular graph on n nodes invariant under σ(i) = i + n/g, from a seed: the
 * circulant (node i joined to i ± 1 … i ± ⌊k/2⌋, and to i + n/2 for odd k; invariant under every rotation),
 * then ~10·m·k/2 random orbit swaps (the switch chain restricted to invariant graphs), more while the graph
 * is disconnected (the circulant itself if that keeps failing). Slot-equivariant. The same (n, k, g, seed)
 * gives the same graph. O(n·k²) time.
 */
export function randomSymmetricRegularGraph(n: number, k: number, g: number, seed: number): Int32Array {
  validateSymmetry(n, k, g);
  const rng = new Random(seed);
  const start = circulant(n, k);
  const st = new SwapState(n, k, Int32Array.from(start), false);
  const sw = new OrbitSwapper(st, g);
  const m = n / g;
  const shuffle = (count: number) => {
    for (let t = 0; t < count; t++) if (sw.propose(rng)) sw.apply();
  };
  shuffle(10 * Math.max(1, (m * k) >> 1));
  for (let attempt = 0; !isConnectedAdj(n, k, st.adj); attempt++) {
    // Rare (tiny or k = 2 cases, where few invariant graphs are connected): fall back to the circulant.
    if (attempt >= 50) return start;
    shuffle(Math.max(1, (m * k) >> 1));
  }
  return st.adj;
}

/**
 * A search's starting graph as a flat n×k adjacency (a fresh copy): `initial` (its slot-equivariant form
 * under symmetry g > 1), else a random graph from `rng` — symmetric under g > 1. Clear errors for a start
 * of the wrong size or without the symmetry.
 */
export function startingAdjacency(n: number, k: number, g: number, initial: Int32Array | undefined, rng: Random): Int32Array {
  if (initial) {
    if (initial.length !== n * k) throw new RgpError('BAD_GRAPH', `The starting graph has ${initial.length} adjacency entries, expected n·k = ${n * k}.`, 'Start from a k-regular graph with the same n and k.');
    if (g === 1) return Int32Array.from(initial);
    const eq = equivariantForm(n, k, g, initial);
    if (!eq) throw new RgpError('BAD_GRAPH', `The starting graph is not invariant under i ↦ i + ${n / g} (mod ${n}), so it has no symmetry of order ${g}.`, 'Start from a graph with that symmetry, or search without --symmetry.');
    return eq;
  }
  return g > 1 ? randomSymmetricRegularGraph(n, k, g, rng.nextUint32()) : Int32Array.from(randomRegularGraph(n, k, rng.nextUint32()).neighbors);
}
