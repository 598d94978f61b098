/**
 * `rgp convert` on the real files: .keras / .h5 → TF.js → .keras keeps every weight bit for bit (checked
 * against h5py's reading of the original, a different HDF5 reader), the TF.js output loads in
 * tf.loadLayersModel and predicts exactly as the model loaded straight from the Keras file, and TF.js → .keras
 * gives a file h5py reads in Keras' layout. ONNX output is not in this build: a typed error.
 */
import { test, before, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { neverCancelled, quietContext } from '../../src/core/job';
import { selectBackend } from '../../src/core/train/backend';
import { openModel } from '../../src/formats';
import { layersArtifacts, readLayersModel } from '../../src/formats/layersModel';
import { loadLayersModelFromFolder } from '../../src/io/tfjsModelFolder';
import { convertModel } from '../../src/jobs/convertModel';
import { rejectsRgp } from './rgpAssert';
import { SHARED_DATA } from '../fixtures/sharedData';

const MODELS = `${SHARED_DATA}/models`;
const ROOT = join(__dirname, '..', '..');
const FILES = ['keras3_seq_cnn_mnist.keras', 'keras3_seq_mlp_mnist.keras', 'tfkeras2.15_func_resnet1d_add.keras', 'keras2.10_seq_cnn_mnist.h5', 'keras2.0.5_func_mini_xception_bn.h5'];

let dir: string;
before(async () => {
  await selectBackend({ prefer: 'cpu' });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rgp-convert-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** sha256 of every layer weight's bytes as h5py reads them (little-endian float32), sorted. */
function h5pyWeightHashes(file: string): string[] {
  const py = `
import h5py, io, sys, zipfile, hashlib, numpy as np
p = sys.argv[1]
f = h5py.File(io.BytesIO(zipfile.ZipFile(p).read('model.weights.h5')), 'r') if p.endswith('.keras') else h5py.File(p, 'r')
root = f['layers'] if p.endswith('.keras') else f['model_weights']
out = []
root.visititems(lambda n, o: out.append(hashlib.sha256(np.ascontiguousarray(o[()], dtype='<f4').tobytes()).hexdigest()) if isinstance(o, h5py.Dataset) else None)
print('\\n'.join(sorted(out)))`;
  return execFileSync('/usr/bin/python3', ['-c', py, file]).toString().trim().split('\n');
}

/** sha256 of each weight's bytes in a TF.js folder (manifest order → sorted). */
function tfjsWeightHashes(folder: string): string[] {
  const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
  const bin = readFileSync(join(folder, 'weights.bin'));
  let at = 0;
  const out: string[] = [];
  for (const w of json.weightsManifest[0].weights) {
    const n = 4 * w.shape.reduce((p: number, d: number) => p * d, 1);
    out.push(sha(bin.subarray(at, at + n)));
    at += n;
  }
  assert.equal(at, bin.length);
  return out.sort();
}

for (const name of FILES) {
  test(`${name} → tfjs → keras: weights bit-identical to what h5py reads, and tfjs predicts the same`, async () => {
    const file = join(MODELS, name);
    const tfjsOut = join(dir, 'tfjs');
    const s = await convertModel(file, { to: 'tfjs', out: tfjsOut }, quietContext);
    assert.deepEqual(s.files, ['model.json', 'weights.bin']);
    const original = h5pyWeightHashes(file);
    assert.deepEqual(tfjsWeightHashes(tfjsOut), original);

    const fromFolder = await loadLayersModelFromFolder(tfjsOut);
    const direct = await tf.loadLayersModel(tf.io.fromMemory(layersArtifacts(await readLayersModel(file, neverCancelled))));
    const shape = fromFolder.inputs[0].shape.map((d) => d ?? 2);
    const x = tf.randomUniform(shape, 0, 1, 'float32', 7);
    const a = await (fromFolder.predict(x) as tf.Tensor).data(), b = await (direct.predict(x) as tf.Tensor).data();
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.ok(Array.from(a).every(Number.isFinite));

    const back = join(dir, 'keras');
    await convertModel(join(tfjsOut, 'model.json'), { to: 'keras', out: back }, quietContext);
    assert.deepEqual(h5pyWeightHashes(join(back, 'model.keras')), original, 'h5py reads the same weights back from our .keras');
    const again = await readLayersModel(join(back, 'model.keras'), neverCancelled);
    const first = await readLayersModel(file, neverCancelled);
    assert.equal(sha(again.weightData), sha(first.weightData), 'same weights in the same order');
  });
}

test('TF.js → .keras: h5py sees Keras 3 layout, and reading it back gives the TF.js bytes', async () => {
  const src = join(ROOT, 'examples', 'mnist-mlp', 'model');
  const out = join(dir, 'k');
  await convertModel(src, { to: 'keras', out }, quietContext);
  const py = `
import h5py, io, sys, zipfile, json
z = zipfile.ZipFile(sys.argv[1])
f = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')
print(json.dumps({'entries': z.namelist(), 'shapes': {k: list(f['layers/' + k + '/vars/0'].shape) for k in f['layers']}, 'dtype': str(f['layers/dense/vars/0'].dtype)}))`;
  const r = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, join(out, 'model.keras')]).toString());
  assert.deepEqual(r.entries, ['metadata.json', 'config.json', 'model.weights.h5']);
  assert.equal(r.dtype, 'float32');
  assert.deepEqual(r.shapes, { dense: [784, 256], dense_1: [256, 128], dense_2: [128, 10] });
  const back = await readLayersModel(join(out, 'model.keras'), neverCancelled);
  assert.equal(sha(back.weightData), sha(readFileSync(join(src, 'weights.bin'))));
});

