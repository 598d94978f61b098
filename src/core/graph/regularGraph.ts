/**
 * Random simple, connected k-regular graphs on n nodes, from a seed.
 *
 * Construction: start from a circulant graph (node i joined to i±1 … i±⌊k/2⌋, plus the antipode i+n/2 when
 * k is odd), apply ~10·m uniformly random degree-preserving double-edge swaps that keep the graph simple
 * (the "switch" Markov chain, whose stationary law is uniform over simple k-regular graphs:
 * Cooper, Dyer & Greenhill, "Sampling regular graphs and a peer-to-peer network", CPC 16, 2007), then
 * relabel nodes by a random permutation. The pairing (configuration) model would be exactly uniform but
 * rejects almost always for k ≳ 10 (acceptance ≈ e^{−(k²−1)/4}); the switch chain works for any k.
 * k = 2 is drawn directly as a random Hamiltonian cycle (the only connected 2-regular graph); k ≥ 3 graphs
 * are connected with high probability and the few that are not get more swaps.
 * Cost: O(m·k) time with m = nk/2 edges, O(nk) memory.
 */
import { RgpError } from '../errors';
import { Random } from '../random';
import { fromAdjacency, type RegularGraph } from './graph';

/** Largest n·k we allocate (adjacency 4 bytes per entry plus BFS rows): 2^26 entries = 256 MiB. */
export const MAX_ENTRIES = 1 << 26;

/** Throws an RgpError (BAD_ARGUMENT) unless a simple connected k-regular graph on n nodes exists and fits. */
export function validateRegularParams(n: number, k: number): void {
  const bad = (msg: string, hint: string) => new RgpError('BAD_ARGUMENT', msg, hint);
  if (!Number.isInteger(n) || n < 2) throw bad(`The node count must be an integer ≥ 2, got ${n}.`, 'Use --nodes 2 or more (RGP uses 64 by default).');
  if (!Number.isInteger(k) || k < 1) throw bad(`The degree must be an integer ≥ 1, got ${k}.`, 'Use --degree 1 or more.');
  if (k >= n) throw bad(`The degree k=${k} must be smaller than the node count n=${n} (a simple graph has at most n−1 neighbours per node).`, `Use a degree between 1 and ${n - 1}.`);
  if ((n * k) % 2 !== 0) throw bad(`No k-regular graph exists with n·k odd (n=${n}, k=${k}): every edge has two ends.`, `Make n or k even, e.g. k=${k + 1 < n ? k + 1 : k - 1}.`);
  if (k === 1 && n !== 2) throw bad(`A 1-regular graph on ${n} nodes is a set of disjoint edges and can never be connected.`, 'Use k ≥ 2 (or n = 2).');
  if (n * k > MAX_ENTRIES) throw bad(`n·k = ${n * k} is beyond what this tool can hold in memory (limit ${MAX_ENTRIES}).`, 'Use fewer nodes or a smaller degree.');
}

/** Row of v in a flat n×k adjacency: is w among v's neighbours? O(k). */
export function hasNeighbor(adj: Int32Array, k: number, v: number, w: number): boolean {
  const base = v * k;
  for (let i = 0; i < k; i++) if (adj[base + i] === w) return true;
  return false;
}

/** Index of w in v's row (it must be there). */
export function slotOf(adj: Int32Array, k: number, v: number, w: number): number {
  const base = v * k;
  for (let i = 0; i < k; i++) if (adj[base + i] === w) return base + i;
  throw new Error(`internal: ${w} is not a neighbour of ${v}`);
}

/** The circulant starting graph (simple for every feasible (n,k)). */
export function circulant(n: number, k: number): Int32Array {
  const adj = new Int32Array(n * k);
  const h = k >> 1;
  for (let v = 0; v < n; v++) {
    let s = v * k;
    for (let j = 1; j <= h; j++) {
      adj[s++] = (v + j) % n;
      adj[s++] = (v - j + n) % n;
    }
    if (k & 1) adj[s++] = (v + n / 2) % n;
  }
  return adj;
}

/** True when the graph of a flat n×k adjacency is connected (plain BFS, O(nk)). */
export function isConnectedAdj(n: number, k: number, adj: Int32Array): boolean {
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0, tail = 0;
  queue[tail++] = 0;
  seen[0] = 1;
  while (head < tail) {
    const v = queue[head++];
    for (let i = v * k, e = i + k; i < e; i++) {
      const w = adj[i];
      if (!seen[w]) {
        seen[w] = 1;
        queue[tail++] = w;
      }
    }
  }
  return tail === n;
}

/**
 * `count` random simple-preserving double-edge swaps on a flat adjacency, in place: edges (a,b),(c,d)
 * with four distinct ends become (a,d),(c,b) unless that would duplicate an edge. Returns swaps done.
 */
export function randomSwaps(n: number, k: number, adj: Int32Array, count: number, rng: Random): number {
  const nk = n * k;
  let done = 0;
  for (let t = 0; t < count; t++) {
    const i = rng.int(nk), j = rng.int(nk);
    const a = (i / k) | 0, b = adj[i], c = (j / k) | 0, d = adj[j];
    if (a === c || a === d || b === c || b === d) continue;
    if (hasNeighbor(adj, k, a, d) || hasNeighbor(adj, k, c, b)) continue;
    adj[slotOf(adj, k, b, a)] = c;
    adj[slotOf(adj, k, d, c)] = a;
    adj[i] = d;
    adj[j] = b;
    done++;
  }
  return done;
}

/** A random simple connected k-regular graph on n nodes; the same (n, k, seed) gives the same graph. */
export function randomRegularGraph(n: number, k: number, seed: number): RegularGraph {
  validateRegularParams(n, k);
  const rng = new Random(seed);
  if (k === 1) return fromAdjacency(2, 1, Int32Array.from([1, 0]));
  let adj: Int32Array;
  if (k === 2) {
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    adj = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const v = order[i];
      adj[v * 2] = order[(i + 1) % n];
      adj[v * 2 + 1] = order[(i + n - 1) % n];
    }
    return fromAdjacency(n, 2, adj);
  }
  adj = circulant(n, k);
  const m = (n * k) / 2;
  randomSwaps(n, k, adj, 10 * m, rng);
  for (let attempt = 0; !isConnectedAdj(n, k, adj); attempt++) {
    if (attempt > 100) throw new Error(`internal: could not draw a connected ${k}-regular graph on ${n} nodes`);
    randomSwaps(n, k, adj, m, rng);
  }
  // Relabel so that no trace of the circulant's numbering survives on graphs where few swaps succeed.
  const perm = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const out = new Int32Array(n * k);
  for (let v = 0; v < n; v++) for (let i = 0; i < k; i++) out[perm[v] * k + i] = perm[adj[v * k + i]];
  return fromAdjacency(n, k, out);
}
