/**
 * Test loss and accuracy of a classifier over a whole uploaded set, in inference mode (dropout off,
 * batch-norm on its moving statistics), in batches so memory stays bounded. One forward pass:
 * O(count · model MACs); two scalars read back per batch.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy, type OutputKind } from './loss';

export interface Evaluation {
  loss: number;
  accuracy: number;
}

export function evaluateClassifier(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, classes: number, kind: OutputKind, batchSize = 1000): Evaluation {
  const count = x.shape[0]!;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const [l, c] = tf.tidy(() => {
      const xb = tf.slice(x, start, size);
      const yb = tf.slice(y, start, size);
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
