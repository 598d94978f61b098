/**
 * The pruning report: one JSON-serialisable object (returned by the job, printed by the CLI, written as
 * report.json) and its Markdown rendering (report.md) for people.
 */
import type { HistoryPoint } from '../graph';
import type { CountTotals, LayerCount } from './counting';

import type { SearchStop } from '../graph/swapSearch';

export interface GraphStats {
  n: number;
  k: number;
  selfLoops: boolean;
  seed: number;
  aspl: number;
  diameter: number;
  initialAspl: number;
  mooreBound: number;
  mooreDiameter: number;
  /** 100·(aspl − Moore bound)/Moore bound. */
  gapPct: number;
  swapsTried: number;
  swapsAccepted: number;
  searchSeconds: number;
  /** 'given' when the caller supplied the graph. */
  objective: 'exact' | 'proxy' | 'given';
  /** The swap budget of the search (absent for a given graph). */
  swapBudget?: number | null;
  /** What ended the search: the Moore bound, the swap budget, a time budget, or the time cap biting first (the graph then depends on speed). */
  stoppedBy?: SearchStop;
  /** Best-known ASPL for (n, k) (Graph Golf) where one can be cited. */
  bestKnownAspl?: number | null;
  /** Independent search chains run (the best kept; swapsTried is their total); absent for one. */
  chains?: number;
}

/** One graph of the run: its statistics, the ratio it achieves and the masked layers it is mapped to. */
export interface RunGraph extends GraphStats {
  /** 1 − kept/n for this graph's n and k. */
  achievedRatio: number;
  layers: string[];
}

