/**
 * Exact average shortest path length (ASPL) and diameter of an unweighted undirected graph by
 * bit-parallel breadth-first search.
 *
 * ASPL = Σ_{s≠t} dist(s,t) / (n(n−1)) over ordered pairs of distinct nodes; Infinity when disconnected.
 *
 * Algorithm: BFS from a block of b sources at once (b = 128 per SIMD lane). Every vertex v holds a row
 * of b bits, bit i set when source i has reached v. Level d: B[v] = A[v] | OR_{u∈N(v)} A[u]; the bits that
 * turned on are exactly the (source, v) pairs at distance d, so Σ_v popcount(B[v]) − Σ_v popcount(A[v])
 * pairs contribute d each. A block ends when no bit changes (all reached, or disconnected).
 * Cost: O(⌈n/b⌉ · diam · (n + m)) word operations of b bits. Two steps cut the first and the last level
 * (WASM): level 1 scatters each source's bit into its neighbours' rows (Σ deg byte writes instead of n·k row
 * ORs), and once most pairs are reached a row stops reading neighbours as soon as it is complete — late in
 * a BFS one or two neighbours complete a row. (1024, 16): 0.10 ms with WASM SIMD on a 2-core Zen 3
 * (bench/aspl.ts, 2026-12-03; the kernel's memory layout is in asplKernelWasm.ts).
 * The idea is standard in the Graph Golf community (e.g. M. Nakao, H. Murai, M. Sato, "Parallelization of
 * all-pairs-shortest-path algorithms in unweighted graph", HPC Asia 2020).
 *
 * Early abort: given an upper limit on the distance sum, after every level the evaluator adds the exact
 * partial sum, (d+1) for every pair of the current block not reached yet, and a per-source lower bound for
 * every source not processed yet (Moore's bound for regular graphs, 2(n−1)−deg(s) otherwise). As soon as
 * that total exceeds the limit the result is "worse than the limit" and the rest is skipped. The abort is
 * exact: `aborted` is true if and only if the true sum exceeds the limit (or, with a diameter limit, the
 * true diameter exceeds that).
 */
import type { Graph } from './graph';
import { levelTs, popcount32, TS_ROW_WORDS } from './asplKernelTs';
import { instantiateKernel, MAX_UNROLLED_DEGREE, wasmKernelAvailable, type LevelFn, type LevelOneFn, type WasmKernelInstance } from './asplKernelWasm';
import { QUOTIENT_MAX_ORDER, QUOTIENT_MAX_ORDER_TS, QuotientBfs } from './asplQuotient';
import { mooreBound } from './mooreBound';

export type KernelChoice = 'auto' | 'wasm' | 'ts';
export type KernelKind = 'wasm' | 'ts';

export interface DistanceResult {
  /** False when some pair is not connected; then aspl, diameter and distanceSum are Infinity. */
  connected: boolean;
  /** True when the evaluation stopped because the distance sum provably exceeds the limit given. */
  aborted: boolean;
  /** Σ over ordered pairs of dist(s,t); when aborted, a lower bound that exceeds the limit. */
  distanceSum: number;
  /** distanceSum / (n(n−1)); when aborted, a lower bound. */
  aspl: number;
  /** Largest distance; NaN when aborted. */
  diameter: number;
}

export interface EvaluatorOptions {
  kernel?: KernelChoice;
  /** v128 vectors per vertex row in the WASM kernel (1, 2, 4 or 8); sources per block = 128·lanes. */
  lanes?: number;
  /** Use the WASM kernel unrolled for the degree of a regular graph (default true; false for comparisons). */
  unroll?: boolean;
  /** Share of a block's pairs reached from which the early-exit step runs (default LATE_LEVEL_FROM; > 1: never). */
  lateFrom?: number;
  /** Run a symmetric graph's BFS on its quotient: where that pays (`usesQuotient`, the default), whenever it can (g ≤ 64; 32 in TypeScript), or never (for comparisons). */
  quotient?: 'auto' | 'always' | 'never';
}

