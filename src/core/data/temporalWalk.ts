/**
 * Temporal random walks (CTDNE: Nguyen, Lee, Rossi, Ahmed, Koh, Kim, "Continuous-Time Dynamic Network
 * Embeddings", WWW 2018 companion): a walk moves along edges whose timestamps never decrease. From every
 * node, `walksPerNode` times (nodes in a fresh seeded order each round), the first edge is drawn uniformly
 * among the node's incident edges and sets the clock; each next edge is drawn uniformly among the current
 * node's edges with time ≥ the clock. A walk stops at `walkLength` nodes or when no valid edge is left.
 * Without a time column the walks are static uniform random walks (DeepWalk, Perozzi et al. 2014).
 * Edges are followed in both directions unless `directed` (repeated edges count once per occurrence, so a
 * pair with many messages is chosen more often). One rule beyond the paper: a temporal walk does not take
 * the edge it just arrived by straight back — with "≥" an undirected edge is always valid again, so every
 * walk would otherwise end bouncing on its last edge until `walkLength`; a later message between the same
 * two nodes is still a valid way back. Walks shorter than `minLength` (default 2, i.e. nodes without
 * edges) are left out, so such nodes get no walk.
 *
 * Self-loops are kept, as one step from a node to itself: an undirected self-loop takes one adjacency slot
 * (not one per end), so the edge a walk arrived by always holds exactly one slot at the current node and the
 * other valid edges are drawn in one step, never by an open-ended rejection loop (with two slots per loop, a
 * node whose only later edge was the loop just taken used to spin forever). Every loop here is bounded by
 * walksPerNode · n · walkLength steps.
 *
 * Output: one flat Int32Array of node ids and walk offsets (walk w = nodes[offsets[w] .. offsets[w+1])),
 * which stays compact for millions of walks; `walkArrays` gives an Int32Array per walk when wanted.
 * Cost: O(m log m) to build the time-sorted adjacency (CSR), then O(log d) per step (binary search of the
 * first edge at or after the clock).
 */
import { RgpError } from '../errors';
import { quietContext, type JobContext } from '../job';
import { Random } from '../random';
import type { TemporalEdges } from './edgeList';
import { timeOrder } from './linkSplit';

export interface TemporalWalks {
  /** The walks' node ids, one walk after the other. */
  nodes: Int32Array;
  /** walkCount + 1 offsets into `nodes`. */
  offsets: Int32Array;
  walkCount: number;
  /** 'temporal' when time-respecting, 'static' when the edges had no times. */
  kind: 'temporal' | 'static';
}

export interface WalkOptions {
  walksPerNode: number;
  /** Maximum nodes per walk. */
  walkLength: number;
  seed: number;
  /** Follow edges only from src to dst; default false. */
  directed?: boolean;
  /** Leave out walks with fewer nodes than this; default 2. */
  minLength?: number;
  ctx?: JobContext;
}

/** Per-node incident edges sorted by time: CSR with parallel neighbour and time arrays. An undirected edge
 * takes a slot at each end, a self-loop one slot. */
interface TimedAdjacency {
  offsets: Int32Array;
  neighbours: Int32Array;
  times: Float64Array | null;
  /** The edge index behind each slot (undirected temporal walks only: to refuse the edge just used). */
  edgeOf: Int32Array | null;
}

function buildAdjacency(edges: TemporalEdges, directed: boolean): TimedAdjacency {
  const n = edges.nodeCount;
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < edges.edgeCount; e++) {
    offsets[edges.src[e] + 1]++;
    if (!directed && edges.dst[e] !== edges.src[e]) offsets[edges.dst[e] + 1]++;
  }
  for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i];
  const size = offsets[n];
  const neighbours = new Int32Array(size);
  const times = edges.time === null ? null : new Float64Array(size);
  const edgeOf = edges.time === null || directed ? null : new Int32Array(size);
  const fill = offsets.slice(0, n);
  // Filling in time order leaves every node's list sorted by time.
  const order = timeOrder(edges);
  for (let k = 0; k < edges.edgeCount; k++) {
    const e = order[k];
    const u = edges.src[e];
    const v = edges.dst[e];
    const t = edges.time === null ? 0 : edges.time[e];
    let j = fill[u]++;
    neighbours[j] = v;
    if (times) times[j] = t;
    if (edgeOf) edgeOf[j] = e;
    if (!directed && v !== u) {
      j = fill[v]++;
      neighbours[j] = u;
      if (times) times[j] = t;
      if (edgeOf) edgeOf[j] = e;
    }
  }
  return { offsets, neighbours, times, edgeOf };
}

