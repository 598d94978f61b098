/**
 * Builds and trains the bundled ResNet-style example (examples/mnist-resnet/build.ts) on real MNIST digits.
 *
 *   npx tsx examples/mnist-resnet/train.ts
 *
 * Only the MNIST test set ships with the project (data/mnist): the first 8,000 digits train, the last 2,000
 * test (as examples/mnist-mlp). Training is short (a starting point to fine-tune or prune; RGP's own
 * experiments retrain from scratch, see docs/experiments/mnist-resnet-sweep.md): SGD with momentum 0.9,
 * learning rate 0.05, batch 128, L2-free, 2 epochs, through tfjs `fit` with `shuffle: false` over our own
 * seeded per-epoch order. Everything random is seeded, so on the same backend a rebuild gives the same
 * weights.
 *
 * Writes examples/mnist-resnet/model/ (model.json + weights.bin) and examples/mnist-resnet/README.md.
 */
import * as tf from '@tensorflow/tfjs';
import { rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { splitFirstLast, toFloatPixels } from '../../src/core/data/idx';
import { Random } from '../../src/core/random';
import { describeBackend, selectBackend } from '../../src/core/train/backend';
import { saveLayersModelToFolder } from '../../src/io/tfjsModelFolder';
import { accuracy, loadMnist } from '../mnist-mlp/train';
import { buildResNet } from './build';

const SEED = 20250202;
const EPOCHS = 2;
const BATCH = 128;
const LEARNING_RATE = 0.05;
const TRAIN_COUNT = 8000;

const root = resolve(__dirname, '..', '..');
const outDir = join(__dirname, 'model');
const readmePath = join(__dirname, 'README.md');

async function main(): Promise<void> {
  const t0 = performance.now();
  const backend = await selectBackend();
  console.log(`backend: ${describeBackend(backend)}`);
  const ds = await loadMnist(join(root, 'data', 'mnist'));
  const split = splitFirstLast(ds.count, TRAIN_COUNT);
  const trainX = toFloatPixels(ds, split.train);
  const testX = tf.tensor4d(toFloatPixels(ds, split.test), [split.test.length, 28, 28, 1]);
  const testLabels = split.test.map((i) => ds.labels[i]!);

  const model = buildResNet(SEED);
  model.compile({ optimizer: tf.train.momentum(LEARNING_RATE, 0.9), loss: 'categoricalCrossentropy' });
  const rng = new Random(SEED).fork();
  const n = split.train.length;
  let trainSeconds = 0;
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const xs = new Float32Array(n * 784);
    const ys = new Float32Array(n * 10);
    for (let j = 0; j < n; j++) {
      xs.set(trainX.subarray(order[j]! * 784, (order[j]! + 1) * 784), j * 784);
      ys[j * 10 + ds.labels[split.train[order[j]!]!]!] = 1;
    }
    const x = tf.tensor4d(xs, [n, 28, 28, 1]);
    const y = tf.tensor2d(ys, [n, 10]);
    const start = performance.now();
    const h = await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    trainSeconds += (performance.now() - start) / 1000;
    x.dispose();
    y.dispose();
    console.log(`epoch ${epoch}/${EPOCHS}: loss ${(h.history['loss']![0] as number).toFixed(4)}, test accuracy ${(100 * accuracy(model, testX as unknown as tf.Tensor2D, testLabels)).toFixed(2)} %`);
  }
  const testAcc = accuracy(model, testX as unknown as tf.Tensor2D, testLabels);
  testX.dispose();
  await saveLayersModelToFolder(model, outDir, { overwrite: true });
  const params = model.countParams();
  console.log(`test accuracy (last 2000 digits): ${(testAcc * 100).toFixed(2)} %; ${params} parameters; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await writeReadme({ backend: describeBackend(backend), testAcc, examplesPerSecond: Math.round((EPOCHS * n) / trainSeconds), params, split: split.description });
}

async function writeReadme(r: { backend: string; testAcc: number; examplesPerSecond: number; params: number; split: string }): Promise<void> {
  const text = `# Example: a ResNet-style CNN with batch normalisation for MNIST

A small residual network (He et al. 2016 basic blocks, BatchNormalization after every conv) to try RGP where
its paper tested it: a signal crossing many masked layers. Built by [build.ts](build.ts), trained by
[train.ts](train.ts).

| | |
| --- | --- |
| architecture | stem conv 3×3/2, 16 → BN → ReLU → max-pool 2 (7×7×16); stage 1: 2 basic blocks, 16 channels; stage 2: 1 block, 32 channels, stride 2, 1×1 projection shortcut; stage 3: 1 block, 64 channels, stride 2, 1×1 shortcut; global average pool → Dense 10 softmax. ${r.params.toLocaleString('en-US')} parameters |
| RGP masks | 8 masked 3×3 convs (\`s*b*_conv1\`, \`s*b*_conv2\`) and 2 masked 1×1 shortcuts (\`s2b1_shortcut\`, \`s3b1_shortcut\`); the stem conv and the classifier stay dense (RGP's default). The narrowest masked layer has 16 channels: n ≤ 16 |
| data | MNIST test set (t10k), 10,000 digits 28×28, pixels scaled to [0, 1] — see [data/mnist/PROVENANCE.md](../../data/mnist/PROVENANCE.md) |
| split | **${r.split}** (digits 0–7,999 train, 8,000–9,999 test) |
| training | SGD momentum 0.9, learning rate ${LEARNING_RATE}, batch ${BATCH}, ${EPOCHS} epochs (a starting point, not converged); seed ${SEED} for the He-normal initialisers and the per-epoch order |
| backend | ${r.backend}, ${r.examplesPerSecond.toLocaleString('en-US')} examples/s on a shared machine |
| **test accuracy** | **${(r.testAcc * 100).toFixed(2)} %** on the last 2,000 digits |

The RGP experiment on this model (from scratch, RGP's recipe) is in
[docs/experiments/mnist-resnet-sweep.md](../../docs/experiments/mnist-resnet-sweep.md).

## Rebuild

\`\`\`sh
npx tsx examples/mnist-resnet/train.ts
\`\`\`
`;
  const tmp = `${readmePath}.rgp-tmp-${process.pid}`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, readmePath);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error && e.name === 'RgpError' ? (e as Error & { userMessage: string }).userMessage : e);
    process.exitCode = 1;
  });
}