/**
 * Whether `evaluate` runs a graph of symmetry order g on its quotient (`asplQuotient.ts`) by default rather
 * than BFS from the m = n/g representatives over all n nodes: when g ≤ 64 (a shift set in one word; the
 * TypeScript form ≤ 32) and g ≥ 4m. Measured (bench/asplSymmetric.ts, interleaved; and whole searches with a
 * trial in the representatives' rows): per evaluation (256, 8) order 32 (m = 8) 2.3 vs 5.4 µs, order 64
 * 1.5 vs 5.0 µs, (1024, 16) order 64 15 vs 29 µs; per annealing move (256, 8) order 32 1.5–1.75× faster. At
 * g ≤ 2m the per-call set-up and the rotations cost more than the BFS they replace — (64, 4) order 4,
 * (256, 8) order 8, (1024, 16) order 16: 2–3.4× slower; (256, 8) order 16 and (1024, 16) order 32 even.
 */
export function usesQuotient(n: number, g: number): boolean {
  return g > 1 && g <= QUOTIENT_MAX_ORDER && 4 * (n / g) <= g;
}

/** Default rows: one vector for small graphs, wider rows amortise index loads on larger ones. */
export function defaultLanes(n: number): number {
  if (n <= 128) return 1;
  if (n <= 256) return 2;
  return 4;
}

/**
 * A reusable evaluator: owns the BFS buffers (and, with WASM, its own module instance and memory),
 * growing them when a larger graph arrives. One per thread/search chain; not re-entrant.
 */
export class AsplEvaluator {
  readonly kernel: KernelKind;
  private wasm: WasmKernelInstance | null = null;
  private capN = 0;
  private capEntries = 0;
  private lanes: number;
  private tsA = new Int32Array(0);
  private tsB = new Int32Array(0);
  private readonly wantLanes: number | undefined;
  private readonly unroll: boolean;
  private readonly lateFrom: number;
  private readonly quotient: 'auto' | 'always' | 'never';
  private quotientBfs: QuotientBfs | null = null;
  /** Degree the WASM instance's unrolled kernel is built for (0: none). */
  private capK = 0;
  /** A view of the WASM memory (made with the instance; the memory does not grow afterwards). */
  private mem = new Int32Array(0);
  /** The regular (n, k) whose offsets the WASM memory holds (k = 0: none known). */
  private offsetsN = 0;
  private offsetsK = 0;
  private mooreN = 0;
  private mooreK = 0;
  private mooreSum = 0;

  constructor(opts: EvaluatorOptions = {}) {
    const choice = opts.kernel ?? 'auto';
    if (choice === 'wasm' && !wasmKernelAvailable()) throw new Error('WebAssembly SIMD is not available in this engine');
    this.kernel = choice === 'ts' || !wasmKernelAvailable() ? 'ts' : 'wasm';
    this.wantLanes = opts.lanes;
    this.lanes = opts.lanes ?? 1;
    this.unroll = opts.unroll ?? true;
    this.lateFrom = opts.lateFrom ?? LATE_LEVEL_FROM;
    this.quotient = opts.quotient ?? 'auto';
  }

  /**
   * True when `evaluate(…, symmetry g)` of an n-node graph reads only the representatives' rows (nodes
   * < n/g): it runs on the quotient. A search may then move only those rows for a trial (`OrbitSwapper`).
   */
  readsRepresentativesOnly(n: number, g: number): boolean {
    const maxOrder = this.kernel === 'wasm' ? QUOTIENT_MAX_ORDER : QUOTIENT_MAX_ORDER_TS;
    if (g > maxOrder) return false;
    if (this.quotient === 'always') return g > 1 && n % g === 0;
    return this.quotient === 'auto' && usesQuotient(n, g);
  }

  /** Sources per block of the kernel in use. */
  get blockBits(): number {
    return this.kernel === 'wasm' ? 128 * this.lanes : 32 * TS_ROW_WORDS;
  }

  /** `k` > 0: the graph is k-regular and an unrolled kernel for k is wanted. */
  private ensure(n: number, entries: number, k: number): void {
    const capN = Math.max(n, this.capN);
    const capEntries = Math.max(entries, this.capEntries);
    const lanes = this.wantLanes ?? defaultLanes(capN);
    // The module for a degree k carries the unrolled steps (which ones: `buildLevelModule`).
    const wantK = this.kernel === 'wasm' && this.unroll && k >= 1 && k <= MAX_UNROLLED_DEGREE ? k : this.capK;
    if (n <= this.capN && entries <= this.capEntries && wantK === this.capK) return;
    if (this.kernel === 'wasm') {
      this.lanes = lanes;
      const bytes = this.layout(capN, capEntries).end;
      this.capK = wantK;
      this.wasm = instantiateKernel(this.lanes, bytes, wantK);
      this.offsetsN = this.offsetsK = 0; // a fresh memory holds no offsets
      if (!this.wasm) throw new Error('WebAssembly kernel failed to instantiate');
      // The memory never grows after this (its size is set here), so one view serves every call; reading
      // `memory.buffer` per call showed in the search's profile.
      this.mem = new Int32Array(this.wasm.memory.buffer);
    } else {
      this.tsA = new Int32Array(capN * TS_ROW_WORDS);
      this.tsB = new Int32Array(capN * TS_ROW_WORDS);
    }
    this.capN = capN;
    this.capEntries = capEntries;
  }

