/**
 * The regular graph RGP prunes with, for "RGP: Show Graph Structure":
 *  - `searchGraphStructure` (the worker's `graph` job): a k-regular graph on n nodes from the seed, its
 *    ASPL lowered by the same swap search pruning uses (src/core/graph/swapSearch.ts) for `searchSwaps`
 *    proposed swaps (default `defaultSwapBudget(n, k)`; `searchSeconds` only caps the wall-clock time) —
 *    the graph `rgp prune` would build with those n, k, seed and budget, on any machine. O(budget);
 *    cancellable.
 *  - `readRunGraph`: the graph a pruning run used, from its output folder's graph.json (written by
 *    src/jobs/pruneModel.ts: `{ nodes, edges, n, k, aspl, seed, … }`). O(edges). Small by construction
 *    (n·k/2 edges, 8,192 at n = 1,024, k = 16 ≈ 150 KB), and refused above MAX_GRAPH_FILE_BYTES.
 * Both return the flat n×k neighbour list the webview's topology view draws.
 */
import type { SearchStop } from '../core/graph/swapSearch';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { RgpError } from '../core/errors';
import { asRegular, bestKnownAspl, defaultSwapBudget, mooreBound, parseGraphJson, searchRegularGraph, validateRegularParams, type SearchSample } from '../core/graph';
import type { JobContext } from '../core/job';
import type { SearchStart } from './pruneModel';
import { searchChains, type WorkerLaunch } from '../node/parallelSearch';
import type { SearchOptions, SearchResult } from '../core/graph/swapSearch';

export const MAX_GRAPH_FILE_BYTES = 16 * 1024 * 1024;

export interface GraphStructureOptions {
  n: number;
  k: number;
  seed: number;
  /** Budget of the ASPL search in proposed swaps (default `defaultSwapBudget(n, k)`; 0: the random graph as drawn). */
  searchSwaps?: number;
  /** Wall-clock cap on the search in seconds (none by default); `stoppedBy` says when it bit. */
  searchSeconds?: number;
  /** Independent search chains, the best kept (default 1; more only through `searchGraphStructureChains`). */
  searchChains?: number;
}

export interface GraphStructure {
  n: number;
  k: number;
  /** Flat n×k: row i holds the k neighbours of node i. */
  adjacency: number[];
  aspl: number;
  diameter: number;
  mooreBound: number;
  seed: number | null;
  /** Best-known ASPL for (n, k) (Graph Golf) where one can be cited. */
  bestKnownAspl?: number | null;
  /** ASPL of the random start, when searched here. */
  initialAspl?: number;
  swapsTried?: number;
  /** The swap budget of the search, when searched here. */
  swapBudget?: number;
  /** What ended the search (see SearchResult.stoppedBy). */
  stoppedBy?: SearchStop;
  /** Search chains run (the best kept), when more than one. */
  chains?: number;
}

export function searchGraphStructure(
  o: GraphStructureOptions,
  ctx: JobContext,
  live: { onSearchStart?: (s: SearchStart) => void; onSearchSample?: (s: SearchSample) => void } = {},
): GraphStructure {
  const { options, swapBudget } = graphSearchOptions(o, live);
  if ((o.searchChains ?? 1) !== 1) throw new Error('internal: several search chains need searchGraphStructureChains');
  return graphStructureOf(searchRegularGraph(options, ctx), o, swapBudget);
}

/**
 * `searchGraphStructure` with `searchChains` independent chains (on worker threads when `chainWorker` is
 * given, else one after another; the same graph either way — src/node/parallelSearch.ts `searchChains`).
 */
export async function searchGraphStructureChains(
  o: GraphStructureOptions,
  ctx: JobContext,
  live: { onSearchStart?: (s: SearchStart) => void; onSearchSample?: (s: SearchSample) => void } = {},
  chainWorker: WorkerLaunch | null = null,
): Promise<GraphStructure> {
  const { options, swapBudget } = graphSearchOptions(o, live);
  const chains = o.searchChains ?? 1;
  const r = await searchChains({ ...options, chains }, chainWorker, ctx);
  return { ...graphStructureOf(r, o, swapBudget), ...(chains > 1 ? { chains } : {}) };
}

