/**
 * Messages between the extension host (or any Node host) and the job worker thread. One worker runs one
 * job; cancellation is a shared Int32 cell that the worker polls between units of work, so it is seen
 * even while the worker's event loop is busy.
 */
import type { ErrorInfo } from '../core/errors';
import type { SearchSample } from '../core/graph';
import type { ModelSummary } from '../core/model/layerSummary';
import type { PruneSummary } from '../core/prune/report';
import type { PruneOptions, SearchStart } from '../jobs/pruneModel';
import type { GraphStructure, GraphStructureOptions } from '../jobs/graphStructure';
import type { EpochRecord, SweepResult, SweepRun, TrainSummary } from '../core/train/results';
import type { TrainOptions } from '../jobs/trainModel';
import type { SweepOptions } from '../jobs/sweep';
import type { SparsifyOptions } from '../jobs/sparsify';
import type { SparsifyResult } from '../core/sparse/results';
import type { SparsifyRunDetail } from '../core/sparse/summary';
import type { GraphCommandOptions, GraphCommandOutput } from '../cli/graphCommand';
import type { TempChange } from '../io/tempRegistry';
import type { CompactOptions, CompactSummary } from '../jobs/compactModel';
import type { BenchOptions, BenchSummary } from '../jobs/benchModel';
import type { ConvertOptions, ConvertSummary } from '../jobs/convertModel';

export const WORKER_PROTOCOL_VERSION = 2;

/** Prune options that can cross a thread boundary (no callbacks). */
export type PruneJobOptions = Omit<PruneOptions, 'onSearchSample' | 'onSearchStart'>;

/** Train / sweep options that can cross a thread boundary (no callbacks; a dataset path or an in-memory split). */
export type TrainJobOptions = Omit<TrainOptions, 'onEpoch'>;
export type SweepJobOptions = Omit<SweepOptions, 'onRun'>;
/** GNN sparsification options that can cross a thread boundary. */
export type SparsifyJobOptions = Omit<SparsifyOptions, 'onRun'>;

export type JobRequest =
  /** `out` (CLI `inspect --out`): also write the summary there, under the output rule. */
  | { kind: 'inspect'; modelPath: string; out?: string; overwrite?: boolean }
  | { kind: 'prune'; modelPath: string; options: PruneJobOptions }
  /** A searched k-regular graph on n nodes (RGP: Show Graph Structure); streams searchStart/searchSample. */
  | ({ kind: 'graph' } & GraphStructureOptions)
  /** Masked training / fine-tuning (streams `epoch`). */
  | { kind: 'train'; modelPath: string; options: TrainJobOptions }
  /** A ratio × graph × seed experiment (streams `sweepRun`). */
  | { kind: 'sweep'; modelPath: string; options: SweepJobOptions; workers?: number }
  /** Train-and-prune vs sparse training vs RGP on a graph model (streams `sparsifyRun`). */
  | { kind: 'sparsify'; options: SparsifyJobOptions; workers?: number }
  /** `rgp graph` as the CLI runs it: search or evaluate, options as typed (validated in the worker). */
  | { kind: 'graphCommand'; options: Omit<GraphCommandOptions, never> }
  /** Compact ONNX from a pruned folder (issue 13): model.compact.onnx + its report. */
  | { kind: 'compact'; folder: string; options: CompactOptions }
  /** Dense vs compact latency in onnxruntime-node; `out` (CLI `bench --out`): also write the result there, under the output rule. */
  | { kind: 'bench'; modelPath: string; options: BenchOptions; out?: string; overwrite?: boolean }
  /** A Keras layers model moved between formats (`rgp convert`). */
  | { kind: 'convert'; modelPath: string; options: ConvertOptions }
  /**
   * One cell of a plan (`rgp run-cell`): `index` as given (--index), else `completionIndex`
   * ($JOB_COMPLETION_INDEX of a Kubernetes Indexed Job); both checked against the plan in the worker.
   */
  | { kind: 'runCell'; planPath: string; index?: string; completionIndex?: string; out: string }
  /** The cells of a plan checked and merged into results.json + results.csv (`rgp merge`). */
  | { kind: 'merge'; planPath: string; cellsDir: string; out: string; overwrite?: boolean };
/** `workers` > 1 (sweep, sparsify): the job's cells run on that many nested worker threads (src/node/cellPool.ts), streamed as they finish. */

export type JobResult =
  | { kind: 'inspect'; summary: ModelSummary }
  | { kind: 'prune'; summary: PruneSummary }
  | { kind: 'graph'; graph: GraphStructure }
  | { kind: 'train'; summary: TrainSummary }
  | { kind: 'sweep'; result: SweepResult }
  | { kind: 'sparsify'; result: SparsifyResult }
  | { kind: 'graphCommand'; output: GraphCommandOutput }
  | { kind: 'compact'; summary: CompactSummary }
  | { kind: 'bench'; summary: BenchSummary }
  | { kind: 'convert'; summary: ConvertSummary }
  | { kind: 'runCell'; cell: number; key: string; file: string; seconds: number }
  | { kind: 'merge'; runs: number; files: string[] };

/** Sent once, as workerData, when the worker is created. */
export interface WorkerStart {
  version: typeof WORKER_PROTOCOL_VERSION;
  request: JobRequest;
  /** Int32Array(1) over this buffer: slot 0 becomes 1 when the host cancels. */
  cancelCell: SharedArrayBuffer;
}

export type WorkerToHost =
  | { type: 'progress'; fraction?: number; message: string }
  | { type: 'searchStart'; start: SearchStart }
  | { type: 'searchSample'; sample: SearchSample }
  /** A training epoch finished (train jobs). */
  | { type: 'epoch'; record: EpochRecord }
  /** A sweep run finished (sweep jobs). */
  | { type: 'sweepRun'; run: SweepRun }
  /** A sparsification run finished (sparsify jobs). */
  | { type: 'sparsifyRun'; run: SparsifyRunDetail }
  /** A temporary folder or file appeared or went (src/io/tempRegistry.ts): the host removes what is left if it stops the worker. */
  | { type: 'temp'; change: TempChange }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; error: ErrorInfo };
