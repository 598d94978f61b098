/**
 * The k-regular graph on n nodes behind a mask, by kind (RGP, arXiv 2110.15192, compares exactly these):
 *  - 'searched': the low-ASPL graph of the degree-preserving swap search (seeded; deterministic with a
 *    swap budget, time-bounded otherwise) — RGP's choice;
 *  - 'random':   a uniformly drawn random connected k-regular graph (seeded), no search;
 *  - 'ring':     the ring lattice, the connected k-regular graph with the largest ASPL (k even; no seed).
 * Every kind reports its exact ASPL. Cost: the search's budget; O(n²k/128) for the ASPL otherwise.
 */
import { aspl, defaultSwapBudget, fromAdjacency, randomRegularGraph, ringLattice, searchRegularGraph } from '../graph';
import { quietContext, type JobContext } from '../job';
import type { GraphKind } from './results';

export interface MaskGraph {
  kind: Exclude<GraphKind, 'dense'>;
  n: number;
  k: number;
  /** Flat n×k adjacency (row v = the neighbours of v). */
  adjacency: Int32Array;
  aspl: number;
  diameter: number;
}

export interface GraphBudget {
  seconds?: number;
  swaps?: number;
}

export function buildMaskGraph(kind: Exclude<GraphKind, 'dense'>, n: number, k: number, seed: number, budget: GraphBudget = {}, ctx: JobContext = quietContext): MaskGraph {
  if (kind === 'searched') {
    const complete = k === n - 1;
    const r = searchRegularGraph(
      {
        n,
        k,
        seed,
        // A complete graph has no swap to try. The budget is swaps (default by (n, k): deterministic); seconds only cap it.
        ...(complete ? { maxSwaps: 0 } : { ...(budget.seconds !== undefined ? { seconds: budget.seconds } : {}), maxSwaps: budget.swaps ?? defaultSwapBudget(n, k) }),
      },
      ctx,
    );
    return { kind, n, k, adjacency: r.adjacency, aspl: r.aspl, diameter: r.diameter };
  }
  const g = kind === 'random' ? randomRegularGraph(n, k, seed) : ringLattice(n, k);
  const d = aspl(g);
  return { kind, n, k, adjacency: Int32Array.from(g.neighbors), aspl: d.aspl, diameter: d.diameter };
}

/** ASPL of a graph given as neighbour lists (masks.json). */
export function asplOfNeighbours(neighbours: number[][]): number {
  const n = neighbours.length;
  const k = neighbours[0]?.length ?? 0;
  return aspl(fromAdjacency(n, k, Int32Array.from(neighbours.flat()))).aspl;
}
