/**
 * Trains the bundled example model: an MLP 784 → 256 → 128 → 10 on real MNIST digits.
 *
 *   npx tsx examples/mnist-mlp/train.ts
 *
 * Only the MNIST test set ships with the project (data/mnist), so it is split: the first 8,000 digits
 * train, the last 2,000 test. Everything random is seeded — the kernel initialisers and the per-epoch
 * shuffle (our own `Random`; tfjs's `shuffle: true` uses Math.random) — so on the same backend a
 * rebuild gives the same weights. Hidden widths are multiples of 64 because pruning splits each layer's
 * channels into 64 groups.
 *
 * Writes examples/mnist-mlp/model/ (model.json + weights.bin, a plain TF.js model folder) and
 * examples/mnist-mlp/README.md with the numbers of this run.
 */
import * as tf from '@tensorflow/tfjs';
import { rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pairImagesLabels, parseIdx, splitFirstLast, toFloatPixels, type LabeledDataset } from '../../src/core/data/idx';
import { Random } from '../../src/core/random';
import { describeBackend, selectBackend } from '../../src/core/train/backend';
import { readMaybeGzip } from '../../src/io/readBytes';
import { saveLayersModelToFolder } from '../../src/io/tfjsModelFolder';

const SEED = 20250101;
const EPOCHS = 8;
const BATCH = 128;
const LEARNING_RATE = 1e-3;
const TRAIN_COUNT = 8000;

const root = resolve(__dirname, '..', '..');
const dataDir = join(root, 'data', 'mnist');
const outDir = join(__dirname, 'model');
const readmePath = join(__dirname, 'README.md');

export function buildMlp(seed: number): tf.Sequential {
  const rng = new Random(seed);
  const init = (): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: rng.int(2 ** 31) });
  const model = tf.sequential({ name: 'mnist_mlp' });
  model.add(tf.layers.dense({ name: 'dense_1', inputShape: [784], units: 256, activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.dense({ name: 'dense_2', units: 128, activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.dense({ name: 'dense_3', units: 10, activation: 'softmax', kernelInitializer: init() }));
  return model;
}

export async function loadMnist(dir: string): Promise<LabeledDataset> {
  const images = parseIdx(await readMaybeGzip(join(dir, 't10k-images-idx3-ubyte.gz')), 't10k-images-idx3-ubyte');
  const labels = parseIdx(await readMaybeGzip(join(dir, 't10k-labels-idx1-ubyte.gz')), 't10k-labels-idx1-ubyte');
  return pairImagesLabels(images, labels, { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' });
}

function oneHot(labels: Int32Array, indices: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(indices.length * classes);
  for (let j = 0; j < indices.length; j++) out[j * classes + labels[indices[j]!]!] = 1;
  return out;
}

export function accuracy(model: tf.LayersModel, x: tf.Tensor2D, labels: ArrayLike<number>): number {
  const pred = tf.tidy(() => (model.predict(x, { batchSize: 500 }) as tf.Tensor).argMax(-1).dataSync());
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) right++;
  return right / pred.length;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const backend = await selectBackend();
  console.log(`backend: ${describeBackend(backend)}`);

  const ds = await loadMnist(dataDir);
  const split = splitFirstLast(ds.count, TRAIN_COUNT);
  console.log(`data: MNIST t10k, ${ds.count} digits ${ds.itemShape.join('×')}; split: ${split.description}`);

  const trainX = toFloatPixels(ds, split.train);
  const trainY = oneHot(ds.labels, split.train, 10);
  const testLabels = split.test.map((i) => ds.labels[i]!);
  const testX = tf.tensor2d(toFloatPixels(ds, split.test), [split.test.length, 784]);

  const model = buildMlp(SEED);
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const shuffleRng = new Random(SEED).fork();
  const n = split.train.length;
  let trainSeconds = 0;
  let seen = 0;
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const order = shuffleRng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const xs = new Float32Array(n * 784);
    const ys = new Float32Array(n * 10);
    for (let j = 0; j < n; j++) {
      xs.set(trainX.subarray(order[j]! * 784, (order[j]! + 1) * 784), j * 784);
      ys.set(trainY.subarray(order[j]! * 10, (order[j]! + 1) * 10), j * 10);
    }
    const x = tf.tensor2d(xs, [n, 784]);
    const y = tf.tensor2d(ys, [n, 10]);
    const start = performance.now();
    const h = await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    const secs = (performance.now() - start) / 1000;
    x.dispose();
    y.dispose();
    trainSeconds += secs;
    seen += n;
    const loss = h.history['loss']![0] as number;
    const testAcc = accuracy(model, testX, testLabels);
    console.log(`epoch ${epoch}/${EPOCHS}: loss ${loss.toFixed(4)}, test accuracy ${(testAcc * 100).toFixed(2)} %, ${Math.round(n / secs)} examples/s`);
  }

  const testAcc = accuracy(model, testX, testLabels);
  const examplesPerSecond = Math.round(seen / trainSeconds);
  testX.dispose();
  await saveLayersModelToFolder(model, outDir, { overwrite: true });
  const totalSeconds = (performance.now() - t0) / 1000;
  const params = model.countParams();
  console.log(`test accuracy (last 2000 digits): ${(testAcc * 100).toFixed(2)} %`);
  console.log(`training: ${examplesPerSecond} examples/s, ${trainSeconds.toFixed(1)} s; total ${totalSeconds.toFixed(1)} s`);
  console.log(`wrote ${outDir} (${params} parameters)`);

  await writeReadme({ backend: describeBackend(backend), testAcc, examplesPerSecond, trainSeconds, params, split: split.description });
  console.log(`wrote ${readmePath}`);
}

async function writeReadme(r: { backend: string; testAcc: number; examplesPerSecond: number; trainSeconds: number; params: number; split: string }): Promise<void> {
  const text = `# Example: MNIST MLP

A small real model to try pruning on: a multilayer perceptron trained on real MNIST digits.

| | |
| --- | --- |
| architecture | Dense 784→256 ReLU (\`dense_1\`) → 128 ReLU (\`dense_2\`) → 10 softmax (\`dense_3\`), ${r.params.toLocaleString('en-US')} parameters |
| data | MNIST test set (t10k), 10,000 digits 28×28, pixels scaled to [0, 1] — see [data/mnist/PROVENANCE.md](../../data/mnist/PROVENANCE.md) |
| split | **${r.split}** (digits 0–7,999 train, 8,000–9,999 test); only the MNIST test set ships with the project |
| training | Adam (learning rate ${LEARNING_RATE}), batch ${BATCH}, ${EPOCHS} epochs, categorical cross-entropy; seed ${SEED} for the Glorot initialisers and the per-epoch shuffle |
| backend | ${r.backend} |
| throughput | ${r.examplesPerSecond.toLocaleString('en-US')} examples/s (${r.trainSeconds.toFixed(1)} s of training) |
| **test accuracy** | **${(r.testAcc * 100).toFixed(2)} %** on the last 2,000 digits |

\`model/\` is a plain TF.js layers-model folder (\`model.json\` + \`weights.bin\`, the layout tfjs-node's
\`file://\` handler writes); load it with \`tf.loadLayersModel\` or open it in the extension.

Hidden widths are multiples of 64 because pruning splits each layer's channels into 64 groups.

## Rebuild

\`\`\`sh
npx tsx examples/mnist-mlp/train.ts
\`\`\`

This rewrites \`model/\` and this README. Everything random is seeded, so on the same backend the
weights come out the same; throughput depends on the machine.
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
