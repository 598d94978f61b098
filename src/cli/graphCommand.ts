/**
 * `rgp graph`: draw and optimise a regular graph, or evaluate a given one.
 *
 *   rgp graph --nodes N --degree K [--swaps M] [--seconds S] [--seed X] [--chains C] [--symmetry G [--descend]] [--restarts R | --tabu] [--out graph.json]
 *   rgp graph --in edges.txt|graph.json [--swaps M] [--seconds S] [--out graph.json]
 *
 * The budget is a number of proposed swaps (--swaps, default `defaultSwapBudget(n, k)`), so the same seed
 * gives the same graph on any machine at any load; --seconds is only a wall-clock cap, and the output says
 * when it bit (stoppedBy: 'time-cap'). Search mode returns one JSON object (n, k, aspl, diameter,
 * mooreBound, bestKnownAspl, gapPct, swapBudget, stoppedBy, swapsTried, seconds, seed, …) and, with --out,
 * writes the graph's edge list and the ASPL history.
 * With --in alone the given graph is evaluated (ASPL, diameter, clustering, degree check, Moore gap); with
 * --in plus a budget a k-regular input is the starting point of the search. --symmetry G searches only graphs
 * invariant under i ↦ i + n/G (mod n) (src/core/graph/symmetry.ts); with --descend it then relaxes the
 * symmetry level by level to none (src/core/graph/symmetryDescent.ts). --tabu (small graphs) polishes
 * short searches by tabu search and restarts whenever one stalls (src/core/graph/tabuSearch.ts).
 */
import type { SearchStop } from '../core/graph/swapSearch';
import type { DescentLevel } from '../core/graph/symmetryDescent';
import { MAX_RESTARTS, type RestartOutcome } from '../core/graph/searchRestarts';
import { validateTabu, type TabuStart } from '../core/graph/tabuSearch';
import { readFile } from 'node:fs/promises';
import { RgpError } from '../core/errors';
import { quietContext, type JobContext } from '../core/job';
import { asRegular, edgeList, fromAdjacency, type Graph } from '../core/graph/graph';
import { parseGraph } from '../core/graph/graphIO';
import { graphMetrics, type GraphMetrics } from '../core/graph/metrics';
import { writeFileAtomic } from '../io/atomicWrite';
import { bestKnownAspl } from '../core/graph/bestKnown';
import { defaultSwapBudget, searchRegularGraph, type HistoryPoint, type SearchResult } from '../core/graph/swapSearch';
import { parallelSearch, type WorkerLaunch } from '../node/parallelSearch';
import { prepareOutput } from '../jobs/outputFolder';
import * as path from 'node:path';

/** Options as commander hands them over: numbers may arrive as strings; they are validated here. */
export interface GraphCommandOptions {
  nodes?: number | string;
  degree?: number | string;
  seconds?: number | string;
  swaps?: number | string;
  seed?: number | string;
  chains?: number | string;
  /** Cyclic symmetry order g (a divisor of n; 1 = none). */
  symmetry?: number | string;
  /** With symmetry > 1: relax it level by level to none after the symmetric search. */
  descend?: boolean;
  /** Independent searches one after another, each with 1/r of the budget; the best wins. */
  restarts?: number | string;
  tabu?: boolean;
  /** With tabu: swaps of each start's search before its tabu search (default: `TABU.startShare` of the budget). */
  startSwaps?: number | string;
  out?: string;
  /** Replace an existing --out file, only one rgp wrote (src/jobs/outputFolder.ts). */
  overwrite?: boolean;
  in?: string;
  kernel?: 'auto' | 'wasm' | 'ts';
}

export interface GraphCommandDeps {
  ctx?: JobContext;
  /** Needed when chains > 1: where the chain worker lives (dist/searchChain.js next to the CLI bundle). */
  worker?: WorkerLaunch;
}

