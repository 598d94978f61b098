/**
 * The masked training core on real MNIST digits and the bundled MLP: the cosine schedule, seeded
 * re-initialisation, pruned weights held at +0 through SGD and Adam, no tensor leaks across epochs,
 * reproducible runs, cancellation between batches, and the dataset-vs-model checks.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DatasetSplit } from '../../src/core/data/dataset';
import { isRgpError } from '../../src/core/errors';
import { CancelSource, neverCancelled } from '../../src/core/job';
import { buildLayerGraph } from '../../src/core/model/layerGraph';
import { planPruning } from '../../src/core/prune/plan';
import { selectBackend } from '../../src/core/train/backend';
import { resolveTrainConfig } from '../../src/core/train/config';
import { reinitialiseWeights } from '../../src/core/train/initWeights';
import { outputKind } from '../../src/core/train/loss';
import { applyMasks, bindMasks, disposeMasks, maskedMaxAbs } from '../../src/core/train/maskBinding';
import { buildMaskGraph } from '../../src/core/train/maskGraph';
import { densePlan, planFromGraph } from '../../src/core/train/maskPlan';
import { trainMasked } from '../../src/core/train/maskedTraining';
import { learningRateAt } from '../../src/core/train/schedule';
import { checkDatasetFits, uploadSplit } from '../../src/core/train/tensorData';
import { loadDataset } from '../../src/io/dataset';
import { readModelJson } from '../../src/io/modelFolder';
import { loadLayersModelFromFolder } from '../../src/io/tfjsModelFolder';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, 'examples', 'mnist-mlp', 'model');
let mnist: DatasetSplit;
let small: DatasetSplit;

before(async () => {
  await selectBackend();
  mnist = await loadDataset(join(ROOT, 'data', 'mnist'), { limit: 3000 });
  small = await loadDataset(join(ROOT, 'data', 'mnist'), { limit: 600 });
});

/** The example MLP with dense_2 (or, with maskFirst, dense_1 and dense_2) masked by a k-regular graph on 64 nodes. */
async function maskedMlp(k: number, kind: 'searched' | 'ring', maskFirst = false) {
  const model = await loadLayersModelFromFolder(MODEL);
  const layerGraph = buildLayerGraph(await readModelJson(join(MODEL, 'model.json')));
  const prunePlan = planPruning(layerGraph, { groups: 64, keepFirst: !maskFirst, keepLast: true, keepDense: [] });
  const plan = planFromGraph(layerGraph, prunePlan, buildMaskGraph(kind, 64, k, 1, { swaps: 2000 }));
  return { model, plan, layerGraph };
}

test('cosine learning rate: η₀ at the first step, η₀/2 halfway, near 0 at the end; constant stays', () => {
  assert.equal(learningRateAt('cosine', 0.1, 0, 100), 0.1);
  assert.ok(Math.abs(learningRateAt('cosine', 0.1, 50, 100) - 0.05) < 1e-12);
  assert.ok(learningRateAt('cosine', 0.1, 99, 100) > 0 && learningRateAt('cosine', 0.1, 99, 100) < 1e-4);
  assert.equal(learningRateAt('constant', 0.1, 99, 100), 0.1);
});

test('re-initialisation draws from each layer\'s own initializer, seeded', async () => {
  const a = await loadLayersModelFromFolder(MODEL);
  const b = await loadLayersModelFromFolder(MODEL);
  const trained = Float32Array.from(a.getWeights()[0]!.dataSync());
  reinitialiseWeights(a, 7);
  reinitialiseWeights(b, 7);
  const wa = a.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const wb = b.getWeights().map((w) => Float32Array.from(w.dataSync()));
  wa.forEach((w, i) => assert.deepEqual(w, wb[i], `weight ${i} equal for equal seeds`));
  assert.notDeepEqual(wa[0], trained, 'the trained kernel is replaced');
  // dense_1/kernel: Glorot uniform, limit √(6/(784+256)) ≈ 0.076; dense_1/bias: zeros.
  const limit = Math.sqrt(6 / (784 + 256));
  assert.ok(wa[0]!.every((v) => Math.abs(v) <= limit) && wa[0]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0) > 0.9 * limit);
  assert.ok(wa[1]!.every((v) => v === 0));
  reinitialiseWeights(b, 8);
  assert.notDeepEqual(Float32Array.from(b.getWeights()[0]!.dataSync()), wa[0]);
  a.dispose();
  b.dispose();
});

test('masked SGD training on 3,000 MNIST digits reaches > 85 % with pruned weights at +0 and no tensor leak', async () => {
  const { model, plan } = await maskedMlp(4, 'searched');
  assert.deepEqual(plan.kernels.map((k) => k.weight), ['dense_2/kernel']);
  const config = resolveTrainConfig({ epochs: 5, seed: 1 });
  reinitialiseWeights(model, config.seed);
  const masks = bindMasks(model, plan.kernels);
  applyMasks(masks);
  const data = uploadSplit(mnist, checkDatasetFits(model, mnist));
  const live: number[] = [];
  const result = await trainMasked(model, data, { config, outputKind: outputKind(model), masks, signal: neverCancelled, onEpoch: () => void live.push(tf.memory().numTensors) });
  assert.equal(result.cancelled, false);
  assert.equal(result.curve.length, 5);
  const last = result.curve[4]!;
  assert.ok(last.testAccuracy > 0.85, `test accuracy ${last.testAccuracy}`);
  assert.ok(result.curve[4]!.loss < result.curve[0]!.loss, 'the training loss falls');
  assert.ok(live.every((n) => n === live[0]), `live tensors per epoch: ${live.join(', ')}`);
  // Exactly +0 (bit pattern 0) at every pruned position; the kept entries are trained (non-zero).
  assert.equal(maskedMaxAbs(masks), 0);
  const kernel = new Uint32Array(model.weights.find((w) => w.originalName === 'dense_2/kernel')!.read().dataSync().slice().buffer);
  const mask = plan.kernels[0]!.mask;
  let keptNonZero = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) assert.equal(kernel[i], 0, `pruned entry ${i} is +0`);
    else if (kernel[i] !== 0) keptNonZero++;
  }
  assert.equal(keptNonZero, plan.kernels[0]!.kept);
  data.dispose();
  disposeMasks(masks);
  model.dispose();
});

