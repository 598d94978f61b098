/**
 * RGP's static regular block mask (arXiv 2110.15192) as a sparsification method for the weight layers of
 * the GNN study: split a layer's C_in inputs and C_out outputs into n contiguous groups, connect groups by a
 * low-ASPL k-regular graph, keep exactly the weights between connected groups. Data-independent and fixed
 * from step 0 — the third contender beside train-and-prune and sparse training.
 *
 * n per layer is min(groups, C_in, C_out) (n must not exceed either channel count); a layer with
 * min(C_in, C_out) < 2 (the 128→1 output of the link MLP) cannot be grouped and stays dense. k is the
 * feasible degree nearest the requested sparsity for that n (`degreeForRatio`), so the achieved sparsity
 * can differ from the requested one (n = 64: at most 1 − 2/64 = 96.875 %; n = 16: at most 87.5 %). Layers
 * that share n share one graph, as RGP masks every layer with the same adjacency. The search is budgeted in
 * swaps, not seconds, so the same seed gives the same masks.
 *
 * Complexity: the searches (maxSwaps moves each, O(n²k/128) per move) plus O(C_in·C_out) per mask.
 */
import { quietContext, type JobContext } from '../job';
import { searchRegularGraph } from '../graph';
import { blockAdjacency, kernelMask, neighbourLists } from '../prune/blockMask';
import { degreeForRatio } from '../prune/degree';

export interface RgpLayerMask {
  /** Groups n and degree k; absent for a layer too narrow to group (kept dense, mask null). */
  n?: number;
  k?: number;
  mask: Float32Array | null;
}

export interface RgpGraphInfo {
  n: number;
  k: number;
  aspl: number;
}

export interface RgpMaskOptions {
  /** Upper bound on n (default 64, RGP's). */
  groups?: number;
  seed: number;
  /** Proposed swaps of each ASPL search (default 2000). */
  searchSwaps?: number;
}

export function rgpMasks(
  layers: readonly { cIn: number; cOut: number }[],
  sparsity: number,
  opts: RgpMaskOptions,
  ctx: JobContext = quietContext,
): { layers: RgpLayerMask[]; graphs: RgpGraphInfo[] } {
  const groups = opts.groups ?? 64;
  const graphs = new Map<string, { info: RgpGraphInfo; neighbours: number[][] }>();
  const out: RgpLayerMask[] = [];
  for (const layer of layers) {
    const n = Math.min(groups, layer.cIn, layer.cOut);
    if (n < 2) {
      out.push({ mask: null });
      continue;
    }
    const { k } = degreeForRatio(sparsity, n);
    const key = `${n}/${k}`;
    let g = graphs.get(key);
    if (!g) {
      ctx.signal.throwIfCancelled();
      const r = searchRegularGraph({ n, k, seed: opts.seed, maxSwaps: k === n - 1 ? 0 : opts.searchSwaps ?? 2000, reportEveryMs: 1e9 }, { signal: ctx.signal, progress: quietContext.progress });
      g = { info: { n, k, aspl: r.aspl }, neighbours: neighbourLists(n, k, r.adjacency) };
      graphs.set(key, g);
    }
    out.push({ n, k, mask: kernelMask([layer.cIn, layer.cOut], blockAdjacency(g.neighbours, false)) });
  }
  return { layers: out, graphs: [...graphs.values()].map((g) => g.info) };
}
