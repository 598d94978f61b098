/**
 * layersToOnnx (issue 13): a TF.js layers model converted to ONNX keeps every weight bit for bit and
 * computes what tfjs computes (onnxruntime-node vs the tfjs cpu backend) — the bundled MNIST MLP, and a
 * conv net written by tfjs itself (Conv2D same/valid with strides, BatchNormalization, pooling, Add,
 * Dropout, Flatten from NHWC, Dense). Then the converted MLP compacts like any ONNX model.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { neverCancelled } from '../../src/core/job';
import { parseMaskFile } from '../../src/core/prune/maskFile';
import { Random } from '../../src/core/random';
import { openModel } from '../../src/formats';
import { compactModel, encodeModel, findMaskedSites } from '../../src/formats/onnx/compactModel';
import { layersToOnnx } from '../../src/formats/onnx/fromLayers';
import { loadLayersModelFromFolder, saveLayersModelToFolder } from '../../src/io/tfjsModelFolder';
import { pruneOnnxBytesForTest, type LooseGraph } from '../fixtures/onnxPruned';

const root = path.resolve(__dirname, '../..');

async function convert(modelJson: string) {
  const m = await openModel(modelJson, { signal: neverCancelled });
  const stored = new Map<string, Uint8Array>();
  const r = layersToOnnx(m.graph, (w) => {
    const { bytes, byteOffset } = m.weightBytes(w);
    const raw = bytes.slice(byteOffset, byteOffset + w.bytes);
    stored.set(w.spec.name, raw);
    return new Float32Array(raw.buffer);
  });
  return { ...r, stored, bytes: encodeModel(r.model) };
}

async function runOnnx(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) });
    return out[s.outputNames[0]].data as Float32Array;
  } finally {
    await s.release();
  }
}

function input(dims: number[], seed: number): Float32Array {
  const r = new Random(seed);
  return Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => r.float());
}

function close(a: Float32Array, b: Float32Array, tol: number, what: string): void {
  assert.equal(a.length, b.length);
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * scale, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('the bundled MNIST MLP converts to ONNX bit for bit and matches tfjs', async () => {
  await tf.setBackend('cpu');
  const modelJson = path.join(root, 'examples/mnist-mlp/model/model.json');
  const c = await convert(modelJson);
  const inits = (onnx.ModelProto.decode(c.bytes).graph as unknown as LooseGraph).initializer;
  assert.equal(inits.length, c.stored.size);
  for (const t of inits) assert.ok(Buffer.from(t.rawData).equals(Buffer.from(c.stored.get(t.name)!)), `${t.name} is bit-identical`);
  const dims = [7, 784];
  const x = input(dims, 5);
  const model = await loadLayersModelFromFolder(modelJson);
  const expected = (model.predict(tf.tensor(x, dims)) as tf.Tensor).dataSync() as Float32Array;
  close(await runOnnx(c.bytes, x, dims), expected, 1e-5, 'mlp');
});

test('a tfjs conv net (Conv2D, BatchNormalization, pooling, Add, Flatten from NHWC, Dense) converts exactly', async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(path.join(tmpdir(), 'rgp-fromlayers-'));
  try {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const inp = tf.input({ shape: [12, 10, 3], name: 'image' });
    let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: 'randomNormal', name: 'c1' }).apply(inp) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'bn', gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 2 }), betaInitializer: tf.initializers.randomNormal({ seed: 3 }), movingMeanInitializer: tf.initializers.randomNormal({ seed: 4 }), movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 5 }) }).apply(h) as tf.SymbolicTensor;
    const c2 = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: init(6), name: 'c2' }).apply(bn) as tf.SymbolicTensor;
    h = tf.layers.add({ name: 'res' }).apply([c2, bn]) as tf.SymbolicTensor;
    h = tf.layers.activation({ activation: 'relu', name: 'act' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.conv2d({ filters: 16, kernelSize: 2, strides: 2, padding: 'valid', activation: 'tanh', kernelInitializer: init(7), name: 'c3' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.averagePooling2d({ poolSize: 1, name: 'avg' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.flatten({ name: 'flat' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.dropout({ rate: 0.5, name: 'drop' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(8), name: 'out' }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: inp, outputs: h });
    await saveLayersModelToFolder(model, dir);
    const c = await convert(path.join(dir, 'model.json'));
    const dims = [4, 12, 10, 3];
    const x = input(dims, 9);
    const expected = (model.predict(tf.tensor(x, dims)) as tf.Tensor).dataSync() as Float32Array;
    close(await runOnnx(c.bytes, x, dims), expected, 1e-5, 'convnet');
    assert.deepEqual(c.weights['c1/kernel'], { initializer: 'c1/kernel/oihw', shape: [8, 3, 3, 3], layout: 'out-in-taps' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a converted MLP, masked, compacts and still equals the masked model', async () => {
  const c = await convert(path.join(root, 'examples/mnist-mlp/model/model.json'));
  const pruned = pruneOnnxBytesForTest(c.bytes, { n: 64, k: 8, seed: 4 });
  assert.deepEqual(pruned.layers.length, 1, 'dense_2 (256 → 128) is masked; the first and last stay dense');
  const masked = onnx.ModelProto.decode(pruned.bytes);
  const sites = findMaskedSites(masked, parseMaskFile(JSON.parse(JSON.stringify(pruned.masks))));
  const dims = [6, 784];
  const x = input(dims, 2);
  const expected = await runOnnx(pruned.bytes, x, dims);
  for (const form of ['gather-matmul', 'matmul-gather-sum', 'expand-dense'] as const) {
    const r = compactModel(masked, sites, () => form);
    assert.equal(r.layers[0].storedWeights, 256 * 128 / 8);
    close(await runOnnx(encodeModel(r.model), x, dims), expected, 1e-4, form);
  }
});
