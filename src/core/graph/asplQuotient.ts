/**
 * The BFS of a symmetric graph run on its quotient: the distance sums from the representatives without
 * touching the n-node graph.
 *
 * What it computes: for a graph invariant under σ(i) = i + m (mod n), m = n/g (`symmetry.ts`), the distance
 * sum over the m representative sources 0 … m−1, level by level — what `AsplEvaluator.evaluate(…, g)`
 * computes with a BFS over all n nodes. Node r + m·t (r < m, t ∈ Z_g) is class r at shift t. A neighbour
 * u = c + m·δ of representative r is the arc r → c with voltage δ: (r, t) is adjacent to (c, t + δ) for
 * every t (the graph is the lift of a voltage graph; J. L. Gross, "Voltage graphs", Discrete Math. 9, 1974).
 * The shifts at which source s has reached class r form one g-bit word R[r][s], and a BFS level is
 *
 *   R'[r][s] = R[r][s] | OR over arcs (r → c, δ) of rotr_g(R[c][s], δ)      (bit t of the rotation is bit t + δ),
 *
 * the newly reached pairs are the popcounts' growth. Cost: m·k·⌈m/4⌉ rotations of 128-bit vectors a level
 * (four sources per vector — two above order 32: the rotation depends on the arc only), against n·k row
 * ORs for the BFS over the lifted graph — about g/(2⌈m/4⌉) times fewer instructions; and an orbit swap changes four arcs of the
 * quotient instead of 4g entries of the adjacency. Words are 32 bits for g ≤ 32 and 64 bits (two sources a
 * vector) for g ≤ 64 (`QUOTIENT_MAX_ORDER`; the TypeScript form only the former).
 * Where it pays is measured (`usesQuotient` in `aspl.ts`, bench/asplSymmetric.ts).
 *
 * Early abort: after each level, the same bound as the lifted BFS (reached pairs at their distance, the
 * rest at least one level further, never below Moore's bound per source when the degree is known), so a
 * caller sees exactly the same results: `aborted` iff the representatives' sum exceeds `limitPart`.
 */
import { popcount32 } from './asplKernelTs';
import { instantiateQuotientKernel, type QuotientWasm } from './asplQuotientWasm';

/** Largest symmetry order of the quotient BFS: shift sets of one 64-bit word (WebAssembly). */
export const QUOTIENT_MAX_ORDER = 64;

/** Largest order of its TypeScript form (32-bit words). */
export const QUOTIENT_MAX_ORDER_TS = 32;

/** The outcome for the representatives: their distance sum (a lower bound when aborted), levels, connectivity. */
export interface QuotientSums {
  connected: boolean;
  aborted: boolean;
  /** Σ over sources s < m and all nodes v of d(s, v); when aborted, a lower bound of it (> limitPart). */
  sum: number;
  /** Largest eccentricity of a representative (the diameter); NaN when aborted. */
  levels: number;
}

/** Reusable buffers for the quotient BFS (one per evaluator; not re-entrant). */
export class QuotientBfs {
  private cur = new Int32Array(0);
  private nxt = new Int32Array(0);
  private cls = new Int32Array(0);
  private vol = new Int32Array(0);
  private wasm: QuotientWasm | null = null;
  private mem = new Int32Array(0);

  /** `useWasm`: run the level step in WebAssembly SIMD (`asplQuotientWasm.ts`) where available, else in TypeScript. */
  constructor(private readonly useWasm: boolean) {}

  /**
   * Distance sum from the representatives 0 … m−1 of the graph given by CSR `offsets` / `neighbors`
   * (n nodes, invariant under i ↦ i + n/g). `lowerBound`: a bound on the sum known in advance (Moore's
   * per source times m); `limitPart`: abort once the sum provably exceeds it; `limitLevels`: abort once some
   * pair is provably farther apart than this.
   */
  sums(offsets: Int32Array, neighbors: Int32Array, n: number, g: number, lowerBound: number, limitPart: number, limitLevels: number): QuotientSums {
    const m = n / g;
    const full = g >= 32 ? -1 : (1 << g) - 1;
    // 64-bit sets: the upper word's mask (g ≤ 32: unused).
    const fullHi = g >= 64 ? -1 : g > 32 ? (1 << (g - 32)) - 1 : 0;
    const wasm = this.useWasm ? this.prepareWasm(offsets, neighbors, n, m, g > 32) : null;
    if (!wasm) {
      if (g > QUOTIENT_MAX_ORDER_TS) throw new Error(`the TypeScript quotient BFS takes orders up to ${QUOTIENT_MAX_ORDER_TS}, got ${g}`);
      this.prepareTs(offsets, neighbors, m);
    }
    const target = m * n;
    let reached = m;
    let sum = 0;
    let d = 0;
    let a = this.aAt;
    let b = this.bAt;
    const useLimit = Number.isFinite(limitPart);
    while (reached < target) {
      d++;
      const count = wasm ? wasm.level(a, b, this.arcsAt, this.endsAt, m, g, full, fullHi) : this.levelTs(offsets, m, g, full);
      const t = a;
      a = b;
      b = t;
      if (count === reached) return { connected: false, aborted: false, sum: Infinity, levels: Infinity };
      sum += d * (count - reached);
      reached = count;
      if (d >= limitLevels && reached < target) return { connected: true, aborted: true, sum: sum + (target - reached) * (d + 1), levels: NaN };
      if (useLimit) {
        const lb = Math.max(sum + (target - reached) * (d + 1), lowerBound);
        if (lb > limitPart) return { connected: true, aborted: true, sum: lb, levels: NaN };
      }
    }
    return { connected: true, aborted: false, sum, levels: d };
  }

