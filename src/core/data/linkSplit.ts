/**
 * The temporal link-prediction task of "Towards Sparsification of Graph Neural Networks" (arXiv 2209.04766,
 * after CTDNE, Nguyen et al. 2018): edges sorted by time (stable), the latest `testFraction` (20 %) of them
 * form the test window, the latest `valFraction` (10 %) of the earlier edges the validation window
 * (`valMode: 'random'` draws it at random from the earlier edges instead), the rest the training window.
 * Each set gets its positives plus an equal number of random negative pairs. Without a time column the file
 * order is taken as time order.
 *
 * Rules for repeated and degenerate edges (temporal graphs such as CollegeMsg repeat a pair many times):
 *  - a positive is a distinct (src, dst) pair — direction counts unless `undirected` — and belongs to the
 *    set of the window where it occurs first; later occurrences are not positives again. So no validation
 *    or test positive pair occurs among the training positives or anywhere before the test cut (no leak
 *    through repeated messages), and the task is to predict links that are new. Counts in `stats`.
 *  - self-loops are never positives (counted).
 *  - a negative is a pair (u, v), u ≠ v, drawn uniformly over all nodes, that is an edge of the whole graph
 *    at no time (in either direction when `undirected`) and is not already a negative of any set.
 *  - each set is shuffled (seeded), so any prefix holds both classes.
 * `trainEdges` holds every edge before the test cut (training and validation windows, repeats and
 * self-loops included, in time order): the graph the walks and embeddings may see.
 *
 * Cost: O(m log m) for the sort (O(m) when the file is already in time order, as SNAP files are), O(m)
 * expected for the pair hashing, O(negatives) expected draws while the graph is sparse.
 */
import { RgpError } from '../errors';
import { Random } from '../random';
import { Float64IndexMap, type TemporalEdges } from './edgeList';

export interface LinkSet {
  src: Int32Array;
  dst: Int32Array;
  /** 1 for a positive (an edge), 0 for a negative pair. */
  label: Uint8Array;
}

export interface LinkSplitStats {
  /** 'time' when sorted by the time column, 'file' when the file order stood in for it. */
  orderedBy: 'time' | 'file';
  trainWindowEdges: number;
  valWindowEdges: number;
  testWindowEdges: number;
  /** Time of the first test-window edge (every test positive has a time ≥ this, every earlier edge ≤ it). */
  testCutTime: number;
  trainPositives: number;
  valPositives: number;
  testPositives: number;
  /** Window edges whose pair occurred in an earlier set (dropped: would leak). */
  valDroppedSeenBefore: number;
  testDroppedSeenBefore: number;
  /** Repeats of a pair inside the same window (merged into one positive). */
  repeatsMerged: number;
  selfLoopsDropped: number;
  negativeDraws: number;
}

export interface LinkSplit {
  train: LinkSet;
  val: LinkSet;
  test: LinkSet;
  /** All edges before the test cut, in time order, for temporal walks and embeddings. */
  trainEdges: TemporalEdges;
  stats: LinkSplitStats;
}

export interface LinkSplitOptions {
  /** Fraction of all edges (latest by time) in the test window; default 0.2. */
  testFraction?: number;
  /** Fraction of the earlier edges in the validation window; default 0.1. */
  valFraction?: number;
  /** 'temporal' (default): the latest earlier edges; 'random': a seeded random subset of them. */
  valMode?: 'temporal' | 'random';
  /** Treat (u, v) and (v, u) as one pair for positives, leaks and negatives; default false. */
  undirected?: boolean;
  seed: number;
}

/** The stable time order of the edges (identity when already sorted or without times). */
export function timeOrder(edges: TemporalEdges): Int32Array {
  const m = edges.edgeCount;
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  const t = edges.time;
  if (t === null) return order;
  let sorted = true;
  for (let i = 1; i < m && sorted; i++) if (t[i] < t[i - 1]) sorted = false;
  if (!sorted) order.sort((a, b) => t[a] - t[b] || a - b);
  return order;
}

