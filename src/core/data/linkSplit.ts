/**
 * The temporal link-prediction task of "Towards Sparsification of Graph Neural Networks" (arXiv 2209.04766,
 * after CTDNE, Nguyen et al. 2018), set up so that no split can see its own answers:
 *
 *  - **Cut by time.** Edges sorted by time (stable); the test window starts at the time of the edge at the
 *    (1 − testFraction) quantile (20 %), the validation window at the valFraction (10 %) quantile of the
 *    earlier edges; every edge carrying a cut's timestamp falls on the later side, so equal timestamps never
 *    straddle a cut (the windows hold slightly more than their fraction when times tie). `valMode: 'random'`
 *    draws the validation edges at random from the earlier ones instead. Without a time column the file
 *    order is the time order and the cuts are counts.
 *  - **One model of a link** (`linkModel`, default 'undirected'): (u, v) and (v, u) are one pair for the
 *    positives, the negatives, the walks (taskFromGraph) and the evaluation; 'directed' keeps them apart
 *    everywhere (walks then follow src → dst only). Undirected pairs are stored as (min, max) node index.
 *  - **Positives** are distinct pairs, in the set of the window where they occur first; later occurrences
 *    are not positives again (no leak through repeated messages: the task is to predict links that are new).
 *    Self-loops are never positives (counted); they stay in the edges the walks see.
 *  - **Features come only from edges before the split** (taskFromGraph): training and validation pairs from
 *    embeddings of the training window's edges (`trainEdges`); test pairs from the same (`testFeatures:
 *    'train'`, the default) or from a refit on the training + validation windows (`'train+val'`,
 *    `earlierEdges`).
 *  - **Negatives know only the past.** A set's negatives are pairs u ≠ v that are not an edge at any time up
 *    to the end of that set's own window (later edges are unknown when the set is drawn), and not a negative
 *    of another set. Their endpoints are drawn uniformly from the nodes *seen* by that set's features (an edge
 *    in the graph its embeddings come from) by default (`negativeNodes: 'seen'`), or from all nodes ('all').
 *    Positives may have unseen endpoints (nodes new in their window): `seen` marks every pair whose two
 *    endpoints are seen, and the stats count the test pairs of each kind, so test metrics can be reported for
 *    seen and unseen endpoints apart (with 'seen' negatives every unseen pair is a positive).
 *  - each set is shuffled (seeded), so any prefix holds both classes.
 *
 * Cost: O(m log m) for the sort (O(m) when the file is already in time order, as SNAP files are), O(m)
 * expected for the pair hashing, O(negatives) expected draws while the graph is sparse.
 */
import { RgpError } from '../errors';
import { Random } from '../random';
import { Float64IndexMap, type TemporalEdges } from './edgeList';

export type LinkModel = 'undirected' | 'directed';

export interface LinkSet {
  src: Int32Array;
  dst: Int32Array;
  /** 1 for a positive (an edge), 0 for a negative pair. */
  label: Uint8Array;
  /** 1 when both endpoints are seen by the features of this set (have an edge in its embedding graph). */
  seen: Uint8Array;
}

export interface LinkSplitStats {
  /** 'time' when sorted by the time column, 'file' when the file order stood in for it. */
  orderedBy: 'time' | 'file';
  linkModel: LinkModel;
  negativeNodes: 'seen' | 'all';
  testFeatures: 'train' | 'train+val';
  trainWindowEdges: number;
  valWindowEdges: number;
  testWindowEdges: number;
  /** Time of the first test-window edge: every test-window edge has a time ≥ this, every earlier edge < it. */
  testCutTime: number;
  /** Time of the first validation-window edge (temporal validation only; NaN otherwise). */
  valCutTime: number;
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
  /** Nodes with an edge in the training window / in the training + validation windows. */
  trainSeenNodes: number;
  earlierSeenNodes: number;
  /** Test pairs with both endpoints seen by the test features, and the others (with their positives). */
  testSeenPairs: number;
  testUnseenPairs: number;
  testUnseenPositives: number;
  valUnseenPairs: number;
}

export interface LinkSplit {
  train: LinkSet;
  val: LinkSet;
  test: LinkSet;
  /** The training window's edges, in time order (self-loops and repeats included): the train/val walk graph. */
  trainEdges: TemporalEdges;
  /** Every edge before the test cut, in time order: the walk graph of a refit for the test. */
  earlierEdges: TemporalEdges;
  stats: LinkSplitStats;
}

