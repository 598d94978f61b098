import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isRgpError } from '../../src/core/errors';
import { buildLayerGraph } from '../../src/core/model/layerGraph';
import { parseModelJson } from '../../src/core/model/modelJson';
import { windowOutput } from '../../src/core/model/shapes';
import { selectBackend } from '../../src/core/train/backend';
import { buildResidualCnn, MNIST_MODEL, writeConverterMlp } from '../fixtures/makePruneFixtures';

before(async () => {
  await selectBackend({ prefer: 'cpu' });
});

const fromFile = (p: string) => parseModelJson(JSON.parse(readFileSync(p, 'utf8')));

/** model.json topology + manifest of an in-memory tfjs model (what model.save would write). */
function topologyOf(model: tf.LayersModel): unknown {
  return {
    format: 'layers-model',
    modelTopology: model.toJSON(null, false),
    weightsManifest: [{ paths: ['w.bin'], weights: model.weights.map((w) => ({ name: w.originalName, shape: w.shape, dtype: 'float32' })) }],
  };
}

test('Sequential MLP (the MNIST example): shapes, parameters and MACs by hand', () => {
  const g = buildLayerGraph(fromFile(join(MNIST_MODEL, 'model.json')));
  assert.deepEqual(g.layers.map((l) => l.name), ['dense_1', 'dense_2', 'dense_3']);
  assert.deepEqual(g.layers.map((l) => l.outputShape), [[256], [128], [10]]);
  assert.deepEqual(g.layers.map((l) => l.inputShapes), [[[784]], [[256]], [[128]]]);
  assert.deepEqual(g.layers.map((l) => l.params), [784 * 256 + 256, 256 * 128 + 128, 128 * 10 + 10]);
  assert.deepEqual(g.layers.map((l) => l.macs), [784 * 256, 256 * 128, 128 * 10]);
  assert.equal(g.totalParams, 235146);
  assert.equal(g.totalMacs, 784 * 256 + 256 * 128 + 1280);
  assert.deepEqual(g.inputs, ['dense_1']);
  assert.deepEqual(g.outputs, ['dense_3']);
  assert.ok(g.macsComplete);
});

test('Functional CNN with residual Add and 1×1 shortcut: shapes and params agree with tfjs, MACs by hand', () => {
  const model = buildResidualCnn();
  const g = buildLayerGraph(parseModelJson(topologyOf(model)));
  for (const layer of model.layers) {
    const node = g.byName.get(layer.name)!;
    assert.ok(node, layer.name);
    assert.deepEqual(node.outputShape, (layer.outputShape as (number | null)[]).slice(1), `output shape of ${layer.name}`);
    assert.equal(node.params, layer.countParams(), `params of ${layer.name}`);
  }
  assert.deepEqual(g.byName.get('add')!.inbound, ['block_bn2', 'shortcut']);
  assert.deepEqual(g.byName.get('shortcut')!.inbound, ['stem_relu']);
  const macs = Object.fromEntries(g.layers.map((l) => [l.name, l.macs]));
  assert.equal(macs.stem, 3 * 3 * 3 * 8 * 8 * 8); // kh·kw·Cin·Cout·H·W
  assert.equal(macs.block_conv1, 3 * 3 * 8 * 16 * 4 * 4); // stride 2, same: 8 → 4
  assert.equal(macs.block_conv2, 3 * 3 * 16 * 16 * 4 * 4);
  assert.equal(macs.shortcut, 1 * 1 * 8 * 16 * 4 * 4);
  assert.equal(macs.sep, 3 * 3 * 16 * 4 * 4 + 16 * 16 * 4 * 4); // depthwise + pointwise
  assert.equal(macs.dw, 3 * 3 * 16 * 4 * 4);
  assert.equal(macs.hidden, 16 * 8);
  assert.equal(macs.classifier, 8 * 5);
  for (const name of ['stem_bn', 'stem_relu', 'add', 'pool', 'gap', 'image']) assert.equal(macs[name], 0, name);
  assert.equal(g.totalParams, model.countParams());
  assert.deepEqual(g.inputs, ['image']);
  assert.deepEqual(g.outputs, ['classifier']);
});

test('Conv1D, Embedding, pooling 1D, Concatenate, Reshape, Flatten, padding valid/dilation: shapes agree with tfjs', () => {
  const tokens = tf.input({ shape: [12], name: 'tokens' });
  const emb = tf.layers.embedding({ name: 'emb', inputDim: 50, outputDim: 6 }).apply(tokens) as tf.SymbolicTensor;
  const c1 = tf.layers.conv1d({ name: 'c1', filters: 8, kernelSize: 3, padding: 'valid', dilationRate: 2 }).apply(emb) as tf.SymbolicTensor;
  const c2 = tf.layers.conv1d({ name: 'c2', filters: 8, kernelSize: 2, strides: 2, padding: 'same' }).apply(emb) as tf.SymbolicTensor;
  const p1 = tf.layers.maxPooling1d({ name: 'p1', poolSize: 2 }).apply(c1) as tf.SymbolicTensor;
  const p2 = tf.layers.averagePooling1d({ name: 'p2', poolSize: 3, strides: 1, padding: 'valid' }).apply(c2) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate({ name: 'cat', axis: 1 }).apply([p1, p2]) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling1d({ name: 'gap1' }).apply(cat) as tf.SymbolicTensor;
  const rs = tf.layers.reshape({ name: 'rs', targetShape: [2, 4] }).apply(gap) as tf.SymbolicTensor;
  const fl = tf.layers.flatten({ name: 'fl' }).apply(rs) as tf.SymbolicTensor;
  const act = tf.layers.activation({ name: 'act', activation: 'tanh' }).apply(fl) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ name: 'drop', rate: 0.5 }).apply(act) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'out', units: 3 }).apply(drop) as tf.SymbolicTensor;
  const model = tf.model({ inputs: tokens, outputs: out });
  const g = buildLayerGraph(parseModelJson(topologyOf(model)));
  for (const layer of model.layers) {
    assert.deepEqual(g.byName.get(layer.name)!.outputShape, (layer.outputShape as (number | null)[]).slice(1), layer.name);
    assert.equal(g.byName.get(layer.name)!.params, layer.countParams(), layer.name);
  }
  assert.equal(g.byName.get('c1')!.macs, 3 * 6 * 8 * 8); // L_out = 12 − 2·2 = 8
  assert.equal(g.byName.get('c2')!.macs, 2 * 6 * 8 * 6); // same, stride 2: 6
  assert.equal(g.byName.get('emb')!.macs, 0);
});