export function temporalLinkSplit(edges: TemporalEdges, opts: LinkSplitOptions): LinkSplit {
  const testFraction = opts.testFraction ?? 0.2;
  const valFraction = opts.valFraction ?? 0.1;
  if (!(testFraction > 0 && testFraction < 1)) throw badOption(`testFraction must be in (0, 1), got ${testFraction}.`);
  if (!(valFraction >= 0 && valFraction < 1)) throw badOption(`valFraction must be in [0, 1), got ${valFraction}.`);
  const n = edges.nodeCount;
  const m = edges.edgeCount;
  if (n > 94906265) throw new RgpError('BAD_GRAPH', `${edges.source}: ${n} nodes is too many for the link split's pair keys (at most 94,906,265).`, 'Use a subgraph.');
  const nTest = Math.round(testFraction * m);
  const nEarlier = m - nTest;
  const nVal = Math.round(valFraction * nEarlier);
  if (nTest < 1 || nEarlier - nVal < 1) {
    throw new RgpError('BAD_GRAPH', `${edges.source} has ${m} edges: too few for a test fraction of ${testFraction} and a validation fraction of ${valFraction}.`, 'Use a larger graph or other fractions.');
  }
  const rng = new Random(opts.seed);
  const order = timeOrder(edges);

  // window[k] of the k-th edge in time order: 0 train, 1 validation, 2 test.
  const window = new Uint8Array(m);
  window.fill(2, nEarlier);
  if (opts.valMode === 'random') {
    const earlier = rng.shuffle(Int32Array.from({ length: nEarlier }, (_, k) => k));
    for (let k = 0; k < nVal; k++) window[earlier[k]] = 1;
  } else window.fill(1, nEarlier - nVal, nEarlier);

  const undirected = opts.undirected === true;
  const key = (u: number, v: number): number => (undirected && u > v ? v * n + u : u * n + v);
  // Every pair of the whole graph → the first window it occurs in.
  const firstWindow = new Float64IndexMap(Math.min(m, 1 << 22));
  const positives = [new PairList(), new PairList(), new PairList()];
  let selfLoops = 0;
  let repeats = 0;
  const droppedSeen = [0, 0, 0];
  for (let k = 0; k < m; k++) {
    const e = order[k];
    const u = edges.src[e];
    const v = edges.dst[e];
    if (u === v) {
      selfLoops++;
      continue;
    }
    const w = window[k];
    const before = firstWindow.size;
    const first = firstWindow.getOrInsert(key(u, v), w);
    if (firstWindow.size > before) positives[w].push(u, v);
    else if (first !== w) droppedSeen[w]++;
    else repeats++;
  }

  // Negatives: one stream of draws for the three sets, none repeated across them.
  const distinctPairs = firstWindow.size;
  const pairSpace = undirected ? (n * (n - 1)) / 2 : n * (n - 1);
  const needed = positives[0].length + positives[1].length + positives[2].length;
  if (needed > pairSpace - distinctPairs) {
    throw new RgpError('BAD_GRAPH', `${edges.source} is too dense for balanced negatives: ${needed} non-edges needed, ${pairSpace - distinctPairs} exist.`, 'Use a sparser graph or a smaller test fraction.');
  }
  const taken = new Float64IndexMap(needed);
  let draws = 0;
  const maxDraws = 50 * needed + 1_000_000;
  const sets = positives.map((pos) => {
    const neg = new PairList();
    while (neg.length < pos.length) {
      if (++draws > maxDraws) {
        throw new RgpError('BAD_GRAPH', `${edges.source}: found only ${taken.size} of ${needed} negative pairs in ${maxDraws} random draws; the graph is too dense.`, 'Use a sparser graph or a smaller test fraction.');
      }
      const u = rng.int(n);
      const v = rng.int(n);
      if (u === v) continue;
      const k = key(u, v);
      if (firstWindow.get(k) >= 0) continue;
      const before = taken.size;
      taken.getOrInsert(k, 0);
      if (taken.size > before) neg.push(u, v);
    }
    return toLinkSet(pos, neg, rng);
  });

  const trainEdges = edgesBefore(edges, order, nEarlier);
  const t = edges.time;
  return {
    train: sets[0],
    val: sets[1],
    test: sets[2],
    trainEdges,
    stats: {
      orderedBy: t === null ? 'file' : 'time',
      trainWindowEdges: nEarlier - nVal,
      valWindowEdges: nVal,
      testWindowEdges: nTest,
      testCutTime: t === null ? nEarlier : t[order[nEarlier]],
      trainPositives: positives[0].length,
      valPositives: positives[1].length,
      testPositives: positives[2].length,
      valDroppedSeenBefore: droppedSeen[1],
      testDroppedSeenBefore: droppedSeen[2],
      repeatsMerged: repeats,
      selfLoopsDropped: selfLoops,
      negativeDraws: draws,
    },
  };
}

function badOption(message: string): RgpError {
  return new RgpError('BAD_ARGUMENT', message, 'Fractions are shares of the edges, e.g. testFraction 0.2 and valFraction 0.1.');
}

/** A growable list of node pairs. */
class PairList {
  length = 0;
  u = new Int32Array(256);
  v = new Int32Array(256);
  push(a: number, b: number): void {
    if (this.length === this.u.length) {
      const u = new Int32Array(this.length * 2);
      u.set(this.u);
      this.u = u;
      const v = new Int32Array(this.length * 2);
      v.set(this.v);
      this.v = v;
    }
    this.u[this.length] = a;
    this.v[this.length++] = b;
  }
}

function toLinkSet(pos: PairList, neg: PairList, rng: Random): LinkSet {
  const size = pos.length + neg.length;
  const perm = rng.shuffle(Int32Array.from({ length: size }, (_, i) => i));
  const set: LinkSet = { src: new Int32Array(size), dst: new Int32Array(size), label: new Uint8Array(size) };
  for (let i = 0; i < size; i++) {
    const j = perm[i];
    const isPos = j < pos.length;
    const list = isPos ? pos : neg;
    const k = isPos ? j : j - pos.length;
    set.src[i] = list.u[k];
    set.dst[i] = list.v[k];
    set.label[i] = isPos ? 1 : 0;
  }
  return set;
}

function edgesBefore(edges: TemporalEdges, order: Int32Array, count: number): TemporalEdges {
  const src = new Int32Array(count);
  const dst = new Int32Array(count);
  const time = edges.time === null ? null : new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const e = order[k];
    src[k] = edges.src[e];
    dst[k] = edges.dst[e];
    if (time !== null) time[k] = (edges.time as Float64Array)[e];
  }
  return {
    nodeCount: edges.nodeCount,
    edgeCount: count,
    src,
    dst,
    time,
    originalIds: edges.originalIds,
    source: `${edges.source} (before the test cut)`,
  };
}
