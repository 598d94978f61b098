/**
 * The batches of a split read where it lies rather than uploaded whole to the backend: a job then holds
 * only the batch in use besides the split itself — and a pool's worker, whose split is shared read-only by
 * every worker (src/node/sharedDataset.ts), no copy of the data at all (with the wasm backend an upload is a
 * copy in each worker's wasm memory: 31 MB for 10,000 MNIST digits, 188 MB for the full 60,000). Copying
 * the rows here is also faster than the wasm backend's gather.
 * A training batch is copied row by row from the shared arrays; a test batch is a view of them, which the
 * backend copies as it makes the tensor. The batches equal the uploaded split's gathers and slices value for
 * value, so training gives the same numbers either way. O(batch size · item size) per batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetSplit } from '../data/dataset';
import type { DatasetFit, TensorSplit } from './tensorData';

export function inPlaceSplit(split: DatasetSplit, fit: DatasetFit): TensorSplit {
  const { train, test } = split;
  const size = train.itemSize;
  const shape = (count: number) => [count, ...fit.itemShape];
  return {
    trainBatch(indices) {
      const x = new Float32Array(indices.length * size);
      const y = new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) {
        const row = indices[i]!;
        x.set(train.x.subarray(row * size, (row + 1) * size), i * size);
        y[i] = train.y[row]!;
      }
      return { x: tf.tensor(x, shape(indices.length), 'float32'), y: tf.tensor1d(y, 'int32') };
    },
    testBatch(start, count) {
      return { x: tf.tensor(test.x.subarray(start * size, (start + count) * size), shape(count), 'float32'), y: tf.tensor1d(test.y.subarray(start, start + count), 'int32') };
    },
    trainCount: train.count,
    testCount: test.count,
    classes: fit.classes,
    itemShape: fit.itemShape,
    // Nothing was uploaded; the shared arrays belong to the pool's host.
    dispose() {},
  };
}