test('--to onnx writes model.onnx that onnxruntime runs with the Keras model\'s outputs; other targets and an ONNX source are refused', async () => {
  const src = join(MODELS, 'keras3_seq_mlp_mnist.keras');
  const out = join(dir, 'onnx');
  const s = await convertModel(src, { to: 'onnx', out }, quietContext);
  assert.deepEqual(s.files, ['model.onnx']);
  // The reference: the same Keras file loaded into tfjs; a seeded input batch.
  await selectBackend({ prefer: 'cpu' });
  const model = await tf.loadLayersModel(tf.io.fromMemory(layersArtifacts(await readLayersModel(src, neverCancelled))));
  const x = new Float32Array(4 * 784);
  let seed = 7;
  for (let i = 0; i < x.length; i++) x[i] = ((seed = (seed * 1103515245 + 12345) >>> 0) % 1000) / 1000;
  const want = (model.predict(tf.tensor(x, [4, 28, 28])) as tf.Tensor).dataSync();
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(join(out, 'model.onnx'));
  const got = (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [4, 28, 28]) }))[session.outputNames[0]!]!.data as Float32Array;
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!)), `output ${i}: ${got[i]} vs ${want[i]}`);
  model.dispose();
  const bad = join(dir, 'bad');
  await rejectsRgp(convertModel(src, { to: 'pytorch' as never, out: bad }, quietContext), 'BAD_ARGUMENT', /Cannot convert to "pytorch"/);
  await rejectsRgp(convertModel(join(out, 'model.onnx'), { to: 'keras', out: bad }, quietContext), 'UNSUPPORTED', /already an ONNX model/);
  assert.equal(existsSync(bad), false);
});

test('the CLI converts a .h5 to TF.js and prints the summary', () => {
  const out = join(dir, 'cli');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'convert', join(MODELS, 'keras2.10_seq_cnn_mnist.h5'), '--to', 'tfjs', '--out', out, '-q'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.from, 'h5');
  assert.equal(s.weights, 12);
  assert.ok(existsSync(join(out, 'model.json')) && existsSync(join(out, 'weights.bin')));
});

test('a Keras 3 functional config (args/kwargs inbound nodes, module wrappers, dtype policies, batch_shape) reads and loads like its Keras 2 form', async () => {
  // The shared functional .keras is tf.keras 2.15 (list-style wiring); rewrite its config the way Keras 3
  // writes one and check that the layer graph, the pruning plan and tfjs' predictions do not change.
  const { unzipSync, zipSync, strToU8 } = await import('fflate');
  const file = join(MODELS, 'tfkeras2.15_func_resnet1d_add.keras');
  const entries = unzipSync(readFileSync(file));
  const config = JSON.parse(new TextDecoder().decode(entries['config.json']));
  const tensor = (ref: unknown[]) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: ref.slice(0, 3) } });
  for (const l of config.config.layers) {
    l.config.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    if (l.class_name === 'InputLayer') {
      l.config.batch_shape = l.config.batch_input_shape;
      delete l.config.batch_input_shape;
    }
    l.inbound_nodes = l.inbound_nodes.map((node: unknown[][]) => ({ args: node.length === 1 ? [tensor(node[0])] : [node.map(tensor)], kwargs: {} }));
  }
  config.config.input_layers = config.config.input_layers[0];
  config.config.output_layers = config.config.output_layers[0];
  const k3 = join(dir, 'keras3-functional.keras');
  writeFileSync(k3, zipSync({ ...Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { level: 0 }]])), 'config.json': [strToU8(JSON.stringify(config)), { level: 0 }] } as never));

  const a = await openModel(file, { signal: neverCancelled });
  const b = await openModel(k3, { signal: neverCancelled });
  assert.deepEqual(b.graph.layers.map((l) => [l.name, l.inbound, l.outputShape, l.params, l.macs]), a.graph.layers.map((l) => [l.name, l.inbound, l.outputShape, l.params, l.macs]));
  assert.deepEqual(b.graph.inputs, a.graph.inputs);
  assert.deepEqual(b.graph.outputs, a.graph.outputs);

  const ma = await tf.loadLayersModel(tf.io.fromMemory(layersArtifacts(await readLayersModel(file, neverCancelled))));
  const mb = await tf.loadLayersModel(tf.io.fromMemory(layersArtifacts(await readLayersModel(k3, neverCancelled))));
  const x = tf.randomUniform([3, 20, 37], 0, 1, 'float32', 11);
  assert.deepEqual(Array.from(await (mb.predict(x) as tf.Tensor).data()), Array.from(await (ma.predict(x) as tf.Tensor).data()));
});