test('window arithmetic follows Keras conv_output_length', () => {
  assert.equal(windowOutput(32, 3, 1, 'same'), 32);
  assert.equal(windowOutput(32, 3, 2, 'same'), 16);
  assert.equal(windowOutput(7, 3, 2, 'same'), 4);
  assert.equal(windowOutput(32, 3, 1, 'valid'), 30);
  assert.equal(windowOutput(7, 3, 2, 'valid'), 3);
  assert.equal(windowOutput(10, 3, 1, 'valid', 3), 4);
  assert.equal(windowOutput(null, 3, 1, 'valid'), null);
});

test('converter-style Sequential (nested model_config, InputLayer, Dropout, two shards)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rgp-lg-'));
  try {
    const model = fromFile(writeConverterMlp(dir));
    assert.equal(model.kerasVersion, '2.13.1');
    const g = buildLayerGraph(model);
    assert.deepEqual(g.layers.map((l) => [l.name, l.outputShape, l.params, l.macs]), [
      ['dense_input', [16], 0, 0],
      ['dense', [32], 16 * 32 + 32, 16 * 32],
      ['dropout', [32], 0, 0],
      ['dense_1', [32], 32 * 32 + 32, 32 * 32],
      ['dense_2', [4], 32 * 4 + 4, 32 * 4],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Keras 3 dict-style inbound_nodes and batch_shape are read', () => {
  const tensor = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [name, 0, 0] } });
  const json = {
    format: 'layers-model',
    modelTopology: {
      keras_version: '3.4.1',
      model_config: {
        class_name: 'Functional',
        config: {
          name: 'k3',
          layers: [
            { class_name: 'InputLayer', name: 'x', config: { name: 'x', batch_shape: [null, 4], dtype: 'float32' }, inbound_nodes: [] },
            { class_name: 'Dense', name: 'a', config: { name: 'a', units: 4, use_bias: true }, inbound_nodes: [{ args: [tensor('x')], kwargs: {} }] },
            { class_name: 'Dense', name: 'b', config: { name: 'b', units: 4, use_bias: false }, inbound_nodes: [{ args: [tensor('x')], kwargs: {} }] },
            { class_name: 'Add', name: 'sum', config: { name: 'sum' }, inbound_nodes: [{ args: [[tensor('a'), tensor('b')]], kwargs: {} }] },
          ],
          input_layers: ['x', 0, 0],
          output_layers: ['sum', 0, 0],
        },
      },
    },
    weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'a/kernel', shape: [4, 4], dtype: 'float32' }, { name: 'a/bias', shape: [4], dtype: 'float32' }, { name: 'b/kernel', shape: [4, 4], dtype: 'float32' }] }],
  };
  const g = buildLayerGraph(parseModelJson(json));
  assert.deepEqual(g.byName.get('sum')!.inbound, ['a', 'b']);
  assert.deepEqual(g.byName.get('sum')!.outputShape, [4]);
  assert.deepEqual(g.inputs, ['x']);
  assert.deepEqual(g.outputs, ['sum']);
  assert.equal(g.totalMacs, 32);
});

test('an unknown layer class is reported, its output unknown downstream, and nothing throws', () => {
  const json = JSON.parse(readFileSync(join(MNIST_MODEL, 'model.json'), 'utf8'));
  json.modelTopology.config.layers.splice(1, 0, { class_name: 'MyFancyNorm', config: { name: 'fancy' } });
  const g = buildLayerGraph(parseModelJson(json));
  assert.deepEqual(g.unknownLayers, ['fancy']);
  assert.equal(g.byName.get('fancy')!.outputShape, null);
  assert.equal(g.byName.get('dense_2')!.outputShape, null);
  assert.equal(g.byName.get('dense_2')!.macs, null, 'MACs of a Dense after an unknown shape are unknown');
  assert.equal(g.byName.get('dense_2')!.params, 256 * 128 + 128, 'its parameters still count');
  assert.equal(g.macsComplete, false);
  assert.match(g.warnings.join(' '), /fancy \(MyFancyNorm\)/);
});

test('a weight whose shape contradicts the layer config is a clear BAD_MODEL error', () => {
  const json = JSON.parse(readFileSync(join(MNIST_MODEL, 'model.json'), 'utf8'));
  json.weightsManifest[0].weights[2].shape = [128, 256]; // dense_2/kernel transposed: same bytes, wrong layout
  assert.throws(() => buildLayerGraph(parseModelJson(json)), (e: unknown) => {
    assert.ok(isRgpError(e));
    assert.equal(e.code, 'BAD_MODEL');
    assert.match(e.message, /dense_2.*kernel of shape \[128, 256\].*implies \[256, 128\]/);
    return true;
  });
  const lenient = buildLayerGraph(parseModelJson(json), { validate: false });
  assert.match(lenient.warnings.join(' '), /dense_2/);
});
