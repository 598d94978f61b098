/**
 * The "prune" job: read a model of any supported format (checked; src/formats), plan which layers RGP masks, find a low-ASPL
 * regular graph, zero the masked weights, and write a new model folder with the masks, the graph and an
 * exact report. The same function runs in the extension's worker and in the CLI.
 *
 * Every check a user's input can fail (files, shapes, ratio, n vs channels, output folder) runs before the
 * graph search and before anything is written; the output folder is filled under a temporary name and
 * renamed when complete (writeFolderAtomically), so a failure or a cancel leaves nothing behind, and the
 * input folder is only ever read.
 *
 * Output folder (default `<model folder>-rgp-<ratio>` beside a TF.js model folder, `<stem>-rgp-<ratio>`
 * beside a single-file model):
 *   the model           in its own format (OpenedModel.write): TF.js model.json byte for byte and shards of
 *                       the same names and sizes; ONNX model.onnx; Keras model.keras / model.h5 — masked
 *                       float32 entries are +0, every other byte of weight data is the input's
 *   masks.json          the shared adjacency and each masked kernel (see src/core/prune/maskFile.ts)
 *   graph.json          { nodes, edges, n, k, aspl, diameter, mooreBound, …, history } — readable by
 *                       `rgp graph --in`
 *   graph-n<n>.json     the same for each extra graph, only with per-layer n overrides
 *   report.json / .md   per-layer dense vs pruned params and MACs, totals, ratios, ASPL vs Moore bound
 *
 * Per-layer n (`groupsPerLayer`): RGP shares one adjacency across the masked layers; a layer given its own
 * n (one narrower than the global n, say) cannot use it, so every distinct n gets its own graph with the
 * degree the same ratio maps to at that n (degreeForRatio). All graphs use the run's seed — a graph on a
 * different n is a different draw anyway, and `rgp graph --nodes n --degree k --seed s --swaps m` then
 * reproduces any of them. The budget is deterministic: `searchSwaps` proposed swaps per graph (default
 * `defaultSwapBudget(n, k)`), so a seed gives the same masks on any machine; `searchSeconds` is only a cap on
 * the whole job's search (split evenly between the graphs), reported in the graph stats (stoppedBy) when it
 * bites. The live chart (onSearchStart/onSearchSample) follows the main graph.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { prepareOutput } from './outputFolder';
import { RgpError } from '../core/errors';
import {
  aspl as measureAspl,
  bestKnownAspl,
  defaultSwapBudget,
  edgeList,
  fromAdjacency,
  mooreBound,
  validateRegularParams,
  type HistoryPoint,
  type SearchSample,
} from '../core/graph';
import type { JobContext } from '../core/job';
import { applyBlockMask, blockAdjacency, neighbourLists } from '../core/prune/blockMask';
import { countPruned } from '../core/prune/counting';
import { checkRatio, degreeForRatio } from '../core/prune/degree';
import { buildMaskFile } from '../core/prune/maskFile';
import { planPruning } from '../core/prune/plan';
import { reportMarkdown, type GraphStats, type PruneSummary, type RunGraph } from '../core/prune/report';
import { writeFolderAtomically } from '../io/atomicWrite';
import { openModel } from '../formats';
import { searchChains, type WorkerLaunch } from '../node/parallelSearch';

export interface PruneOptions {
  /** Fraction of weights to remove in masked layers, 0 < ratio < 1 (mapped to the nearest feasible k). */
  ratio: number;
  /** Node count n = channel groups per layer side (default min(64, the narrowest masked layer's channels)). */
  groups?: number;
  /** Per-layer node count: layer name → its own n (2 ≤ n ≤ min(C_in, C_out) of that masked layer). */
  groupsPerLayer?: Record<string, number>;
  /** Seed of the random start graph and the search (default 1). */
  seed?: number;
  /** Wall-clock cap on the whole ASPL search in seconds (none by default; 0 = the random regular graph as drawn). */
  searchSeconds?: number;
  /** Budget in proposed swaps per graph (default `defaultSwapBudget(n, k)`): deterministic for a seed. */
  searchSwaps?: number;
  /**
   * Independent search chains per graph, the best kept (default 1); each chain has the full swap budget.
   * The same seed and chain count give the same graph whether the chains run on worker threads or one
   * after another (src/node/parallelSearch.ts `searchChains`).
   */
  searchChains?: number;
  /** Keep the first maskable layer(s) dense (default true, as RGP). */
  keepFirst?: boolean;
  /** Keep the last maskable layer(s) — the classifier — dense (default true, as RGP). */
  keepLast?: boolean;
  /** Further layers to leave dense, by name. */
  keepDense?: string[];
  /** graph2nn's variant: each group also keeps its own block (kept fraction (k+1)/n). Default false (RGP). */
  selfLoops?: boolean;
  /** Output folder; default `<model folder>-rgp-<ratio>` next to the input. */
  out?: string;
  /** Replace an existing non-empty output folder (never the input's). */
  overwrite?: boolean;
  /** Use this graph instead of searching (flat n×k adjacency; n must equal `groups`; the main graph only). */
  graph?: { n: number; k: number; adjacency: ArrayLike<number> };
  /** Called once when (n, k) are known and the search begins: the chart draws the Moore bound at once. */
  onSearchStart?: (g: SearchStart) => void;
  /** Live search samples (≈10 per second) for the ASPL chart. */
  onSearchSample?: (s: SearchSample) => void;
}

