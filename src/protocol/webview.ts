/**
 * Messages between the extension host and the RGP webview. The webview draws only what it is sent;
 * it answers `ready` when its script has loaded and `rendered` after each view is drawn (tests and the
 * host use that to know what the user is actually looking at).
 */
import type { SearchSample } from '../core/graph';
import type { ModelSummary } from '../core/model/layerSummary';
import type { PruneSummary } from '../core/prune/report';
import type { SearchStart } from '../jobs/pruneModel';
import type { SweepResult, SweepRun } from '../core/train/results';
import type { SparsifyResult, SparsifyRun } from '../core/sparse/results';
import type { CompactSummary } from '../jobs/compactModel';
import type { BenchSummary } from '../jobs/benchModel';

/** A regular graph to draw: flat n×k neighbour list (row i = the k neighbours of node i). */
export interface TopologyGraph {
  n: number;
  k: number;
  adjacency: number[];
  aspl: number;
  /** What it is, e.g. "searched, seed 1" or "ring lattice". */
  label: string;
}

export const WEBVIEW_PROTOCOL_VERSION = 3;

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export type HostToWebview =
  /**
   * `continues`: the job adds to a pruning run's view (Export Compact ONNX, Measure Speed on its output
   * folder): when the view shows that run (its output folder), its sections stay; otherwise it starts empty.
   */
  | { type: 'job'; title: string; state: JobState; message?: string; continues?: string }
  | { type: 'progress'; fraction?: number; message: string }
  | { type: 'modelSummary'; modelPath: string; summary: ModelSummary }
  | { type: 'searchStart'; start: SearchStart }
  | { type: 'searchSample'; sample: SearchSample }
  | { type: 'pruneResult'; summary: PruneSummary }
  /** The regular graph of a pruning run (or one loaded with Show Graph Structure). */
  | { type: 'topology'; graph: TopologyGraph }
  /** A ratio sweep started: clears the experiment view. */
  | { type: 'sweepStart'; ratios: number[]; graphs: SweepResult['graphs']; seeds: number[] }
  /** One finished cell of a running sweep (drawn as it arrives). */
  | { type: 'sweepRun'; run: SweepRun }
  | { type: 'sweepResult'; result: SweepResult }
  | { type: 'sparsifyRun'; run: SparsifyRun }
  | { type: 'sparsifyResult'; result: SparsifyResult }
  /** The compact ONNX model written from a pruning run's folder: file sizes, weights stored, realizations. */
  | { type: 'compactResult'; summary: CompactSummary }
  /** Measured latency of the pruning run's model (dense ops) and its compact form. */
  | { type: 'benchResult'; summary: BenchSummary };

/**
 * `layers`: parameters per layer; `aspl`: the search's ASPL history; `sparsity`: dense vs pruned per layer;
 * `topology`: the regular graph on canvas; `experiment`: sweep accuracy vs ratio and vs ASPL;
 * `sparsify`: sparsification accuracy vs sparsity and vs training FLOPs.
 */
export type RenderedView = 'layers' | 'aspl' | 'sparsity' | 'topology' | 'experiment' | 'sparsify' | 'compact' | 'bench';

/** Commands the view's buttons ask the host to run, on a pruning run's output folder. */
export type ViewCommand = 'rgp.exportCompact' | 'rgp.measureSpeed';

export type WebviewToHost =
  | { type: 'ready'; version: typeof WEBVIEW_PROTOCOL_VERSION }
  | { type: 'rendered'; view: RenderedView; items: number; labels: string[] }
  | { type: 'error'; message: string }
  /** A button in the view (Export Compact ONNX, Measure Speed) on the pruned folder it shows. */
  | { type: 'run'; command: ViewCommand; folder: string };

/** State the webview keeps across reloads (vscode.setState) so a restored panel redraws at once. */
export interface WebviewState {
  version: typeof WEBVIEW_PROTOCOL_VERSION;
  last?: Extract<HostToWebview, { type: 'modelSummary' }>;
  prune?: Extract<HostToWebview, { type: 'pruneResult' }>;
  job?: Extract<HostToWebview, { type: 'job' }>;
  topology?: Extract<HostToWebview, { type: 'topology' }>;
  /** The topology layout the user picked, kept across reloads. */
  topologyLayout?: 'circular' | 'force';
  sweep?: Extract<HostToWebview, { type: 'sweepResult' }>;
  sparsify?: Extract<HostToWebview, { type: 'sparsifyResult' }>;
  compact?: Extract<HostToWebview, { type: 'compactResult' }>;
  bench?: Extract<HostToWebview, { type: 'benchResult' }>;
  /** The last job's graph search as drawn (Show Graph has no result message that carries it). */
  aspl?: { mooreBound?: number; n?: number; k?: number; points: { t: number; aspl: number }[] };
  /** The page's scroll position, restored with the rest. */
  scrollY?: number;
}