  /**
   * The WASM memory: CSR offsets, the neighbours as given, the neighbours prescaled to row addresses in A
   * and in B (`scaleAdj` reads and writes whole vectors, hence the rounding), the row buffers A and B, the
   * pad row.
   */
  private layout(n: number, entries: number) {
    const off = 0;
    const adj = Math.ceil(((n + 1) * 4) / 16) * 16;
    const vectors = Math.ceil(entries / 4) * 16;
    const adjA = adj + vectors;
    const adjB = adjA + vectors;
    const a = Math.ceil((adjB + vectors) / 64) * 64;
    const row = 16 * this.lanes;
    const b = a + n * row;
    const pad = b + n * row;
    return { off, adj, adjA, adjB, a, b, pad, end: pad + row };
  }

  /** Moore's bound on one source's distance sum in a k-regular graph on n nodes (cached per (n, k)). */
  private mooreSourceSum(n: number, k: number): number {
    if (n !== this.mooreN || k !== this.mooreK) {
      this.mooreSum = mooreBound(n, k).sourceSum;
      this.mooreN = n;
      this.mooreK = k;
    }
    return this.mooreSum;
  }

  /**
   * Exact distance sum, ASPL and diameter of `g`; stops early ("aborted") once the sum provably exceeds
   * `limitSum`. `regularDegree` (when the caller knows every degree is k) enables Moore's per-source bound.
   * `limitDiameter`: also stop ("aborted") as soon as some pair is proved farther apart than this — one BFS
   * level from any block past it (the diameter-first rule of the search rejects such graphs unseen).
   * `symmetry` g (a divisor of n): the caller guarantees that i ↦ i + n/g (mod n) is an automorphism of
   * `g`; then only the n/g sources 0 … n/g − 1 are searched and the sum is g times theirs (exact by the
   * symmetry; cost divided by g). Every node's eccentricity is its representative's, so the diameter and
   * the connectivity are exact too.
   */
  evaluate(g: Graph, limitSum = Infinity, regularDegree?: number, limitDiameter = Infinity, symmetry = 1): DistanceResult {
    const n = g.n;
    const pairs = n * (n - 1);
    if (n <= 1) return { connected: true, aborted: false, distanceSum: 0, aspl: 0, diameter: 0 };
    if (!(Number.isInteger(symmetry) && symmetry >= 1 && n % symmetry === 0)) throw new Error(`symmetry must be a divisor of n = ${n}, got ${symmetry}`);
    // With a cyclic symmetry of order g (node i ↦ i + n/g mod n is an automorphism) the distances from
    // i + j·n/g are those from i, shifted: the sum over the n/g sources 0 … n/g − 1, times g, is exact.
    const sources = n / symmetry;
    const regular = regularDegree !== undefined && regularDegree >= 1 && g.neighbors.length === n * regularDegree && g.offsets[n] === n * regularDegree ? regularDegree : 0;
    this.ensure(n, g.neighbors.length, regular);
    const bits = this.blockBits;
    const words = bits >>> 5;
    const useLimit = Number.isFinite(limitSum);

    // Per-source lower bounds, only needed for early abort: Moore's per source for regular graphs,
    // 2(n−1) − deg(s) otherwise (read from the CSR offsets). No closures here: this runs millions of times
    // in a search, and a closure per call (allocated, and renamed by tools that keep function names) cost
    // more than the BFS of a small graph.
    const lbPerSource = useLimit && regularDegree !== undefined ? this.mooreSourceSum(n, regularDegree) : 0;
    const degrees = useLimit && regularDegree === undefined ? g.offsets : null;
    let lbRest = useLimit ? sourceLowerBound(0, sources, n, lbPerSource, degrees) : 0;
    // Limits apply to the full sum: compare g × (partial sum over the representatives).
    const limitPart = useLimit ? Math.floor(limitSum / symmetry) : Infinity;

    if (this.readsRepresentativesOnly(n, symmetry)) {
      this.quotientBfs ??= new QuotientBfs(this.kernel === 'wasm');
      const q = this.quotientBfs.sums(g.offsets, g.neighbors, n, symmetry, lbRest, limitPart, limitDiameter);
      if (!q.connected) return { connected: false, aborted: false, distanceSum: Infinity, aspl: Infinity, diameter: Infinity };
      const sum = q.sum * symmetry;
      return { connected: true, aborted: q.aborted, distanceSum: sum, aspl: sum / pairs, diameter: q.levels };
    }

    // Buffers 0 and 1 hold the rows of consecutive levels; blocks start in buffer 0 (WASM: A and B in its
    // memory; TypeScript: tsA and tsB).
    const w = this.kernel === 'wasm' ? this.wasm! : null;
    const lay = this.layout(this.capN, this.capEntries);
    const mem = this.mem; // empty with the TypeScript kernel
    let plain: LevelFn | null = null, plainNb: LevelFn | null = null, late: LevelFn | null = null, one: LevelOneFn | null = null;
    if (w) {
      // CSR offsets always start at 0 (Graph invariant), so they index the neighbours copy directly. A
      // regular graph's offsets are v·k: the copy is skipped when the last graph had the same (n, k).
      if (!(regular && this.offsetsN === n && this.offsetsK === regular)) {
        mem.set(g.offsets.subarray(0, n + 1), lay.off >> 2);
        this.offsetsN = n;
        this.offsetsK = regular;
      }
      mem.set(g.neighbors, lay.adj >> 2);
      w.scaleAdj(lay.adj, g.neighbors.length, lay.adjA, lay.a, lay.adjB, lay.b);
      // The module for this degree carries the unrolled steps it has measured faster (asplKernelWasm.ts).
      const forK = regular !== 0 && w.k === regular;
      plain = (forK && w.levelReg) || w.level;
      // From the second level on a row is the OR of its neighbours' rows alone — unless a vertex has none.
      plainNb = regular || !hasIsolatedVertex(g.offsets, n) ? (forK && w.levelRegNb) || w.levelNb : plain;
      late = (forK && w.levelExitReg) || w.levelExit;
      one = (forK && w.levelOneReg) || w.levelOne;
    }
    // Scattering the first level pays when the ORs it replaces (n·lanes vectors per neighbour) are several
    // times the byte updates it does (cnt per neighbour): measured a loss at ratio 1–2, a gain from 8 up.
    const scatterUpTo = w ? (n * this.lanes) / 4 : 0;

    let exact = 0;
    let diameter = 0;
    for (let s0 = 0; s0 < sources; s0 += bits) {
      const cnt = Math.min(bits, sources - s0);
      const blockLb = useLimit ? sourceLowerBound(s0, s0 + cnt, n, lbPerSource, degrees) : 0;
      lbRest -= blockLb;
      // Every block starts from buffer 0: bit i of row s0+i is source s0+i reaching itself. The bits of
      // sources a partial block lacks are one in every row from the start, so a row that every source of
      // the block has reached is all ones (what the late step tests); they add n·(bits − cnt) to every
      // count, so differences of counts and the unreached pairs, target − reached, are unchanged.
      let cur = 0; // the buffer holding the rows of the current level
      if (w) {
        for (let j = 0; j < words; j++) mem[(lay.pad >> 2) + j] = padWord(cnt, j);
        w.startBlock(lay.pad, lay.a, n, s0, cnt);
      } else {
        startBlockTs(this.tsA, n, words, s0, cnt);
      }
      const target = bits * n;
      const padBits = (bits - cnt) * n;
      const lateFrom = padBits + this.lateFrom * cnt * n;
      let reached = cnt + padBits;
      let blockSum = 0;
      let d = 0;
      while (reached < target) {
        d++;
        let r: number;
        if (!w) {
          r = levelTs(g.offsets, g.neighbors, cur === 0 ? this.tsA : this.tsB, cur === 0 ? this.tsB : this.tsA, n);
          cur ^= 1;
        } else if (d === 1 && cnt <= scatterUpTo) {
          r = reached + one!(lay.off, lay.adjA, s0, cnt); // in place: buffer 0 stays current
        } else {
          const step = reached >= lateFrom ? late! : d >= 2 ? plainNb! : plain!;
          r = cur === 0 ? step(lay.off, lay.adjA, lay.a, lay.b, n) : step(lay.off, lay.adjB, lay.b, lay.a, n);
          cur ^= 1;
        }
        if (r === reached) {
          return { connected: false, aborted: false, distanceSum: Infinity, aspl: Infinity, diameter: Infinity };
        }
        blockSum += d * (r - reached);
        reached = r;
        if (d >= limitDiameter && reached < target) {
          const lb = (exact + blockSum + (target - reached) * (d + 1) + lbRest) * symmetry;
          return { connected: true, aborted: true, distanceSum: lb, aspl: lb / pairs, diameter: NaN };
        }
        if (useLimit) {
          const lb = exact + Math.max(blockSum + (target - reached) * (d + 1), blockLb) + lbRest;
          // Integer sums: g·lb > limitSum ⇔ lb > ⌊limitSum / g⌋.
          if (lb > limitPart) return { connected: true, aborted: true, distanceSum: lb * symmetry, aspl: (lb * symmetry) / pairs, diameter: NaN };
        }
      }
      if (d > diameter) diameter = d;
      exact += blockSum;
    }
    exact *= symmetry;
    return { connected: true, aborted: false, distanceSum: exact, aspl: exact / pairs, diameter };
  }
}

