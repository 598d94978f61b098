/**
 * Categorical cross-entropy for a single-output classifier, on whatever its last layer produces:
 *  - probabilities (a softmax output, the Keras default): −log p_y with p clipped to [ε, 1−ε], ε = 1e-7,
 *    exactly as Keras computes it (the log of an exact 0 would be −∞);
 *  - logits (a linear last layer): log-softmax, numerically stable (tf.losses.softmaxCrossEntropy).
 * Mean over the batch. O(batch · classes).
 */
import * as tf from '@tensorflow/tfjs';
import { RgpError } from '../errors';

export type OutputKind = 'probabilities' | 'logits';

const EPSILON = 1e-7;

/** What the model's output layer emits: a softmax (probabilities) or a linear layer (logits). */
export function outputKind(model: tf.LayersModel): OutputKind {
  const layer = (model.outputs[0] as tf.SymbolicTensor & { sourceLayer: tf.layers.Layer }).sourceLayer;
  const cls = layer.getClassName();
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  if (cls === 'Softmax' || activation === 'softmax') return 'probabilities';
  if (activation === 'linear' || (activation === undefined && cls !== 'Activation')) return 'logits';
  throw new RgpError(
    'UNSUPPORTED',
    `The model's output layer "${layer.name}" (${cls}) has activation "${String(activation)}"; training needs a classifier that ends in softmax (probabilities) or a linear layer (logits).`,
    'Train a model whose last layer is Dense with softmax or linear activation.',
  );
}

/** Mean cross-entropy of `output` [batch, classes] against integer labels [batch]. */
export function crossEntropy(output: tf.Tensor, labels: tf.Tensor1D, classes: number, kind: OutputKind): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, classes).asType('float32');
    if (kind === 'logits') return tf.losses.softmaxCrossEntropy(oneHot, output) as tf.Scalar;
    const p = tf.sum(tf.mul(output, oneHot), -1);
    return tf.neg(tf.mean(tf.log(tf.clipByValue(p, EPSILON, 1 - EPSILON)))) as tf.Scalar;
  });
}
