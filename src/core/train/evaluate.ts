/**
 * Test loss and accuracy of a classifier over a whole set, in inference mode (dropout off,
 * batch-norm on its moving statistics), in batches so memory stays bounded. One forward pass:
 * O(count · model MACs); two scalars read back per batch.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy, type OutputKind } from './loss';
import type { Batch } from './tensorData';

export interface Evaluation {
  loss: number;
  accuracy: number;
}

export function evaluateClassifier(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, classes: number, kind: OutputKind, batchSize = 1000): Evaluation {
  return evaluateBatches(model, x.shape[0]!, (start, size) => ({ x: tf.slice(x, start, size), y: tf.slice(y, start, size) }), classes, kind, batchSize);
}

/** The same over a set given batch by batch (`batch` is called inside tf.tidy): an uploaded or a shared split. */
export function evaluateBatches(model: tf.LayersModel, count: number, batch: (start: number, size: number) => Batch, classes: number, kind: OutputKind, batchSize = 1000): Evaluation {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const [l, c] = tf.tidy(() => {
      const { x: xb, y: yb } = batch(start, size);
      const out = model.apply(xb, { training: false }) as tf.Tensor;
      const loss = tf.mul(crossEntropy(out, yb, classes, kind), size);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), yb), 'int32'));
      return [loss.dataSync()[0]!, hits.dataSync()[0]!];
    });
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / count, accuracy: correct / count };
}