function hasIsolatedVertex(offsets: Int32Array, n: number): boolean {
  for (let v = 0; v < n; v++) if (offsets[v + 1] === offsets[v]) return true;
  return false;
}

/** Lower bound on the distance sums of sources s0 … s1 − 1: per source given, or from the degrees. */
function sourceLowerBound(s0: number, s1: number, n: number, perSource: number, degrees: Int32Array | null): number {
  if (!degrees) return (s1 - s0) * perSource;
  return (s1 - s0) * 2 * (n - 1) - (degrees[s1] - degrees[s0]);
}

/** The TypeScript kernel's block start: padding ones, then bit i of row s0 + i. */
function startBlockTs(rows: Int32Array, n: number, words: number, s0: number, cnt: number): void {
  for (let w = 0; w < words; w++) {
    const pad = padWord(cnt, w);
    for (let i = w; i < n * words; i += words) rows[i] = pad;
  }
  for (let i = 0; i < cnt; i++) rows[(s0 + i) * words + (i >>> 5)] |= 1 << (i & 31);
}

/** Word w of the pad row of a block of `cnt` sources: ones for the sources it lacks (bits ≥ cnt). */
function padWord(cnt: number, w: number): number {
  return cnt >= 32 * (w + 1) ? 0 : cnt <= 32 * w ? -1 : ~((1 << (cnt - 32 * w)) - 1);
}

