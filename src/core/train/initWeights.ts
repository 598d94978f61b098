/**
 * Re-initialising a loaded model's weights for training from scratch (RGP trains the masked network
 * from a fresh initialisation, arXiv 2110.15192 §4), each weight with the initializer its own layer
 * declares (Glorot for Keras Dense/Conv kernels, zeros for biases, ones for BN gammas, …), re-seeded from
 * one run seed so the same seed gives the same starting point on the same backend.
 *
 * A layer's config names its initializers by role (`kernelInitializer`, `biasInitializer`,
 * `depthwiseInitializer`, …) as `{className, config}`; the class is looked up in tfjs's serialization
 * registry (every built-in initializer is registered there) and rebuilt with the new seed. Initializers
 * without randomness ignore the seed. O(total weights).
 */
import * as tf from '@tensorflow/tfjs';
import { RgpError } from '../errors';
import { Random } from '../random';

/** Weight variable name (after `<layer>/`) → the config key of its initializer, where camelCase+Initializer does not fit. */
const INITIALIZER_KEY: Record<string, string> = {
  kernel: 'kernelInitializer',
  bias: 'biasInitializer',
  depthwise_kernel: 'depthwiseInitializer',
  pointwise_kernel: 'pointwiseInitializer',
  recurrent_kernel: 'recurrentInitializer',
  embeddings: 'embeddingsInitializer',
  gamma: 'gammaInitializer',
  beta: 'betaInitializer',
  moving_mean: 'movingMeanInitializer',
  moving_variance: 'movingVarianceInitializer',
};

interface SerializedInitializer {
  className: string;
  config: Record<string, unknown>;
}

type Registry = Record<string, [new (config: unknown) => unknown, (cls: unknown, config: unknown) => { apply(shape: number[], dtype?: tf.DataType): tf.Tensor }]>;

function initializerKey(variable: string): string {
  return INITIALIZER_KEY[variable] ?? `${variable.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}Initializer`;
}

/** Draws every weight of `model` afresh from its layer's initializer, seeded from `seed` in weight order. */
export function reinitialiseWeights(model: tf.LayersModel, seed: number): void {
  const rng = new Random(seed);
  const registry = tf.serialization.SerializationMap.getMap().classNameMap as unknown as Registry;
  for (const layer of model.layers) {
    const config = layer.getConfig() as Record<string, unknown>;
    for (const w of layer.weights) {
      // originalName is `<layer>/<variable>` (nested models may prefix more); the last part is the role.
      const variable = w.originalName.slice(w.originalName.lastIndexOf('/') + 1).replace(/:\d+$/, '');
      const spec = config[initializerKey(variable)] as SerializedInitializer | undefined;
      const entry = spec && typeof spec === 'object' ? registry[spec.className] : undefined;
      if (!spec || !entry) {
        throw new RgpError(
          'UNSUPPORTED',
          `Cannot re-initialise weight "${w.originalName}" of layer "${layer.name}" (${layer.getClassName()}): its layer declares no initializer tfjs knows${spec ? ` (${spec.className})` : ''}.`,
          'Fine-tune the trained weights instead (--mode finetune).',
        );
      }
      const draw = rng.int(2 ** 31);
      const init = entry[1](entry[0], { ...spec.config, seed: draw });
      const value = init.apply(w.shape as number[], w.dtype);
      w.write(value);
      value.dispose();
    }
  }
}
