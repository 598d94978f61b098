/**
 * What every long-running core function is handed: a way to report progress and a way to learn that
 * the user has cancelled. Core code stays synchronous-friendly: it polls `signal.throwIfCancelled()`
 * between units of work (a layer, a batch of swaps), so cancellation works even while the event loop
 * is blocked — the worker backs the signal with shared memory that the host writes.
 */
import { CancelledError } from './errors';

export interface CancelSignal {
  readonly cancelled: boolean;
  throwIfCancelled(): void;
}

export interface Progress {
  /** fraction in [0,1] when known; `message` is short and human ("reading shard 2 of 3"). */
  report(update: { fraction?: number; message: string }): void;
}

export interface JobContext {
  signal: CancelSignal;
  progress: Progress;
}

/** A signal that is cancelled by calling `cancel()`; for the CLI (Ctrl+C) and tests. */
export class CancelSource implements CancelSignal {
  private flag = false;
  get cancelled(): boolean {
    return this.flag;
  }
  cancel(): void {
    this.flag = true;
  }
  throwIfCancelled(): void {
    if (this.flag) throw new CancelledError();
  }
}

/** A signal backed by an Int32Array over a SharedArrayBuffer: slot 0 becomes 1 on cancel. */
export class SharedCancelSignal implements CancelSignal {
  constructor(private readonly cell: Int32Array) {}
  get cancelled(): boolean {
    return Atomics.load(this.cell, 0) !== 0;
  }
  throwIfCancelled(): void {
    if (this.cancelled) throw new CancelledError();
  }
}

export const neverCancelled: CancelSignal = {
  cancelled: false,
  throwIfCancelled() {},
};

export const silentProgress: Progress = { report() {} };

export const quietContext: JobContext = { signal: neverCancelled, progress: silentProgress };
