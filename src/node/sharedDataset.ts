/**
 * A dataset read once by the host and shared, read-only, by every worker of a pool: its arrays are copied
 * once into SharedArrayBuffers, which cross a thread boundary without being copied again (structured clone
 * shares them). Each worker then holds only its own cell's model and tensors, not its own copy of the data.
 * The split's name is the dataset's absolute path, the label a job gives a dataset it reads itself, so the
 * results are those of a serial run.
 */
import * as path from 'node:path';
import type { DatasetSplit, TensorDataset } from '../core/data/dataset';
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
