/**
 * The bundled ResNet-style example: a small CIFAR-style ResNet (He et al., "Deep Residual Learning for Image
 * Recognition", CVPR 2016 — basic blocks of two 3×3 convs with batch normalisation, an identity shortcut, and
 * a 1×1 stride-2 projection shortcut where a stage halves the map and doubles the width) sized for MNIST on
 * one CPU core. RGP's evidence (arXiv 2110.15192) is on networks of this kind: a signal crosses many masked
 * layers, each followed by BatchNormalization.
 *
 *   stem     conv 3×3, 16, stride 2 → BN → ReLU                28×28×1 → 14×14×16 (RGP keeps it dense)
 *   stage 1  2 blocks, 16 channels                             14×14
 *   stage 2  1 block, 32 channels, stride 2, 1×1 shortcut      7×7
 *   stage 3  1 block, 64 channels, stride 2, 1×1 shortcut      4×4
 *   head     global average pool → Dense 10 softmax           (RGP keeps it dense)
 *
 * 8 masked 3×3 convs and 2 masked 1×1 shortcut convs; the narrowest masked layer has 16 channels, so
 * n ≤ 16. Convs have no bias (BN follows each). Every random choice (the He-normal kernel initialisers) is
 * seeded from `seed`. O(1) to build; ≈ 3.4 M multiply-accumulates per 28×28 digit.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../src/core/random';

export const STAGES = [
  { blocks: 2, width: 16, stride: 1 },
  { blocks: 1, width: 32, stride: 2 },
  { blocks: 1, width: 64, stride: 2 },
] as const;

export function buildResNet(seed: number): tf.LayersModel {
  const rng = new Random(seed);
  const init = (): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: rng.int(2 ** 31) });
  const conv = (x: tf.SymbolicTensor, name: string, filters: number, size: number, strides: number): tf.SymbolicTensor =>
    tf.layers.conv2d({ name, filters, kernelSize: size, strides, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  const bn = (x: tf.SymbolicTensor, name: string): tf.SymbolicTensor => tf.layers.batchNormalization({ name, momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor, name: string): tf.SymbolicTensor => tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;

  const input = tf.input({ name: 'digit', shape: [28, 28, 1] });
  const stem = relu(bn(conv(input, 'stem_conv', 16, 3, 2), 'stem_bn'), 'stem_relu');
  let x = tf.layers.maxPooling2d({ name: 'stem_pool', poolSize: 2, strides: 2, padding: 'same' }).apply(stem) as tf.SymbolicTensor;
  let width = 16;
  STAGES.forEach((stage, s) => {
    for (let b = 0; b < stage.blocks; b++) {
      const p = `s${s + 1}b${b + 1}`;
      const strides = b === 0 ? stage.stride : 1;
      let y = relu(bn(conv(x, `${p}_conv1`, stage.width, 3, strides), `${p}_bn1`), `${p}_relu1`);
      y = bn(conv(y, `${p}_conv2`, stage.width, 3, 1), `${p}_bn2`);
      const shortcut = strides !== 1 || width !== stage.width ? bn(conv(x, `${p}_shortcut`, stage.width, 1, strides), `${p}_shortcut_bn`) : x;
      x = relu(tf.layers.add({ name: `${p}_add` }).apply([y, shortcut]) as tf.SymbolicTensor, `${p}_relu2`);
      width = stage.width;
    }
  });
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'classifier', units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: rng.int(2 ** 31) }) }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ name: 'mnist_resnet', inputs: input, outputs: out });
}