export interface GraphSearchOutput {
  mode: 'search';
  n: number;
  k: number;
  /** Kept fraction of weights when this graph masks a layer: k/n; pruning ratio 1 − k/n. */
  pruningRatio: number;
  aspl: number;
  diameter: number;
  connected: boolean;
  initialAspl: number;
  mooreBound: number;
  mooreDiameter: number;
  /** Best-known ASPL for (n, k) (Graph Golf) where we can cite one, else null. */
  bestKnownAspl: number | null;
  gapPct: number;
  /** The swap budget (the default for (n, k) unless --swaps was given). */
  swapBudget: number;
  /** The --seconds cap, or null. */
  secondsCap: number | null;
  /** 'swaps': the budget was used up (reproducible); 'time-cap': --seconds bit first (depends on speed). */
  stoppedBy: SearchStop;
  swapsTried: number;
  swapsAccepted: number;
  seconds: number;
  seed: number;
  chains: number;
  /** The symmetry order searched under (1: none); with a descent, its top order. */
  symmetry: number;
  /** With --descend: each level's order, swaps, restarts, best ASPL after it and seconds; null without. */
  descent: DescentLevel[] | null;
  /** The --restarts count (1: one search). */
  restarts: number;
  /** With --restarts > 1: each restart's seed, swaps and ASPL; null without. */
  restartOutcomes: RestartOutcome[] | null;
  /** With --tabu: each start's seed, its search's ASPL, and its tabu search's ASPL, steps and swaps; null without. */
  tabuStarts: TabuStart[] | null;
  objective: 'exact' | 'proxy';
  kernel: 'wasm' | 'ts';
  out: string | null;
}

/** The graph's metrics, with the infinite distances of a disconnected graph as null (JSON has no Infinity). */
export type GraphEvaluateOutput = { mode: 'evaluate'; file: string } & Omit<GraphMetrics, 'aspl' | 'diameter'> & {
  aspl: number | null;
  diameter: number | null;
  /** Best-known ASPL for a k-regular graph of this (n, k) (Graph Golf) where we can cite one, else null. */
  bestKnownAspl: number | null;
  out: string | null;
};

export type GraphCommandOutput = GraphSearchOutput | GraphEvaluateOutput;

/** What `--out` writes: the edge list plus the ASPL history, readable back with `--in`. */
export interface GraphFile {
  format: 'rgp-graph';
  version: 1;
  nodes: number;
  k: number | null;
  summary: Omit<GraphCommandOutput, 'out'>;
  edges: Array<[number, number]>;
  /** [seconds, swapsTried, bestAspl] triples. */
  history: Array<[number, number, number]>;
}

function num(value: number | string | undefined, flag: string, opts: { integer?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const v = typeof value === 'number' ? value : Number(String(value).trim());
  const ok = typeof value === 'number' || String(value).trim() !== '';
  if (!ok || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min)) {
    const what = opts.integer ? 'an integer' : 'a number';
    throw new RgpError('BAD_ARGUMENT', `--${flag} must be ${what}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, got "${value}".`, `Example: --${flag} ${opts.integer ? 64 : 10}.`);
  }
  return v;
}