/**
 * The late (early-exit) step runs once this share of the block's pairs is reached: below it rows are
 * rarely complete and the test per neighbour only costs. Interleaved timings of thresholds 0.3–0.95 on
 * random and searched graphs from (64, 4) to (4096, 32) were within a few per cent of each other and all
 * clearly ahead of never (0.11 vs 0.14 ms at (1024, 16)); 0.7 was never behind by more than the noise.
 */
export const LATE_LEVEL_FROM = 0.7;

let shared: AsplEvaluator | null = null;
/** A per-thread default evaluator (WASM when available). */
export function defaultEvaluator(): AsplEvaluator {
  if (!shared) shared = new AsplEvaluator();
  return shared;
}

export interface AsplOptions {
  /** Stop early and report `aborted` once the ASPL provably exceeds this value. */
  limit?: number;
  kernel?: KernelChoice;
}

/** Converts an ASPL limit to a limit on the integer distance sum (sum > limitSum ⇔ aspl > limit). */
export function limitToSum(limit: number, n: number): number {
  if (!Number.isFinite(limit)) return Infinity;
  // Tolerate the rounding of limit = S/(n(n−1)) so that a graph with exactly that ASPL is not "worse".
  return Math.floor(limit * n * (n - 1) + 1e-6);
}

/** Exact ASPL and diameter of `g` (see the module comment). */
export function aspl(g: Graph, opts: AsplOptions = {}): DistanceResult {
  const ev = opts.kernel && opts.kernel !== 'auto' ? new AsplEvaluator({ kernel: opts.kernel }) : defaultEvaluator();
  const k = 'k' in g && typeof (g as { k?: unknown }).k === 'number' ? (g as { k: number }).k : undefined;
  return ev.evaluate(g, limitToSum(opts.limit ?? Infinity, g.n), k);
}

export { popcount32 };