test('Adam keeps pruned weights at zero too, and the same seed gives the same run', async () => {
  const run = async () => {
    const { model, plan } = await maskedMlp(8, 'ring', true);
    const config = resolveTrainConfig({ epochs: 1, seed: 5, optimizer: 'adam' });
    reinitialiseWeights(model, config.seed);
    const masks = bindMasks(model, plan.kernels);
    applyMasks(masks);
    const data = uploadSplit(mnist, checkDatasetFits(model, mnist));
    const r = await trainMasked(model, data, { config, outputKind: outputKind(model), masks, signal: neverCancelled });
    const zero = maskedMaxAbs(masks);
    data.dispose();
    disposeMasks(masks);
    model.dispose();
    return { curve: r.curve, zero };
  };
  const a = await run();
  const b = await run();
  assert.equal(a.zero, 0);
  assert.ok(a.curve[0]!.testAccuracy > 0.3, `accuracy after one Adam epoch ${a.curve[0]!.testAccuracy}`);
  assert.equal(a.curve[0]!.testAccuracy, b.curve[0]!.testAccuracy);
  assert.equal(a.curve[0]!.loss, b.curve[0]!.loss);
});

test('a cancel stops the loop before the next batch and keeps the complete epochs; nothing leaks per run', async () => {
  const model = await loadLayersModelFromFolder(MODEL);
  const data = uploadSplit(small, checkDatasetFits(model, small));
  const cancelledRun = async () => {
    const cancel = new CancelSource();
    return trainMasked(model, data, {
      config: resolveTrainConfig({ epochs: 3, mode: 'finetune' }),
      outputKind: outputKind(model),
      masks: [],
      signal: cancel,
      onEpoch: () => cancel.cancel(),
    });
  };
  const r = await cancelledRun();
  assert.equal(r.cancelled, true);
  assert.equal(r.curve.length, 1);
  // The first run may leave tfjs's own caches (constant scalars) behind; a second run must add nothing.
  const after = tf.memory().numTensors;
  await cancelledRun();
  assert.equal(tf.memory().numTensors, after, 'the optimizer state and every step are released');
  data.dispose();
  model.dispose();
});

test('dense plans count the whole model; masked plans count like rgp prune', async () => {
  const { plan, layerGraph, model } = await maskedMlp(4, 'searched', true);
  const dense = densePlan(layerGraph);
  assert.deepEqual(dense.params, { dense: 235146, kept: 235146 });
  assert.equal(plan.ratio, 1 - 4 / 64);
  // Output channels split evenly (256 and 128 into 64 groups), so each kernel keeps exactly k/n of its entries.
  assert.deepEqual(plan.kernels.map((k) => k.kept), [(784 * 256 * 4) / 64, (256 * 128 * 4) / 64]);
  assert.deepEqual(plan.params, { dense: 235146, kept: 235146 - 784 * 256 - 256 * 128 + 12544 + 2048 });
  assert.deepEqual(plan.macs, { dense: 234752, kept: 234752 - 784 * 256 - 256 * 128 + 12544 + 2048 });
  model.dispose();
});

test('a dataset that does not fit the model is refused with what to do', async () => {
  const model = await loadLayersModelFromFolder(MODEL);
  const five: DatasetSplit = { ...small, train: { ...small.train, classes: 5, y: small.train.y.map((c) => c % 5) }, test: { ...small.test, classes: 5, y: small.test.y.map((c) => c % 5) } };
  assert.throws(() => checkDatasetFits(model, five), (e: unknown) => isRgpError(e) && e.code === 'BAD_DATASET' && /5 classes/.test(e.message) && /10 units/.test(e.message));
  const short: DatasetSplit = { ...small, train: { ...small.train, y: small.train.y.subarray(1) } };
  assert.throws(() => checkDatasetFits(model, short), (e: unknown) => isRgpError(e) && e.code === 'BAD_DATASET' && /599 labels for 600 examples/.test(e.message));
  const wide: DatasetSplit = { ...small, train: { ...small.train, itemShape: [30, 30, 1], itemSize: 900, x: new Float32Array(600 * 900) }, test: { ...small.test, itemShape: [30, 30, 1], itemSize: 900, x: new Float32Array(small.test.count * 900) } };
  assert.throws(() => checkDatasetFits(model, wide), (e: unknown) => isRgpError(e) && e.code === 'BAD_DATASET' && /30×30×1 \(900 values\) but the model takes 784/.test(e.message));
  const fit = checkDatasetFits(model, small);
  assert.deepEqual(fit, { itemShape: [784], classes: 10, reshaped: true });
  model.dispose();
});