export interface SearchStart {
  n: number;
  k: number;
  mooreBound: number;
  mooreDiameter: number;
}

const DEFAULT_SEED = 1;

export interface PruneJobDeps {
  /** Where the search-chain worker lives; without it, chains run one after another on this thread. */
  chainWorker?: WorkerLaunch;
}

export async function pruneModel(modelPath: string, options: PruneOptions, ctx: JobContext, deps: PruneJobDeps = {}): Promise<PruneSummary> {
  // ---- Arguments (cheap checks first: nothing is read for a bad ratio) ----
  const ratio = checkRatio(options.ratio);
  const givenN = options.groups;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new RgpError('BAD_ARGUMENT', `The seed must be an integer, got ${seed}.`, 'Example: --seed 1.');
  const searchSwaps = options.searchSwaps;
  const searchSeconds = options.searchSeconds;
  if (searchSeconds !== undefined && !(Number.isFinite(searchSeconds) && searchSeconds >= 0)) {
    throw new RgpError('BAD_ARGUMENT', `The search time cap must be a number of seconds ≥ 0, got ${searchSeconds}.`, 'Example: --search-seconds 60.');
  }
  if (searchSwaps !== undefined && !(Number.isInteger(searchSwaps) && searchSwaps >= 0)) {
    throw new RgpError('BAD_ARGUMENT', `The search budget must be a whole number of swaps ≥ 0, got ${searchSwaps}.`, 'Example: --search-swaps 200000.');
  }
  const chains = options.searchChains ?? 1;
  if (!(Number.isInteger(chains) && chains >= 1 && chains <= 64)) {
    throw new RgpError('BAD_ARGUMENT', `The number of search chains must be a whole number from 1 to 64, got ${chains}.`, 'Example: --search-chains 2 (one per core).');
  }
  const keepFirst = options.keepFirst ?? true;
  const keepLast = options.keepLast ?? true;
  const keepDense = options.keepDense ?? [];
  const selfLoops = options.selfLoops ?? false;
  const groupsPerLayer = options.groupsPerLayer ?? {};
  if (typeof groupsPerLayer !== 'object' || groupsPerLayer === null || Array.isArray(groupsPerLayer)) {
    throw new RgpError('BAD_ARGUMENT', 'The per-layer node counts must map layer names to n.', 'Example: --layer-groups conv_narrow=16.');
  }

  // ---- Read and check the model ----
  ctx.progress.report({ fraction: 0, message: 'reading the model' });
  const model = await openModel(modelPath, { signal: ctx.signal, onProgress: (f, message) => ctx.progress.report({ fraction: 0.1 * f, message }) });
  ctx.signal.throwIfCancelled();
  const graph = model.graph;
  const plan = planPruning(graph, { ...(givenN !== undefined ? { groups: givenN } : {}), keepFirst, keepLast, keepDense, groupsPerLayer });
  const n = givenN ?? plan.n;
  // One degree per distinct n, the main graph's first.
  const degrees = plan.groupCounts.map((m) => degreeForRatio(ratio, m, selfLoops));
  const degree = degrees[0];
  const outputPath = await prepareOutput({ out: options.out, fallback: defaultOutput(model.format, model.modelPath, `-rgp-${ratio}`), inputs: model.inputFiles, overwrite: options.overwrite === true });
  ctx.progress.report({ fraction: 0.12, message: `${plan.targets.length} layers to mask; ${degrees.map((d) => `n = ${d.n}, k = ${d.k}`).join('; ')}` });

  // ---- The graphs ----
  const secondsEach = searchSeconds === undefined ? undefined : searchSeconds / degrees.length;
  const runs = [];
  for (const [i, d] of degrees.entries()) {
    const slice = { from: 0.15 + (0.65 * i) / degrees.length, width: 0.65 / degrees.length };
    const run = await obtainGraph(options, d.n, d.k, seed, selfLoops, secondsEach, slice, i === 0, ctx, deps.chainWorker ?? null);
    const neighbours = neighbourLists(d.n, d.k, run.adjacency);
    runs.push({ ...run, degree: d, neighbours, blocks: blockAdjacency(neighbours, selfLoops) });
  }
  const runFor = new Map(runs.map((r) => [r.degree.n, r]));
  const { stats, history } = runs[0];

  // ---- Masks: zero in place in the group buffers read above (the input files are never touched) ----
  const kept = new Map<string, number>();
  plan.targets.forEach((t, i) => {
    ctx.signal.throwIfCancelled();
    const { bytes, byteOffset } = model.weightBytes(t.weight);
    kept.set(t.layer, applyBlockMask(bytes, byteOffset, t.shape, runFor.get(t.n)!.blocks, t.layout, t.inputParts));
    ctx.progress.report({ fraction: 0.8 + (0.05 * (i + 1)) / plan.targets.length, message: `masked ${t.layer}` });
  });
  const counts = countPruned(graph, plan, kept);

  const maskFile = buildMaskFile(
    selfLoops,
    runs.map((r) => ({ n: r.degree.n, k: r.degree.k, neighbours: r.neighbours })),
    plan.targets.map((t) => ({ layer: t.layer, n: t.n, weight: t.weight.spec.name, variable: t.variable, shape: t.shape, layout: t.layout, ...(t.inputParts ? { inputParts: t.inputParts } : {}), kept: kept.get(t.layer)!, total: t.weight.elements })),
  );
  // graph.json is the main graph as always; each extra graph gets its own file, readable by `rgp graph --in`.
  const graphFiles = runs.map((r, i) => ({
    name: i === 0 ? 'graph.json' : `graph-n${r.degree.n}.json`,
    json: { nodes: r.degree.n, edges: edgeList(fromAdjacency(r.degree.n, r.degree.k, r.adjacency)), ...r.stats, history: r.history },
  }));
  const graphs: RunGraph[] = runs.map((r) => ({
    ...r.stats,
    achievedRatio: r.degree.achievedRatio,
    layers: plan.targets.filter((t) => t.n === r.degree.n).map((t) => t.layer),
  }));
  const summary: PruneSummary = {
    format: 'rgp-prune-report',
    version: 1,
    modelFormat: model.format,
    modelPath: model.modelPath,
    outputPath,
    files: [...model.outputFiles(), 'masks.json', ...graphFiles.map((g) => g.name), 'report.json', 'report.md'],
    ratio: {
      requested: ratio,
      achieved: degree.achievedRatio,
      maskedKernels: counts.totals.maskedKernelRatio,
      params: counts.totals.paramsReduction,
      macs: counts.totals.macsReduction,
    },
    graph: stats,
    graphs,
    history,
    layers: counts.layers,
    totals: counts.totals,
    maskedLayers: plan.targets.map((t) => t.layer),
    unknownLayers: graph.unknownLayers,
    warnings: graph.warnings,
    options: {
      ratio,
      groups: n,
      groupsChosen: givenN === undefined,
      groupsPerLayer: Object.fromEntries(Object.entries(groupsPerLayer)),
      seed,
      searchSeconds: searchSeconds ?? null,
      searchSwaps: searchSwaps ?? null,
      ...(chains > 1 ? { searchChains: chains } : {}),
      keepFirst,
      keepLast,
      keepDense: [...keepDense],
      selfLoops,
    },
  };

  // ---- Write ----
  await writeFolderAtomically(outputPath, { overwrite: options.overwrite === true, signal: ctx.signal, marker: { job: 'prune' } }, async (tmp) => {
    await model.write(tmp, ctx.signal, (f, message) => ctx.progress.report({ fraction: 0.85 + 0.13 * f, message }));
    ctx.signal.throwIfCancelled();
    await writeFile(path.join(tmp, 'masks.json'), JSON.stringify(maskFile) + '\n');
    for (const g of graphFiles) await writeFile(path.join(tmp, g.name), JSON.stringify(g.json) + '\n');
    await writeFile(path.join(tmp, 'report.json'), JSON.stringify(summary, null, 2) + '\n');
    await writeFile(path.join(tmp, 'report.md'), reportMarkdown(summary));
  });
  ctx.progress.report({
    fraction: 1,
    message: `pruned ${plan.targets.length} layers: parameters −${(100 * counts.totals.paramsReduction).toFixed(2)} %, MACs −${(100 * counts.totals.macsReduction).toFixed(2)} %`,
  });
  return summary;
}

