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

export const WORKER_PROTOCOL_VERSION = 2;

/** Prune options that can cross a thread boundary (no callbacks). */
export type PruneJobOptions = Omit<PruneOptions, 'onSearchSample' | 'onSearchStart'>;

export type JobRequest =
  | { kind: 'inspect'; modelPath: string }
  | { kind: 'prune'; modelPath: string; options: PruneJobOptions };

export type JobResult =
  | { kind: 'inspect'; summary: ModelSummary }
  | { kind: 'prune'; summary: PruneSummary };

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
  | { type: 'result'; result: JobResult }
  | { type: 'error'; error: ErrorInfo };
