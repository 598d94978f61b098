/**
 * Runs one job in a fresh worker thread and turns its messages into a promise plus progress callbacks.
 * Host side of src/protocol/worker.ts; no `vscode` here so the CLI and tests use it too.
 *
 * Cancelling settles the promise at once with CancelledError (the user does not wait for the worker),
 * sets the shared cancel cell so a cooperative worker stops at its next check, and terminates the thread
 * if it has not exited after a short grace period. A result that arrives after cancellation is dropped.
 */
import { Worker } from 'node:worker_threads';
import { CancelledError, fromErrorInfo } from '../core/errors';
import type { SearchSample } from '../core/graph';
import type { SearchStart } from '../jobs/pruneModel';
import { WORKER_PROTOCOL_VERSION, type JobRequest, type JobResult, type WorkerStart, type WorkerToHost } from '../protocol/worker';

export interface RunJobOptions {
  onProgress?: (p: { fraction?: number; message: string }) => void;
  /** A graph search begins (prune jobs): its n, k and Moore bound. */
  onSearchStart?: (s: SearchStart) => void;
  /** Live samples of a graph search (prune jobs), for the ASPL history chart. */
  onSearchSample?: (s: SearchSample) => void;
  /** Records streamed by long jobs as they finish: a training epoch, a sweep run, a sparsification run. */
  onRecord?: (m: StreamedRecord) => void;
  signal?: AbortSignal;
  /** How long a cancelled worker may take to stop by itself before it is terminated. */
  graceMs?: number;
  /** Extra Node flags for the worker (tests run TypeScript sources through tsx). */
  execArgv?: string[];
}

export type StreamedRecord = Extract<WorkerToHost, { type: 'epoch' | 'sweepRun' | 'sparsifyRun' }>;

export interface RunningJob {
  result: Promise<JobResult>;
  /** Resolves when the worker thread has exited, whatever the outcome. */
  exited: Promise<number>;
}

export function startJob(workerScript: string | URL, request: JobRequest, opts: RunJobOptions = {}): RunningJob {
  const cancelCell = new SharedArrayBuffer(4);
  const start: WorkerStart = { version: WORKER_PROTOCOL_VERSION, request, cancelCell };
  const worker = new Worker(workerScript, { workerData: start, ...(opts.execArgv ? { execArgv: opts.execArgv } : {}) });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let settled = false;

  const result = new Promise<JobResult>((resolve, reject) => {
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = () => {
      Atomics.store(new Int32Array(cancelCell), 0, 1);
      const timer = setTimeout(() => void worker.terminate(), opts.graceMs ?? 2000);
      void exited.then(() => clearTimeout(timer));
      finish(() => reject(new CancelledError()));
    };
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (m: WorkerToHost) => {
      if (settled) return;
      switch (m.type) {
        case 'progress':
          opts.onProgress?.({ ...(m.fraction !== undefined ? { fraction: m.fraction } : {}), message: m.message });
          break;
        case 'searchStart':
          opts.onSearchStart?.(m.start);
          break;
        case 'searchSample':
          opts.onSearchSample?.(m.sample);
          break;
        case 'epoch':
        case 'sweepRun':
        case 'sparsifyRun':
          opts.onRecord?.(m);
          break;
        case 'result':
          finish(() => resolve(m.result));
          void worker.terminate();
          break;
        case 'error':
          finish(() => reject(fromErrorInfo(m.error)));
          void worker.terminate();
          break;
      }
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`The job worker stopped unexpectedly (exit code ${code}) before sending a result.`))),
    );
  });
  return { result, exited };
}