/**
 * Default output folder: `<model folder><suffix>` beside a TF.js model folder (its files are the folder),
 * `<stem><suffix>` beside a single-file model (model.onnx → model-rgp-0.9375/ in the same folder).
 */
export function defaultOutput(format: string, modelPath: string, suffix: string): string {
  if (format === 'tfjs') return `${path.dirname(modelPath)}${suffix}`;
  return path.join(path.dirname(modelPath), `${path.basename(modelPath, path.extname(modelPath))}${suffix}`);
}

/**
 * The graph for one n: the caller's (main graph only) or a search. `seconds` is this graph's share of the
 * time budget; `slice` its share of the progress bar; only the main graph drives the live chart.
 */
async function obtainGraph(
  options: PruneOptions,
  n: number,
  k: number,
  seed: number,
  selfLoops: boolean,
  seconds: number | undefined,
  slice: { from: number; width: number },
  main: boolean,
  ctx: JobContext,
  chainWorker: WorkerLaunch | null,
): Promise<{ adjacency: Int32Array; stats: GraphStats; history: HistoryPoint[] }> {
  const moore = mooreBound(n, k);
  if (options.graph && main) {
    const g = options.graph;
    if (g.n !== n || g.k !== k) {
      throw new RgpError('BAD_GRAPH', `The given graph has n=${g.n}, k=${g.k}, but this pruning needs n=${n}, k=${k}.`, 'Give a graph with the same node count and the degree the ratio maps to.');
    }
    validateRegularParams(n, k);
    const adjacency = Int32Array.from(g.adjacency);
    const d = measureAspl(fromAdjacency(n, k, adjacency));
    if (!d.connected) throw new RgpError('BAD_GRAPH', 'The given graph is not connected.', 'RGP needs a connected regular graph.');
    const stats: GraphStats = {
      n, k, selfLoops, seed, aspl: d.aspl, diameter: d.diameter, initialAspl: d.aspl, mooreBound: moore.aspl, mooreDiameter: moore.diameter,
      gapPct: (100 * (d.aspl - moore.aspl)) / moore.aspl, swapsTried: 0, swapsAccepted: 0, searchSeconds: 0, objective: 'given',
    };
    return { adjacency, stats, history: [{ t: 0, swapsTried: 0, bestAspl: d.aspl }] };
  }
  const progress = {
    report: (u: { fraction?: number; message: string }) =>
      ctx.progress.report({ fraction: slice.from + slice.width * (u.fraction ?? 0), message: `graph search${main ? '' : ` (n = ${n})`}: ${u.message}` }),
  };
  if (main) options.onSearchStart?.({ n, k, mooreBound: moore.aspl, mooreDiameter: moore.diameter });
  const r = await searchChains(
    {
      n,
      k,
      seed,
      chains: options.searchChains ?? 1,
      // A complete graph (k = n − 1) has no swap to try.
      ...(k === n - 1 ? { maxSwaps: 0 } : {
        maxSwaps: options.searchSwaps ?? defaultSwapBudget(n, k),
        ...(seconds !== undefined ? { seconds } : {}),
      }),
      ...(main && options.onSearchSample ? { onSample: options.onSearchSample } : {}),
    },
    chainWorker,
    { signal: ctx.signal, progress },
  );
  const stats: GraphStats = {
    n, k, selfLoops, seed, aspl: r.aspl, diameter: r.diameter, initialAspl: r.initialAspl, mooreBound: r.mooreBound, mooreDiameter: r.mooreDiameter,
    gapPct: r.gapPct, swapsTried: r.swapsTried, swapsAccepted: r.swapsAccepted, searchSeconds: r.seconds, objective: r.objective,
    swapBudget: r.swapBudget, stoppedBy: r.stoppedBy, bestKnownAspl: bestKnownAspl(n, k)?.aspl ?? null,
    ...(r.chains.length > 1 ? { chains: r.chains.length } : {}),
  };
  if (r.stoppedBy === 'time-cap') progress.report({ fraction: 1, message: `the ${seconds} s time cap ended the search after ${r.swapsTried} of ${r.swapBudget} swaps` });
  return { adjacency: r.adjacency, stats, history: r.history };
}