  // WebAssembly memory (byte offsets): rows A and B (m rows of 4·vectors i32), the arcs as (byte offset of
  // the target class's row, voltage) pairs, the byte address where each class's arcs end.
  private aAt = 0;
  private bAt = 0;
  private arcsAt = 0;
  private endsAt = 0;
  // Node u → (byte offset of its class's row, its shift), for the (n, m) in `tableN`, `tableM`.
  private rowOf = new Int32Array(0);
  private voltageOf = new Int32Array(0);
  private tableN = 0;
  private tableM = 0;

  /** Writes the start rows and the arcs into the WebAssembly memory; null without WebAssembly SIMD. */
  private prepareWasm(offsets: Int32Array, neighbors: Int32Array, n: number, m: number, wide: boolean): QuotientWasm | null {
    // A vector holds four 32-bit shift sets, or two 64-bit ones.
    const perVector = wide ? 2 : 4;
    const vectors = Math.ceil(m / perVector);
    const rowWords = 4 * vectors;
    const arcs = offsets[m] - offsets[0];
    const bWord = m * rowWords;
    const arcsWord = 2 * bWord;
    const endsWord = arcsWord + 2 * arcs;
    const bytes = 4 * (endsWord + m);
    if (!this.wasm || this.wasm.vectors !== vectors || this.wasm.wide !== wide || this.mem.length * 4 < bytes) {
      this.wasm = instantiateQuotientKernel(vectors, wide, bytes);
      if (!this.wasm) return null;
      this.mem = new Int32Array(this.wasm.memory.buffer);
    }
    const mem = this.mem;
    if (this.tableN !== n || this.tableM !== m) {
      // Node u = c + m·δ → (byte offset of class c's row, δ): two lookups an arc instead of a division.
      this.rowOf = new Int32Array(n);
      this.voltageOf = new Int32Array(n);
      for (let u = 0; u < n; u++) {
        this.rowOf[u] = (u % m) * 4 * rowWords;
        this.voltageOf[u] = Math.floor(u / m);
      }
      this.tableN = n;
      this.tableM = m;
    }
    const { rowOf, voltageOf } = this;
    for (let p = offsets[0], i = arcsWord; p < offsets[m]; p++, i += 2) {
      const u = neighbors[p];
      mem[i] = rowOf[u];
      mem[i + 1] = voltageOf[u];
    }
    for (let r = 0; r < m; r++) mem[endsWord + r] = 4 * (arcsWord + 2 * (offsets[r + 1] - offsets[0]));
    mem.fill(0, 0, bWord);
    // Source s reaches its own class at shift 0: bit 0 of its set (the low i32 of a 64-bit one).
    const setWords = wide ? 2 : 1;
    for (let s = 0; s < m; s++) mem[s * rowWords + s * setWords] = 1;
    this.aAt = 0;
    this.bAt = 4 * bWord;
    this.arcsAt = 4 * arcsWord;
    this.endsAt = 4 * endsWord;
    return this.wasm;
  }

  /** The TypeScript form's start rows and arcs (row offsets into R, class c's words at c·m, and voltages). */
  private prepareTs(offsets: Int32Array, neighbors: Int32Array, m: number): void {
    const arcs = offsets[m] - offsets[0];
    if (this.cur.length < m * m) {
      this.cur = new Int32Array(m * m);
      this.nxt = new Int32Array(m * m);
    }
    if (this.cls.length < arcs) {
      this.cls = new Int32Array(arcs);
      this.vol = new Int32Array(arcs);
    }
    for (let p = offsets[0], i = 0; p < offsets[m]; p++, i++) {
      const u = neighbors[p];
      const c = u % m;
      this.cls[i] = c * m;
      this.vol[i] = (u - c) / m;
    }
    this.cur.fill(0, 0, m * m);
    for (let s = 0; s < m; s++) this.cur[s * m + s] = 1;
  }

  /** One level in TypeScript (R in `cur`, R' into `nxt`, then swapped); returns the popcount of R'. */
  private levelTs(offsets: Int32Array, m: number, g: number, full: number): number {
    const { cur, nxt, cls, vol } = this;
    let count = 0;
    for (let r = 0; r < m; r++) {
      const row = r * m;
      const a0 = offsets[r] - offsets[0];
      const a1 = offsets[r + 1] - offsets[0];
      for (let s = 0; s < m; s++) {
        let acc = cur[row + s];
        // Late levels: most words are complete after one or two arcs.
        for (let a = a0; a < a1 && acc !== full; a++) {
          const x = cur[cls[a] + s];
          const sh = vol[a];
          acc |= ((x >>> sh) | (x << (g - sh))) & full;
        }
        nxt[row + s] = acc;
        count += popcount32(acc);
      }
    }
    this.cur = nxt;
    this.nxt = cur;
    return count;
  }
}
