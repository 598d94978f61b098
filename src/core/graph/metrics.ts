/**
 * Graph metrics for the view and the CLI: degree check, ASPL and diameter (bit-parallel BFS, `aspl.ts`),
 * average clustering coefficient, Moore gap for regular graphs.
 *
 * Average clustering (Watts & Strogatz 1998; same definition as networkx.average_clustering):
 * C = (1/n) Σ_v T(v) / (deg(v)(deg(v)−1)/2), where T(v) is the number of edges among v's neighbours and
 * nodes of degree < 2 count as 0. O(Σ_v deg(v)²) time with a marker array, O(n) extra memory.
 */
import { aspl as computeAspl, type KernelChoice } from './aspl';
import type { Graph } from './graph';
import { mooreBound } from './mooreBound';

export interface DegreeCheck {
  regular: boolean;
  /** The common degree when regular, else null. */
  k: number | null;
  minDegree: number;
  maxDegree: number;
}

export function degreeCheck(g: Graph): DegreeCheck {
  let min = Infinity, max = -Infinity;
  for (let v = 0; v < g.n; v++) {
    const d = g.offsets[v + 1] - g.offsets[v];
    if (d < min) min = d;
    if (d > max) max = d;
  }
  if (g.n === 0) return { regular: false, k: null, minDegree: 0, maxDegree: 0 };
  return { regular: min === max, k: min === max ? min : null, minDegree: min, maxDegree: max };
}

export function averageClustering(g: Graph): number {
  const { n, offsets, neighbors } = g;
  if (n === 0) return 0;
  const mark = new Int32Array(n).fill(-1);
  let total = 0;
  for (let v = 0; v < n; v++) {
    const s = offsets[v], e = offsets[v + 1];
    const d = e - s;
    if (d < 2) continue;
    for (let i = s; i < e; i++) mark[neighbors[i]] = v;
    let links = 0;
    for (let i = s; i < e; i++) {
      const u = neighbors[i];
      for (let j = offsets[u]; j < offsets[u + 1]; j++) if (mark[neighbors[j]] === v) links++;
    }
    // Each edge among the neighbours was seen from both ends.
    total += links / (d * (d - 1));
  }
  return total / n;
}

export interface GraphMetrics {
  n: number;
  edges: number;
  regular: boolean;
  k: number | null;
  minDegree: number;
  maxDegree: number;
  connected: boolean;
  aspl: number;
  diameter: number;
  clustering: number;
  /** Moore bound and gap, for regular graphs only. */
  mooreBound: number | null;
  mooreDiameter: number | null;
  gapPct: number | null;
}

export function graphMetrics(g: Graph, opts: { kernel?: KernelChoice } = {}): GraphMetrics {
  const deg = degreeCheck(g);
  const r = computeAspl(g, { kernel: opts.kernel });
  const moore = deg.regular && deg.k !== null && deg.k >= 1 ? mooreBound(g.n, deg.k) : null;
  const finite = moore !== null && Number.isFinite(moore.aspl) && moore.aspl > 0;
  return {
    n: g.n,
    edges: g.neighbors.length / 2,
    regular: deg.regular,
    k: deg.k,
    minDegree: deg.minDegree,
    maxDegree: deg.maxDegree,
    connected: r.connected,
    aspl: r.aspl,
    diameter: r.diameter,
    clustering: averageClustering(g),
    mooreBound: moore ? moore.aspl : null,
    mooreDiameter: moore ? moore.diameter : null,
    gapPct: finite ? (100 * (r.aspl - moore!.aspl)) / moore!.aspl : null,
  };
}