export interface LinkSplitOptions {
  /** Fraction of all edges (latest by time) in the test window; default 0.2. */
  testFraction?: number;
  /** Fraction of the earlier edges in the validation window; default 0.1. */
  valFraction?: number;
  /** 'temporal' (default): the latest earlier edges; 'random': a seeded random subset of them. */
  valMode?: 'temporal' | 'random';
  /** One model of a link for positives, negatives and walks; default 'undirected'. */
  linkModel?: LinkModel;
  /** Where negatives' endpoints come from: nodes seen by the set's features (default) or all nodes. */
  negativeNodes?: 'seen' | 'all';
  /** The edges the test features come from: the training window (default) or training + validation (refit). */
  testFeatures?: 'train' | 'train+val';
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

/** The cut index moved back to the first edge of its timestamp, so ties fall on the later side. */
function cutAtTime(edges: TemporalEdges, order: Int32Array, cut: number, from: number): number {
  const t = edges.time;
  if (t === null || cut >= order.length) return cut;
  const at = t[order[cut]];
  while (cut > from && t[order[cut - 1]] === at) cut--;
  return cut;
}

export function temporalLinkSplit(edges: TemporalEdges, opts: LinkSplitOptions): LinkSplit {
  const testFraction = opts.testFraction ?? 0.2;
  const valFraction = opts.valFraction ?? 0.1;
  if (!(testFraction > 0 && testFraction < 1)) throw badOption(`testFraction must be in (0, 1), got ${testFraction}.`);
  if (!(valFraction >= 0 && valFraction < 1)) throw badOption(`valFraction must be in [0, 1), got ${valFraction}.`);
  const linkModel = opts.linkModel ?? 'undirected';
  const negativeNodes = opts.negativeNodes ?? 'seen';
  const testFeatures = opts.testFeatures ?? 'train';
  const n = edges.nodeCount;
  const m = edges.edgeCount;
  if (n > 94906265) throw new RgpError('BAD_GRAPH', `${edges.source}: ${n} nodes is too many for the link split's pair keys (at most 94,906,265).`, 'Use a subgraph.');
  const rng = new Random(opts.seed);
  const order = timeOrder(edges);
  const nEarlier = cutAtTime(edges, order, m - Math.round(testFraction * m), 0);
  const temporalVal = opts.valMode !== 'random';
  const nTrain = temporalVal ? cutAtTime(edges, order, nEarlier - Math.round(valFraction * nEarlier), 0) : nEarlier - Math.round(valFraction * nEarlier);
  if (m - nEarlier < 1 || nTrain < 1) {
    throw new RgpError('BAD_GRAPH', `${edges.source} has ${m} edges: too few (or too many sharing one timestamp) for a test fraction of ${testFraction} and a validation fraction of ${valFraction}.`, 'Use a larger graph or other fractions.');
  }

  // window[k] of the k-th edge in time order: 0 train, 1 validation, 2 test.
  const window = new Uint8Array(m);
  window.fill(2, nEarlier);
  if (!temporalVal) {
    const earlier = rng.shuffle(Int32Array.from({ length: nEarlier }, (_, k) => k));
    for (let k = 0; k < nEarlier - nTrain; k++) window[earlier[k]] = 1;
  } else window.fill(1, nTrain, nEarlier);

  const undirected = linkModel === 'undirected';
  const key = (u: number, v: number): number => (undirected && u > v ? v * n + u : u * n + v);
  // Every pair of the whole graph → the first window it occurs in; nodes seen in the training window and before the test cut.
  const firstWindow = new Float64IndexMap(Math.min(m, 1 << 22));
  const positives = [new PairList(), new PairList(), new PairList()];
  const seenTrain = new Uint8Array(n);
  const seenEarlier = new Uint8Array(n);
  let selfLoops = 0;
  let repeats = 0;
  const droppedSeen = [0, 0, 0];
  for (let k = 0; k < m; k++) {
    const e = order[k];
    let u = edges.src[e];
    let v = edges.dst[e];
    const w = window[k];
    if (w === 0) seenTrain[u] = seenTrain[v] = 1;
    if (w <= 1) seenEarlier[u] = seenEarlier[v] = 1;
    if (u === v) {
      selfLoops++;
      continue;
    }
    if (undirected && u > v) [u, v] = [v, u];
    const before = firstWindow.size;
    const first = firstWindow.getOrInsert(key(u, v), w);
    if (firstWindow.size > before) positives[w].push(u, v);
    else if (first !== w) droppedSeen[w]++;
    else repeats++;
  }

  // The seen-node mask of each set's features, and the pool its negatives are drawn from.
  const seenOf = [seenTrain, seenTrain, testFeatures === 'train' ? seenTrain : seenEarlier];
  const poolOf = seenOf.map((seen) => {
    if (negativeNodes === 'all') return Int32Array.from({ length: n }, (_, i) => i);
    const pool: number[] = [];
    for (let i = 0; i < n; i++) if (seen[i]) pool.push(i);
    return Int32Array.from(pool);
  });

  // Negatives: one stream of draws for the three sets, none repeated across them, each filtered with the
  // pairs known up to the end of its own window.
  const needed = positives[0].length + positives[1].length + positives[2].length;
  const taken = new Float64IndexMap(needed);
  let draws = 0;
  const maxDraws = 50 * needed + 1_000_000;
  const sets = positives.map((pos, w) => {
    const pool = poolOf[w];
    const neg = new PairList();
    if (pos.length > 0 && pool.length < 2) {
      throw new RgpError('BAD_GRAPH', `${edges.source}: fewer than two nodes to draw negative pairs from.`, 'Use a larger graph or negativeNodes "all".');
    }
    while (neg.length < pos.length) {
      if (++draws > maxDraws) {
        throw new RgpError('BAD_GRAPH', `${edges.source} is too dense for balanced negatives: found only ${taken.size} of ${needed} non-edge pairs in ${maxDraws} random draws.`, 'Use a sparser graph or a smaller test fraction.');
      }
      let u = pool[rng.int(pool.length)];
      let v = pool[rng.int(pool.length)];
      if (u === v) continue;
      if (undirected && u > v) [u, v] = [v, u];
      const k = key(u, v);
      const fw = firstWindow.get(k);
      if (fw >= 0 && fw <= w) continue;
      const before = taken.size;
      taken.getOrInsert(k, 0);
      if (taken.size > before) neg.push(u, v);
    }
    return toLinkSet(pos, neg, seenOf[w], rng);
  });

  const count = (set: LinkSet, label: number | null): number => {
    let c = 0;
    for (let i = 0; i < set.seen.length; i++) if (!set.seen[i] && (label === null || set.label[i] === label)) c++;
    return c;
  };
  const t = edges.time;
  const trainOrder = temporalVal ? order.subarray(0, nTrain) : order.subarray(0, nEarlier).filter((_, k) => window[k] === 0);
  return {
    train: sets[0],
    val: sets[1],
    test: sets[2],
    trainEdges: edgesOf(edges, trainOrder, 'the training window'),
    earlierEdges: edgesOf(edges, order.subarray(0, nEarlier), 'before the test cut'),
    stats: {
      orderedBy: t === null ? 'file' : 'time',
      linkModel,
      negativeNodes,
      testFeatures,
      trainWindowEdges: trainOrder.length,
      valWindowEdges: nEarlier - trainOrder.length,
      testWindowEdges: m - nEarlier,
      testCutTime: t === null ? nEarlier : t[order[nEarlier]],
      valCutTime: !temporalVal ? NaN : t === null ? nTrain : t[order[nTrain]],
      trainPositives: positives[0].length,
      valPositives: positives[1].length,
      testPositives: positives[2].length,
      valDroppedSeenBefore: droppedSeen[1],
      testDroppedSeenBefore: droppedSeen[2],
      repeatsMerged: repeats,
      selfLoopsDropped: selfLoops,
      negativeDraws: draws,
      trainSeenNodes: seenTrain.reduce((a, b) => a + b, 0),
      earlierSeenNodes: seenEarlier.reduce((a, b) => a + b, 0),
      testSeenPairs: sets[2].seen.length - count(sets[2], null),
      testUnseenPairs: count(sets[2], null),
      testUnseenPositives: count(sets[2], 1),
      valUnseenPairs: count(sets[1], null),
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

function toLinkSet(pos: PairList, neg: PairList, seen: Uint8Array, rng: Random): LinkSet {
  const size = pos.length + neg.length;
  const perm = rng.shuffle(Int32Array.from({ length: size }, (_, i) => i));
  const set: LinkSet = { src: new Int32Array(size), dst: new Int32Array(size), label: new Uint8Array(size), seen: new Uint8Array(size) };
  for (let i = 0; i < size; i++) {
    const j = perm[i];
    const isPos = j < pos.length;
    const list = isPos ? pos : neg;
    const k = isPos ? j : j - pos.length;
    set.src[i] = list.u[k];
    set.dst[i] = list.v[k];
    set.label[i] = isPos ? 1 : 0;
    set.seen[i] = seen[set.src[i]] & seen[set.dst[i]];
  }
  return set;
}

function edgesOf(edges: TemporalEdges, order: ArrayLike<number>, what: string): TemporalEdges {
  const count = order.length;
  const src = new Int32Array(count);
  const dst = new Int32Array(count);
  const time = edges.time === null ? null : new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const e = order[k];
    src[k] = edges.src[e];
    dst[k] = edges.dst[e];
    if (time !== null) time[k] = (edges.time as Float64Array)[e];
  }
  return { nodeCount: edges.nodeCount, edgeCount: count, src, dst, time, originalIds: edges.originalIds, source: `${edges.source} (${what})` };
}
