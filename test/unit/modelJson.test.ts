import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { isRgpError } from '../../src/core/errors';
import { quietContext } from '../../src/core/job';
import { parseModelJson, storedBytes } from '../../src/core/model/modelJson';
import { inspectModel } from '../../src/jobs/inspectModel';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const rgpCode = (code: string, re?: RegExp) => (e: unknown) => isRgpError(e) && e.code === code && (!re || re.test(e.userMessage));

const dense = (name: string, extra: object = {}) => ({ class_name: 'Dense', config: { name, units: 2, ...extra } });

test('reads the topology tfjs writes', () => {
  const m = parseModelJson({
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [dense('a'), dense('b')] }, keras_version: 'tfjs-layers 4.22.0' },
    weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'a/kernel', shape: [3, 2], dtype: 'float32' }] }],
  });
  assert.equal(m.topologyClass, 'Sequential');
  assert.equal(m.modelName, 's');
  assert.deepEqual(m.layers.map((l) => l.name), ['a', 'b']);
  assert.equal(m.kerasVersion, 'tfjs-layers 4.22.0');
  assert.equal(m.weightGroups[0].weights[0].name, 'a/kernel');
});

test('reads the converter\'s nested model_config with keras_version and training_config', () => {
  const m = parseModelJson({
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: { class_name: 'Functional', config: { name: 'model', layers: [{ class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 4] } }, dense('d')] } },
      training_config: { loss: 'mse' },
    },
    weightsManifest: [
      { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [{ name: 'd/kernel', shape: [4, 2], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.01 } }] },
    ],
  });
  assert.equal(m.topologyClass, 'Functional');
  assert.equal(m.kerasVersion, '2.15.0');
  assert.deepEqual(m.trainingConfig, { loss: 'mse' });
  assert.equal(storedBytes(m.weightGroups[0].weights[0]), 8, 'a uint8-quantized 4×2 kernel takes 8 bytes on disk');
});

test('reads old tfjs Sequential configs that are a bare layer list', () => {
  const m = parseModelJson({ modelTopology: { class_name: 'Sequential', config: [dense('x')] }, weightsManifest: [] });
  assert.deepEqual(m.layers.map((l) => l.name), ['x']);
});

test('says what is wrong with files that are not layers models', () => {
  assert.throws(() => parseModelJson([1, 2]), rgpCode('NOT_A_MODEL', /not a JSON object/));
  assert.throws(() => parseModelJson({ name: 'pkg' }), rgpCode('NOT_A_MODEL', /no "modelTopology"/));
  assert.throws(() => parseModelJson({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }), rgpCode('NOT_A_MODEL', /"graph-model"/));
  assert.throws(() => parseModelJson({ modelTopology: { class_name: 'Sequential', config: {} }, weightsManifest: [] }), rgpCode('BAD_MODEL', /no layer list/));
  assert.throws(() => parseModelJson({ modelTopology: { class_name: 'Sequential', config: [dense('a'), dense('a')] }, weightsManifest: [] }), rgpCode('BAD_MODEL', /both named "a"/));
  assert.throws(() => parseModelJson({ modelTopology: { class_name: 'Sequential', config: [dense('a')] } }), rgpCode('NOT_A_MODEL', /no "weightsManifest"/));
  assert.throws(
    () => parseModelJson({ modelTopology: { class_name: 'Sequential', config: [dense('a')] }, weightsManifest: [{ paths: ['w'], weights: [{ name: 'a/kernel', shape: [2, -1] }] }] }),
    rgpCode('BAD_MODEL', /invalid shape/),
  );
  assert.throws(
    () => parseModelJson({ modelTopology: { class_name: 'Sequential', config: [dense('a')] }, weightsManifest: [{ paths: ['w'], weights: [{ name: 'a/kernel', shape: [2], dtype: 'complex128' }] }] }),
    rgpCode('BAD_MODEL', /unknown dtype/),
  );
});

test('summarises the hand-made tiny model: 15 + 8 parameters, first kernel row zero', async () => {
  const s = await inspectModel(path.join(FIXTURES, 'tiny', 'model.json'), quietContext);
  assert.equal(s.totalParams, 23);
  assert.deepEqual(s.layers.map((l) => [l.name, l.params]), [['dense_a', 15], ['dense_b', 8]]);
  assert.deepEqual(s.layers[0].weights.map((w) => w.shape), [[4, 3], [3]]);
  assert.equal(s.layers[0].zeroFraction, 3 / 15);
  assert.equal(s.layers[1].zeroFraction, 0);
  assert.equal(s.weightBytes, 92);
  assert.deepEqual(s.shards, [{ path: 'group1-shard1of1.bin', bytes: 92 }]);
  assert.deepEqual(s.unassignedWeights, []);
});

test('summarises the bundled MNIST example', async () => {
  const s = await inspectModel(path.join(__dirname, '..', '..', 'examples', 'mnist-mlp', 'model', 'model.json'), quietContext);
  assert.deepEqual(s.layers.map((l) => l.params), [784 * 256 + 256, 256 * 128 + 128, 128 * 10 + 10]);
  assert.equal(s.weightBytes, 4 * 235146);
});

test('refuses hostile, truncated and missing model folders with their reasons', async () => {
  await assert.rejects(inspectModel(path.join(FIXTURES, 'hostile', 'model.json'), quietContext), rgpCode('UNSAFE_PATH', /"\.\.\/secret\.bin".*climbs out/));
  await assert.rejects(inspectModel(path.join(FIXTURES, 'truncated', 'model.json'), quietContext), rgpCode('BAD_MODEL', /holds 60 bytes but its manifest describes 92/));
  await assert.rejects(inspectModel(path.join(FIXTURES, 'not-a-model.json'), quietContext), rgpCode('NOT_A_MODEL'));
  await assert.rejects(inspectModel(path.join(FIXTURES, 'nowhere', 'model.json'), quietContext), rgpCode('UNREADABLE_FILE', /no such file/));
  // A folder means its model.json (src/formats/index.ts); this one has none.
  await assert.rejects(inspectModel(FIXTURES, quietContext), rgpCode('UNREADABLE_FILE', /model\.json: no such file/));
});