/** The first index in times[lo, hi) with times[i] ≥ t (hi when none). */
function lowerBound(times: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function temporalRandomWalks(edges: TemporalEdges, opts: WalkOptions): TemporalWalks {
  const { walksPerNode, walkLength } = opts;
  if (!(Number.isInteger(walksPerNode) && walksPerNode >= 1)) throw badOption(`walksPerNode must be a positive integer, got ${walksPerNode}.`);
  if (!(Number.isInteger(walkLength) && walkLength >= 2)) throw badOption(`walkLength must be an integer ≥ 2, got ${walkLength}.`);
  const minLength = opts.minLength ?? 2;
  const ctx = opts.ctx ?? quietContext;
  const rng = new Random(opts.seed);
  const { offsets: adjOff, neighbours, times, edgeOf } = buildAdjacency(edges, opts.directed === true);
  const n = edges.nodeCount;

  let nodes: Int32Array = new Int32Array(Math.min(n * walksPerNode * walkLength, 1 << 22) || 1);
  let walkOffsets: Int32Array = new Int32Array(Math.min(n * walksPerNode, 1 << 20) + 1);
  let walkCount = 0;
  let used = 0;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const totalWalks = n * walksPerNode;

  for (let round = 0; round < walksPerNode; round++) {
    rng.shuffle(order);
    for (let r = 0; r < n; r++) {
      if ((r & 1023) === 0) {
        ctx.signal.throwIfCancelled();
        ctx.progress.report({ fraction: (round * n + r) / totalWalks, message: `random walks: round ${round + 1} of ${walksPerNode}` });
      }
      if (used + walkLength > nodes.length) nodes = grow(nodes, used + walkLength);
      const start = order[r];
      let x = start;
      let clock = -Infinity;
      let arrivedBy = -1;
      nodes[used] = x;
      let len = 1;
      while (len < walkLength) {
        let lo = adjOff[x];
        const hi = adjOff[x + 1];
        if (times !== null) lo = lowerBound(times, lo, hi, clock);
        if (lo >= hi) break;
        let j = lo + rng.int(hi - lo);
        if (edgeOf !== null && edgeOf[j] === arrivedBy) {
          // The edge just used holds this one slot only (see buildAdjacency), so a draw over the other
          // hi − lo − 1 slots, skipping j, is uniform over the other valid edges.
          if (hi - lo === 1) break;
          const r = lo + rng.int(hi - lo - 1);
          j = r >= j ? r + 1 : r;
        }
        if (edgeOf !== null) arrivedBy = edgeOf[j];
        if (times !== null) clock = times[j];
        x = neighbours[j];
        nodes[used + len++] = x;
      }
      if (len < minLength) continue;
      used += len;
      if (walkCount + 2 > walkOffsets.length) walkOffsets = grow(walkOffsets, walkCount + 2);
      walkOffsets[++walkCount] = used;
    }
  }
  if (walkCount === 0) throw new RgpError('BAD_GRAPH', `${edges.source}: no walk of ${minLength} or more nodes exists (no usable edges).`, 'Give a graph with edges.');
  return {
    nodes: nodes.slice(0, used),
    offsets: walkOffsets.slice(0, walkCount + 1),
    walkCount,
    kind: times === null ? 'static' : 'temporal',
  };
}

/** One Int32Array (a view, no copy) per walk. */
export function walkArrays(walks: TemporalWalks): Int32Array[] {
  const out: Int32Array[] = [];
  for (let w = 0; w < walks.walkCount; w++) out.push(walks.nodes.subarray(walks.offsets[w], walks.offsets[w + 1]));
  return out;
}

function grow(a: Int32Array, atLeast: number): Int32Array {
  const b = new Int32Array(Math.max(atLeast, Math.ceil(a.length * 1.5)));
  b.set(a);
  return b;
}

function badOption(message: string): RgpError {
  return new RgpError('BAD_ARGUMENT', message, 'Typical CTDNE settings: 10 walks per node of length 80.');
}