/** JSON has no Infinity: report a disconnected graph's ASPL and diameter as null (connected: false says why). */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export async function graphCommand(opts: GraphCommandOptions, deps: GraphCommandDeps = {}): Promise<GraphCommandOutput> {
  const ctx = deps.ctx ?? quietContext;
  const seconds = num(opts.seconds, 'seconds', { min: 0 });
  const swaps = num(opts.swaps, 'swaps', { integer: true, min: 0 });
  const seed = num(opts.seed, 'seed', { integer: true }) ?? 1;
  const chains = num(opts.chains, 'chains', { integer: true, min: 1 }) ?? 1;
  const symmetry = num(opts.symmetry, 'symmetry', { integer: true, min: 1 }) ?? 1;
  const restarts = num(opts.restarts, 'restarts', { integer: true, min: 1 }) ?? 1;
  if (restarts > MAX_RESTARTS) throw new RgpError('BAD_ARGUMENT', `--restarts ${restarts} is too many.`, `Use at most ${MAX_RESTARTS}; each restart gets 1/r of the swap budget.`);
  if (opts.descend && symmetry <= 1) throw new RgpError('BAD_ARGUMENT', '--descend relaxes a symmetry, and no --symmetry was given.', 'Add --symmetry G (a divisor of n, e.g. 8 for n = 64), or drop --descend.');
  if (opts.tabu && restarts > 1) throw new RgpError('BAD_ARGUMENT', '--tabu restarts by itself (a new start whenever a tabu search stalls) and does not take --restarts.', 'Drop --restarts, or drop --tabu.');
  const startSwaps = num(opts.startSwaps, 'start-swaps', { integer: true, min: 1 });
  if (startSwaps !== undefined && !opts.tabu) throw new RgpError('BAD_ARGUMENT', '--start-swaps sets the starts of --tabu, and --tabu was not given.', 'Add --tabu, or drop --start-swaps.');
  if (chains > 64) throw new RgpError('BAD_ARGUMENT', `--chains ${chains} is too many.`, 'Use at most one chain per core, e.g. --chains 2.');
  if (opts.out !== undefined && opts.in !== undefined && path.resolve(opts.out) === path.resolve(opts.in)) {
    throw new RgpError('UNSAFE_PATH', `--out ${opts.out} would overwrite the input graph.`, 'Write the result to a new file.');
  }
  // The output rule, checked before any search time is spent.
  const out = opts.out === undefined ? null : await prepareOutput({ out: opts.out, inputs: opts.in !== undefined ? [opts.in] : [], overwrite: opts.overwrite === true, shape: 'file' });

  let initial: Int32Array | undefined;
  let n: number, k: number;
  if (opts.in !== undefined) {
    if (/\.onnx$/i.test(opts.in)) {
      throw new RgpError(
        'BAD_ARGUMENT',
        `rgp graph reads a graph (an edge list or graph.json), and ${opts.in} is an ONNX model.`,
        `To see the graph a model is pruned with, prune it (rgp prune ${opts.in} --ratio …) and pass the output's graph.json to --in.`,
      );
    }
    let text: string;
    try {
      text = await readFile(opts.in, 'utf8');
    } catch (e) {
      throw new RgpError('UNREADABLE_FILE', `Cannot read the graph file ${opts.in} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, 'Check the path given to --in.');
    }
    const g: Graph = parseGraph(text);
    if (seconds === undefined && swaps === undefined) {
      const m = graphMetrics(g, { kernel: opts.kernel });
      const result: GraphEvaluateOutput = {
        mode: 'evaluate',
        file: opts.in,
        ...m,
        aspl: finiteOrNull(m.aspl),
        diameter: finiteOrNull(m.diameter),
        gapPct: m.gapPct === null ? null : finiteOrNull(m.gapPct),
        bestKnownAspl: m.regular && m.k !== null ? (bestKnownAspl(m.n, m.k)?.aspl ?? null) : null,
        out,
      };
      if (out) await writeGraphFile(out, g, result, []);
      return result;
    }
    const reg = asRegular(g);
    if (!reg) throw new RgpError('BAD_GRAPH', `The graph in ${opts.in} is not regular, so swap search cannot start from it.`, 'Give a k-regular graph, or drop --seconds/--swaps to only evaluate it.');
    n = reg.n;
    k = reg.k;
    if (opts.nodes !== undefined && num(opts.nodes, 'nodes', { integer: true }) !== n) throw new RgpError('BAD_ARGUMENT', `--nodes ${opts.nodes} does not match the ${n} nodes of ${opts.in}.`, 'Drop --nodes when giving --in.');
    if (opts.degree !== undefined && num(opts.degree, 'degree', { integer: true }) !== k) throw new RgpError('BAD_ARGUMENT', `--degree ${opts.degree} does not match the degree ${k} of ${opts.in}.`, 'Drop --degree when giving --in.');
    initial = reg.neighbors;
  } else {
    const nn = num(opts.nodes, 'nodes', { integer: true });
    const kk = num(opts.degree, 'degree', { integer: true });
    if (nn === undefined || kk === undefined) throw new RgpError('BAD_ARGUMENT', 'rgp graph needs --nodes and --degree (or --in FILE).', 'Example: rgp graph --nodes 64 --degree 4 --seconds 10.');
    n = nn;
    k = kk;
  }

  // Before any search time is spent.
  if (opts.tabu) validateTabu(n, k, opts.descend ? 1 : symmetry);
  const swapBudget = swaps ?? defaultSwapBudget(n, k);
  if (startSwaps !== undefined && startSwaps >= swapBudget) throw new RgpError('BAD_ARGUMENT', `--start-swaps ${startSwaps} leaves nothing of the ${swapBudget} swaps for the tabu searches.`, 'Give a larger --swaps, or fewer --start-swaps (e.g. 1/50 of --swaps).');
  const searchOpts = { n, k, seed, kernel: opts.kernel, ...(initial ? { initial } : {}), ...(seconds !== undefined ? { seconds } : {}), maxSwaps: swapBudget, ...(symmetry > 1 ? { symmetry, descend: opts.descend === true } : {}), ...(restarts > 1 ? { restarts } : {}), ...(opts.tabu ? { tabu: true } : {}), ...(startSwaps !== undefined ? { tabuSchedule: { startShare: startSwaps / swapBudget } } : {}) };
  let r: SearchResult;
  if (chains > 1) {
    if (!deps.worker) throw new Error('internal: graphCommand needs deps.worker for --chains > 1');
    r = await parallelSearch({ ...searchOpts, chains }, deps.worker, ctx);
  } else {
    r = searchRegularGraph(searchOpts, ctx);
  }
  const result: GraphSearchOutput = {
    mode: 'search',
    n: r.n,
    k: r.k,
    pruningRatio: 1 - r.k / r.n,
    aspl: r.aspl,
    diameter: r.diameter,
    connected: r.connected,
    initialAspl: r.initialAspl,
    mooreBound: r.mooreBound,
    mooreDiameter: r.mooreDiameter,
    bestKnownAspl: bestKnownAspl(r.n, r.k)?.aspl ?? null,
    gapPct: r.gapPct,
    swapBudget,
    secondsCap: seconds ?? null,
    stoppedBy: r.stoppedBy,
    swapsTried: r.swapsTried,
    swapsAccepted: r.swapsAccepted,
    seconds: r.seconds,
    seed,
    chains,
    symmetry: r.symmetry,
    descent: r.descent ?? null,
    restarts,
    restartOutcomes: r.restarts ?? null,
    tabuStarts: r.tabuStarts ?? null,
    objective: r.objective,
    kernel: r.kernel,
    out,
  };
  if (out) await writeGraphFile(out, fromAdjacency(r.n, r.k, r.adjacency), result, r.history);
  return result;
}

/**
 * Writes the graph file atomically (writeFileAtomic: a temporary sibling renamed over `path`), so a failed or
 * cancelled run never leaves a half-written file.
 */
export async function writeGraphFile(target: string, g: Graph, summary: GraphCommandOutput, history: HistoryPoint[]): Promise<void> {
  const { out: _out, ...rest } = summary;
  void _out;
  const file: GraphFile = {
    format: 'rgp-graph',
    version: 1,
    nodes: g.n,
    k: asRegular(g)?.k ?? null,
    summary: rest,
    edges: edgeList(g),
    history: history.map((h) => [h.t, h.swapsTried, h.bestAspl]),
  };
  // One edge / history point per line keeps big files diffable and readable.
  const text =
    '{\n' +
    `"format": "rgp-graph", "version": 1, "nodes": ${file.nodes}, "k": ${JSON.stringify(file.k)},\n` +
    `"summary": ${JSON.stringify(file.summary)},\n` +
    `"edges": [\n${file.edges.map((e) => JSON.stringify(e)).join(',\n')}\n],\n` +
    `"history": [\n${file.history.map((h) => JSON.stringify(h)).join(',\n')}\n]\n}\n`;
  await writeFileAtomic(target, text);
}
