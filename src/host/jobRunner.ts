/**
 * Runs one job in a fresh worker thread and turns its messages into a promise plus progress callbacks.
 * Host side of src/protocol/worker.ts; no `vscode` here so the CLI and tests use it too.
 *
 * Cancelling settles the promise at once with CancelledError (the user does not wait for the worker),
 * sets the shared cancel cell so a cooperative worker stops at its next check, and terminates the thread
 * if it has not exited after a short grace period. A result that arrives after cancellation is dropped.
 * With `waitOnCancel` (the CLI) the promise instead settles with what the worker sends within the grace
 * period — a cancelled training run's summary of its kept checkpoint, say — and with CancelledError if
 * the worker has to be terminated.
 *
 * Temporary folders the worker reports are mirrored into this process's list (src/io/tempRegistry.ts),
 * and whatever is still listed when the worker exits — it was terminated mid-write — is removed (an old
 * output moved aside is put back) before `exited` resolves.
 */
import { Worker, type TransferListItem } from 'node:worker_threads';
import { applyTempChange, cleanTempsSync, type TempEntry } from '../io/tempRegistry';
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
  /** On cancel, wait (up to graceMs) for the worker's own answer instead of settling at once. */
  waitOnCancel?: boolean;
  /** Objects in the request moved to the worker rather than copied (a pool's dataset channel, src/node/sharedDataset.ts). */
  transfer?: TransferListItem[];
}

export type StreamedRecord = Extract<WorkerToHost, { type: 'epoch' | 'sweepRun' | 'sparsifyRun' }>;

export interface RunningJob {
  result: Promise<JobResult>;
  /** Resolves when the worker thread has exited and its leftover temporary folders are removed. */
  exited: Promise<number>;
  /** Stops the worker now (a second Ctrl+C): the result settles with CancelledError; leftovers are still removed. */
  terminate(): void;
}

export function startJob(workerScript: string | URL, request: JobRequest, opts: RunJobOptions = {}): RunningJob {
  const cancelCell = new SharedArrayBuffer(4);
  const start: WorkerStart = { version: WORKER_PROTOCOL_VERSION, request, cancelCell };
  const worker = new Worker(workerScript, { workerData: start, ...(opts.execArgv ? { execArgv: opts.execArgv } : {}), ...(opts.transfer ? { transferList: opts.transfer } : {}) });
  // This job's temporary folders still on disk; removed here once the worker is gone.
  const temps = new Map<string, TempEntry>();
  const exited = new Promise<number>((resolve) =>
    worker.once('exit', (code) => {
      cleanLeftovers(temps);
      resolve(code);
    }),
  );
  let settled = false;
  let settleCancelled: () => void = () => {};

  const result = new Promise<JobResult>((resolve, reject) => {
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    settleCancelled = () => finish(() => reject(new CancelledError()));
    const onAbort = () => {
      Atomics.store(new Int32Array(cancelCell), 0, 1);
      const timer = setTimeout(() => {
        void worker.terminate();
        settleCancelled();
      }, opts.graceMs ?? 2000);
      void exited.then(() => clearTimeout(timer));
      if (!opts.waitOnCancel) settleCancelled();
    };
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (m: WorkerToHost) => {
      if (m.type === 'temp') {
        if (m.change.op === 'add') temps.set(m.change.entry.path, m.change.entry);
        else temps.delete(m.change.path);
        applyTempChange(m.change);
        return;
      }
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
    // The worker died: an exception nothing caught (its stack is the worker's), or the thread ended
    // without an answer. Either way the job is over and says so; `exited` still cleans its temporaries.
    worker.on('error', (e) => finish(() => reject(workerCrashed(e))));
    worker.on('exit', (code) =>
      finish(() => reject(opts.signal?.aborted ? new CancelledError() : new Error(`The job's worker thread stopped unexpectedly (exit code ${code}) before it finished.`))),
    );
  });
  const terminate = () => {
    Atomics.store(new Int32Array(cancelCell), 0, 1);
    void worker.terminate();
    settleCancelled();
  };
  return { result, exited, terminate };
}

/** An uncaught exception in the worker, said as what it is for the job: the worker crashed. */
function workerCrashed(e: unknown): Error {
  const cause = e instanceof Error ? e : new Error(String(e));
  const err = new Error(`The job's worker thread crashed: ${cause.message}`);
  if (cause.stack) err.stack = `${err.message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

/** Removes (or puts back) the temporary entries a stopped worker left, through the process-wide list. */
function cleanLeftovers(temps: Map<string, TempEntry>): void {
  if (temps.size === 0) return;
  // Only this job's entries: mark the others as not ours for the duration of the sweep.
  cleanTempsSync([...temps.keys()]);
  temps.clear();
}