function graphSearchOptions(o: GraphStructureOptions, live: { onSearchStart?: (s: SearchStart) => void; onSearchSample?: (s: SearchSample) => void }): { options: SearchOptions; swapBudget: number } {
  validateRegularParams(o.n, o.k);
  if (!Number.isInteger(o.seed)) throw new RgpError('BAD_ARGUMENT', `The seed must be an integer, got ${o.seed}.`, 'Example: seed 1.');
  if (o.searchSeconds !== undefined && !(Number.isFinite(o.searchSeconds) && o.searchSeconds >= 0)) {
    throw new RgpError('BAD_ARGUMENT', `The search time cap must be a number of seconds ≥ 0, got ${o.searchSeconds}.`, 'Example: 60 seconds, or leave it unset.');
  }
  if (o.searchSwaps !== undefined && !(Number.isInteger(o.searchSwaps) && o.searchSwaps >= 0)) {
    throw new RgpError('BAD_ARGUMENT', `The search budget must be a whole number of swaps ≥ 0, got ${o.searchSwaps}.`, 'Example: 200000 swaps.');
  }
  if (o.searchChains !== undefined && !(Number.isInteger(o.searchChains) && o.searchChains >= 1 && o.searchChains <= 64)) {
    throw new RgpError('BAD_ARGUMENT', `The number of search chains must be a whole number from 1 to 64, got ${o.searchChains}.`, 'Example: 2 chains (one per core).');
  }
  // A complete graph (k = n − 1) has no swap to try.
  const swapBudget = o.k === o.n - 1 ? 0 : o.searchSwaps ?? defaultSwapBudget(o.n, o.k);
  const moore = mooreBound(o.n, o.k);
  live.onSearchStart?.({ n: o.n, k: o.k, mooreBound: moore.aspl, mooreDiameter: moore.diameter });
  const options: SearchOptions = {
    n: o.n,
    k: o.k,
    seed: o.seed,
    maxSwaps: swapBudget,
    ...(o.searchSeconds !== undefined ? { seconds: o.searchSeconds } : {}),
    ...(live.onSearchSample ? { onSample: live.onSearchSample } : {}),
  };
  return { options, swapBudget };
}

function graphStructureOf(r: SearchResult, o: GraphStructureOptions, swapBudget: number): GraphStructure {
  if (!r.connected) throw new RgpError('BAD_GRAPH', `No connected graph was found for n = ${o.n}, k = ${o.k}.`, 'Try another seed or a larger degree.');
  return {
    n: r.n,
    k: r.k,
    adjacency: Array.from(r.adjacency),
    aspl: r.aspl,
    diameter: r.diameter,
    mooreBound: r.mooreBound,
    bestKnownAspl: bestKnownAspl(r.n, r.k)?.aspl ?? null,
    seed: o.seed,
    initialAspl: r.initialAspl,
    swapsTried: r.swapsTried,
    swapBudget,
    stoppedBy: r.stoppedBy,
  };
}

/** The folder is a pruning run's output when it has the masks and the graph beside model.json. */
export async function isPrunedFolder(folder: string): Promise<boolean> {
  const isFile = (f: string) => stat(path.join(folder, f)).then((s) => s.isFile(), () => false);
  const [masks, graph] = await Promise.all([isFile('masks.json'), isFile('graph.json')]);
  return masks && graph;
}

export async function readRunGraph(folder: string): Promise<GraphStructure> {
  const file = path.join(folder, 'graph.json');
  let text: string;
  try {
    const s = await stat(file);
    if (s.size > MAX_GRAPH_FILE_BYTES) {
      throw new RgpError('BAD_GRAPH', `${file} is ${(s.size / 1048576).toFixed(1)} MB, more than a pruning run's graph file can be.`, 'Check that the folder holds the output of RGP: Prune Model.');
    }
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof RgpError) throw e;
    throw new RgpError('UNREADABLE_FILE', `Cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, 'Prune the model again to write its graph.');
  }
  const g = asRegular(parseGraphJson(text));
  if (!g) throw new RgpError('BAD_GRAPH', `The graph in ${file} is not regular: its nodes have different degrees.`, 'RGP writes k-regular graphs; the file may have been edited.');
  const meta = JSON.parse(text) as { aspl?: unknown; diameter?: unknown; mooreBound?: unknown; seed?: unknown };
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const aspl = num(meta.aspl);
  if (aspl === undefined) throw new RgpError('BAD_GRAPH', `${file} has no "aspl" field.`, 'Prune the model again to write its graph.');
  return {
    n: g.n,
    k: g.k,
    adjacency: Array.from(g.neighbors),
    aspl,
    diameter: num(meta.diameter) ?? NaN,
    mooreBound: num(meta.mooreBound) ?? mooreBound(g.n, g.k).aspl,
    bestKnownAspl: bestKnownAspl(g.n, g.k)?.aspl ?? null,
    seed: num(meta.seed) ?? null,
  };
}
