/**
 * A dataset read once by the host and shared, read-only, by every worker of a pool: its arrays are copied
 * once into SharedArrayBuffers, which cross a thread boundary without being copied again (structured clone
 * shares them). Each worker then holds only its own cell's model and tensors, not its own copy of the data.
 * The split's name is the dataset's absolute path, the label a job gives a dataset it reads itself, so the
 * results are those of a serial run.
 *
 * The pool starts its workers before the host has read the dataset (a worker's start-up — its bundle, the
 * wasm backend, the model — and the host's reading then overlap): each worker gets one end of a
 * MessageChannel in its job options and receives the split there once it is read. A host that gives up
 * first (a cancel, a worker's error, an unreadable dataset) closes its end; the waiting worker then stops
 * as cancelled.
 */
import * as path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { DatasetSplit, TensorDataset } from '../core/data/dataset';
import { CancelledError } from '../core/errors';
import type { JobContext } from '../core/job';
import { loadDataset } from '../io/dataset';

function shared(d: TensorDataset): TensorDataset {
  const x = new Float32Array(new SharedArrayBuffer(d.x.byteLength));
  x.set(d.x);
  const y = new Int32Array(new SharedArrayBuffer(d.y.byteLength));
  y.set(d.y);
  return { count: d.count, itemShape: [...d.itemShape], itemSize: d.itemSize, x, y, classes: d.classes };
}

export async function loadSharedDataset(datasetPath: string, limit: number | undefined, ctx: JobContext): Promise<DatasetSplit> {
  const split = await loadDataset(datasetPath, { ...(limit !== undefined ? { limit } : {}), ctx: { signal: ctx.signal, progress: { report() {} } } });
  return { train: shared(split.train), test: shared(split.test), description: split.description, name: path.resolve(datasetPath) };
}

/** In a pool worker's job options, in place of the dataset: where the host will send it (plain data: it crosses to the worker in its transfer list). */
export interface DatasetPort {
  port: MessagePort;
}

export function isDatasetPort(d: unknown): d is DatasetPort {
  return typeof d === 'object' && d !== null && 'port' in d;
}

/** Host side, one per worker: `port` goes to the worker (in its transfer list); `send` or `close` once. */
export function datasetChannel(): { port: MessagePort; send(split: DatasetSplit): void; close(): void } {
  const { port1, port2 } = new MessageChannel();
  let done = false;
  return {
    port: port2,
    send(split) {
      if (done) return;
      done = true;
      // Not closed after sending: a close could overtake the message; the worker closes its end on receipt.
      port1.postMessage(split);
      port1.unref();
    },
    close() {
      if (done) return;
      done = true;
      port1.close();
    },
  };
}

/** Worker side: the split the host sends, or CancelledError when the host closes the channel instead. */
export function receiveDataset({ port }: DatasetPort): Promise<DatasetSplit> {
  const split = new Promise<DatasetSplit>((resolve, reject) => {
    port.once('message', (m: DatasetSplit) => {
      resolve(m);
      port.close();
    });
    port.once('close', () => reject(new CancelledError()));
  });
  // A job that failed before it awaited the split must not die again of this rejection when the host closes.
  split.catch(() => undefined);
  return split;
}