export interface PruneSummary {
  format: 'rgp-prune-report';
  version: 1;
  /** The input's format ('tfjs', 'onnx', 'keras', 'h5'). */
  modelFormat?: string;
  modelPath: string;
  outputPath: string;
  files: string[];
  ratio: {
    requested: number;
    /** 1 − kept/n of the graph: the exact ratio of a masked layer whose channels divide by n. */
    achieved: number;
    /** Over all masked kernels, counted: equals `achieved` when every channel count divides by n. */
    maskedKernels: number;
    /** Over all parameters of the model (first/last layers, biases, normalisation included). */
    params: number;
    macs: number;
  };
  /** The main graph (the global n; see PrunePlan.n). */
  graph: GraphStats;
  /**
   * Every graph of the run, the main one first: one per distinct n when layers have their own n
   * (`groupsPerLayer`), so a single entry without overrides.
   */
  graphs: RunGraph[];
  /** Best ASPL over the search (seconds since start), for the history chart; graph.json has it too. */
  history: HistoryPoint[];
  layers: LayerCount[];
  totals: CountTotals;
  maskedLayers: string[];
  unknownLayers: string[];
  warnings: string[];
  options: {
    ratio: number;
    groups: number;
    /** True when n was chosen from the layers' widths (min(64, the narrowest masked layer)), not given. */
    groupsChosen?: boolean;
    /** Per-layer node counts n given as overrides (empty without). */
    groupsPerLayer: Record<string, number>;
    seed: number;
    searchSeconds: number | null;
    searchSwaps: number | null;
    /** Search chains per graph (absent: 1). */
    searchChains?: number;
    keepFirst: boolean;
    keepLast: boolean;
    keepDense: string[];
    selfLoops: boolean;
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const num = (x: number | null) => (x === null ? '?' : x.toLocaleString('en-US'));

/** The density cell; with several graphs it also names the layer's n, since densities then differ. */
function density(l: LayerCount, showN: boolean): string {
  if (l.density === undefined) return '';
  return showN && l.masked ? `${pct(l.density)} (n = ${l.masked.n})` : pct(l.density);
}

export function reportMarkdown(s: PruneSummary): string {
  const g = s.graph;
  const lines = [
    `# RGP pruning report`,
    '',
    `- Model: \`${s.modelPath}\``,
    `- Output: \`${s.outputPath}\``,
    `- Ratio requested ${pct(s.ratio.requested)}, achieved ${pct(s.ratio.achieved)} in masked layers ` +
      `(counted over masked kernels: ${pct(s.ratio.maskedKernels)}); whole model: parameters −${pct(s.ratio.params)}, MACs −${pct(s.ratio.macs)}`,
    `- Graph: n = ${g.n}, k = ${g.k}${g.selfLoops ? ' + self-loops' : ''} (kept ${g.k + (g.selfLoops ? 1 : 0)}/${g.n} per block row), seed ${g.seed}` +
      (s.options.groupsChosen ? ` — n chosen as min(64, the narrowest masked layer's channels)` : ''),
    `- ASPL ${g.aspl.toFixed(4)} (start ${g.initialAspl.toFixed(4)}), diameter ${g.diameter}; Moore bound ${g.mooreBound.toFixed(4)} ` +
      `(diameter ≥ ${g.mooreDiameter}), gap ${g.gapPct.toFixed(2)} %${g.bestKnownAspl ? `; best known ${g.bestKnownAspl.toFixed(3)} (Graph Golf)` : ''}; ` +
      `${g.swapsTried} swaps tried${g.chains ? ` in ${g.chains} chains` : ''}, ${g.swapsAccepted} kept in ${g.searchSeconds.toFixed(2)} s (${g.objective})` +
      (g.stoppedBy === 'bound' ? '; stopped at the Moore bound (no graph is better)' : g.stoppedBy === 'time-cap' ? '; stopped by the time cap before the swap budget was spent (the graph may differ on another machine)' : ''),
    ...s.graphs.slice(1).map(
      (x) =>
        `- Graph for ${x.layers.join(', ')}: n = ${x.n}, k = ${x.k}${x.selfLoops ? ' + self-loops' : ''} (ratio ${pct(x.achievedRatio)}), ` +
        `ASPL ${x.aspl.toFixed(4)} (start ${x.initialAspl.toFixed(4)}), diameter ${x.diameter}; Moore bound ${x.mooreBound.toFixed(4)}, gap ${x.gapPct.toFixed(2)} %; ` +
        `${x.swapsTried} swaps tried, ${x.swapsAccepted} kept in ${x.searchSeconds.toFixed(2)} s (${x.objective})`,
    ),
    `- Options: first layer ${s.options.keepFirst ? 'dense' : 'masked'}, last layer ${s.options.keepLast ? 'dense' : 'masked'}` +
      (s.options.keepDense.length ? `, kept dense: ${s.options.keepDense.join(', ')}` : ''),
    '',
    '| Layer | Class | Role | Output | Params dense | Params pruned | MACs dense | MACs pruned | Density |',
    '|---|---|---|---|---:|---:|---:|---:|---:|',
    ...s.layers.map(
      (l) =>
        `| ${l.name} | ${l.className} | ${l.role} | ${l.outputShape ? `[${l.outputShape.map((d) => d ?? '?').join(', ')}]` : '?'} | ${num(l.denseParams)} | ${num(l.prunedParams)} | ` +
        `${num(l.denseMacs)} | ${num(l.prunedMacs)} | ${density(l, s.graphs.length > 1)} |`,
    ),
    `| **Total** | | | | **${num(s.totals.denseParams)}** | **${num(s.totals.prunedParams)}** | **${num(s.totals.denseMacs)}** | **${num(s.totals.prunedMacs)}** | |`,
    '',
    'MACs are multiply-accumulates per example: Dense C_in·C_out, Conv kh·kw·C_in·C_out·H_out·W_out; bias adds, pooling and ' +
      'merges count 0 and BatchNormalization is taken as folded (0). A masked kernel counts its kept entries only.',
  ];
  if (!s.totals.macsComplete) lines.push('', 'Some layers have unknown shapes; MAC totals cover the known layers only.');
  if (s.warnings.length) lines.push('', '## Warnings', '', ...s.warnings.map((w) => `- ${w}`));
  return lines.join('\n') + '\n';
}

export type { HistoryPoint };
