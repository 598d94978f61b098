/**
 * A split read in place (src/core/train/inPlaceSplit.ts) — a job's own or one shared between threads: its
 * batches equal the uploaded split's gathers and slices value for value, the same masked training run gives
 * the same curve either way, and reading it leaves nothing on the backend but the batch in use.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DatasetSplit } from '../../src/core/data/dataset';
import { neverCancelled, quietContext } from '../../src/core/job';
import { selectBackend } from '../../src/core/train/backend';
import { resolveTrainConfig } from '../../src/core/train/config';
import { reinitialiseWeights } from '../../src/core/train/initWeights';
import { inPlaceSplit } from '../../src/core/train/inPlaceSplit';
import { outputKind } from '../../src/core/train/loss';
import { trainMasked } from '../../src/core/train/maskedTraining';
import { checkDatasetFits, tensorSplit, uploadSplit, type TensorSplit } from '../../src/core/train/tensorData';
import { loadDataset } from '../../src/io/dataset';
import { loadLayersModelFromFolder } from '../../src/io/tfjsModelFolder';
import { loadSharedDataset } from '../../src/node/sharedDataset';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, 'examples', 'mnist-mlp', 'model');
const DATA = join(ROOT, 'data', 'mnist');
let own: DatasetSplit;
let shared: DatasetSplit;

before(async () => {
  await selectBackend();
  own = await loadDataset(DATA, { limit: 600 });
  shared = await loadSharedDataset(DATA, 600, quietContext);
});

test('on wasm or cpu a split is read in place, uploading nothing; its batches equal the uploaded split\'s value for value', async () => {
  const model = await loadLayersModelFromFolder(MODEL);
  const fit = checkDatasetFits(model, own);
  const uploaded = uploadSplit(own, fit);
  const before = tf.memory().numBytes;
  const inPlace = tensorSplit(shared, fit);
  assert.equal(tf.getBackend() === 'tensorflow', 'trainX' in inPlace);
  if (tf.getBackend() !== 'tensorflow') assert.equal(tf.memory().numBytes, before, 'nothing uploaded');
  assert.deepEqual([inPlace.trainCount, inPlace.testCount, inPlace.classes], [uploaded.trainCount, uploaded.testCount, uploaded.classes]);
  const same = (pick: (s: TensorSplit) => { x: tf.Tensor; y: tf.Tensor1D }) =>
    tf.tidy(() => {
      const a = pick(uploaded);
      const b = pick(inPlace);
      assert.deepEqual(b.x.shape, a.x.shape);
      assert.deepEqual([b.x.dtype, b.y.dtype], [a.x.dtype, a.y.dtype]);
      assert.deepEqual(b.x.dataSync(), a.x.dataSync());
      assert.deepEqual(b.y.dataSync(), a.y.dataSync());
    });
  // Out of order, repeated and edge rows; the last partial test batch.
  same((s) => s.trainBatch(Int32Array.from([479, 0, 17, 17, 250, 1])));
  same((s) => s.testBatch(0, 50));
  same((s) => s.testBatch(100, 20));
  uploaded.dispose();
  model.dispose();
});

test('masked training on the shared split gives the uploaded split\'s curve, and keeps only the batch in use', async () => {
  const run = async (split: (m: tf.LayersModel) => TensorSplit) => {
    const model = await loadLayersModelFromFolder(MODEL);
    const config = resolveTrainConfig({ epochs: 2, seed: 4, optimizer: 'adam' });
    reinitialiseWeights(model, config.seed);
    const data = split(model);
    const r = await trainMasked(model, data, { config, outputKind: outputKind(model), masks: [], signal: neverCancelled });
    data.dispose();
    model.dispose();
    return r.curve.map(({ seconds: _s, examplesPerSecond: _e, ...rest }) => rest);
  };
  const uploaded = await run((m) => uploadSplit(own, checkDatasetFits(m, own)));
  const tensors = tf.memory().numTensors;
  const inPlace = await run((m) => inPlaceSplit(shared, checkDatasetFits(m, shared)));
  assert.deepEqual(inPlace, uploaded);
  assert.equal(tf.memory().numTensors, tensors, 'every batch released');
});
