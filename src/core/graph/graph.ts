/**
 * The graph representation shared by the whole engine: compressed sparse rows (CSR).
 * `neighbors[offsets[v] .. offsets[v+1])` are the neighbours of v (each undirected edge appears in both
 * rows). A k-regular graph is the special case offsets[v] = v·k, so its `neighbors` is a flat n×k
 * Int32Array — contiguous rows, which is what keeps the BFS kernel and the swap search cache friendly.
 */
import { RgpError } from '../errors';

export interface Graph {
  readonly n: number;
  readonly offsets: Int32Array;
  readonly neighbors: Int32Array;
}

export interface RegularGraph extends Graph {
  readonly k: number;
}

/** Offsets of a k-regular graph: v·k. */
export function regularOffsets(n: number, k: number): Int32Array {
  const off = new Int32Array(n + 1);
  for (let v = 0; v <= n; v++) off[v] = v * k;
  return off;
}

/** Wraps a flat n×k adjacency (row v = the k neighbours of v) as a RegularGraph, without copying. */
export function fromAdjacency(n: number, k: number, adjacency: Int32Array): RegularGraph {
  if (adjacency.length !== n * k) throw new Error(`adjacency has ${adjacency.length} entries, expected n·k = ${n * k}`);
  return { n, k, offsets: regularOffsets(n, k), neighbors: adjacency };
}

export function degree(g: Graph, v: number): number {
  return g.offsets[v + 1] - g.offsets[v];
}

export function edgeCount(g: Graph): number {
  return g.neighbors.length / 2;
}

/** Each undirected edge once, as [u, v] with u < v, sorted. */
export function edgeList(g: Graph): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let u = 0; u < g.n; u++) {
    const row = Array.from(g.neighbors.subarray(g.offsets[u], g.offsets[u + 1])).filter((v) => v > u).sort((p, q) => p - q);
    for (const v of row) out.push([u, v]);
  }
  return out;
}

/**
 * Builds a CSR graph from an edge list, rejecting self-loops, duplicate edges and ids outside [0, n).
 * `where(i)` names edge i in error messages (e.g. "line 12").
 */
export function fromEdges(n: number, edges: ArrayLike<readonly [number, number]>, where: (i: number) => string = (i) => `edge ${i + 1}`): Graph {
  if (!Number.isInteger(n) || n < 1) throw new RgpError('BAD_GRAPH', `A graph needs at least one node, got ${n}.`, 'Give a positive node count.');
  const deg = new Int32Array(n);
  const seen = new Map<number, number>();
  for (let i = 0; i < edges.length; i++) {
    const [u, v] = edges[i];
    for (const x of [u, v]) {
      if (!Number.isInteger(x) || x < 0 || x >= n) {
        throw new RgpError('BAD_GRAPH', `${where(i)}: node id ${x} is not an integer in [0, ${n - 1}].`, 'Node ids must be integers from 0 to nodes − 1.');
      }
    }
    if (u === v) throw new RgpError('BAD_GRAPH', `${where(i)}: self-loop on node ${u}.`, 'RGP graphs are simple: remove edges from a node to itself.');
    const key = u < v ? u * n + v : v * n + u;
    const prev = seen.get(key);
    if (prev !== undefined) {
      throw new RgpError('BAD_GRAPH', `${where(i)}: duplicate edge ${u}–${v} (first seen at ${where(prev)}).`, 'List each undirected edge once.');
    }
    seen.set(key, i);
    deg[u]++;
    deg[v]++;
  }
  const offsets = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v] + deg[v];
  const fill = offsets.slice(0, n);
  const neighbors = new Int32Array(offsets[n]);
  for (let i = 0; i < edges.length; i++) {
    const [u, v] = edges[i];
    neighbors[fill[u]++] = v;
    neighbors[fill[v]++] = u;
  }
  return { n, offsets, neighbors };
}

/** If every vertex has the same degree k, the graph as a RegularGraph (rows already contiguous); else null. */
export function asRegular(g: Graph): RegularGraph | null {
  if (g.n === 0) return null;
  const k = g.offsets[1] - g.offsets[0];
  for (let v = 0; v < g.n; v++) if (g.offsets[v + 1] - g.offsets[v] !== k) return null;
  return { n: g.n, k, offsets: g.offsets, neighbors: g.neighbors };
}
