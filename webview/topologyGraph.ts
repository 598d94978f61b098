/**
 * The topology message checked and turned into what the canvas draws: each undirected edge once (u < v,
 * as a flat Int32Array of pairs) and the degree of every node, from the flat n×k neighbour list of
 * src/protocol/webview.ts (row i = the k neighbours of node i). O(n·k) time and memory.
 */
import type { TopologyGraph } from '../src/protocol/webview';

export interface DrawableGraph {
  n: number;
  k: number;
  /** Neighbour rows as sent (row i = adjacency[i·k .. i·k + k)). */
  adjacency: Int32Array;
  /** Each undirected edge once: edges[2e] < edges[2e + 1]. */
  edges: Int32Array;
  degreeMin: number;
  degreeMax: number;
  aspl: number;
  label: string;
}

/** Throws when the message cannot be a graph on n nodes: the webview reports it instead of drawing garbage. */
export function toDrawable(g: TopologyGraph): DrawableGraph {
  const { n, k } = g;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 0) throw new Error(`topology: bad size n = ${n}, k = ${k}`);
  if (!Array.isArray(g.adjacency) || g.adjacency.length !== n * k) throw new Error(`topology: adjacency has ${g.adjacency?.length} entries, expected n·k = ${n * k}`);
  const adjacency = Int32Array.from(g.adjacency);
  const degree = new Int32Array(n);
  const pairs: number[] = [];
  for (let u = 0; u < n; u++) {
    for (let j = u * k; j < u * k + k; j++) {
      const v = adjacency[j];
      if (!Number.isInteger(v) || v < 0 || v >= n) throw new Error(`topology: node ${u} has neighbour ${v}, outside 0…${n - 1}`);
      // Both rows list an edge; counting it from the smaller end draws it once (a self-loop is not drawn).
      if (u < v) {
        pairs.push(u, v);
        degree[u]++;
        degree[v]++;
      }
    }
  }
  let degreeMin = Infinity;
  let degreeMax = 0;
  for (let v = 0; v < n; v++) {
    degreeMin = Math.min(degreeMin, degree[v]);
    degreeMax = Math.max(degreeMax, degree[v]);
  }
  return { n, k, adjacency, edges: Int32Array.from(pairs), degreeMin: n ? degreeMin : 0, degreeMax, aspl: g.aspl, label: g.label };
}

/** The distinct neighbours of v other than v itself, in row order. O(k). */
export function neighboursOf(g: DrawableGraph, v: number): number[] {
  const out: number[] = [];
  for (let j = v * g.k; j < v * g.k + g.k; j++) {
    const w = g.adjacency[j];
    if (w !== v && !out.includes(w)) out.push(w);
  }
  return out;
}
